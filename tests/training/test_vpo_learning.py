"""VPO learns: the caption decides the reasoner's answer, and the policy learns to write the caption that makes
the reasoner name what the image shows.

Task: solid red images, question "What colour is the image?", gold ``red``. The frozen reasoner is a rule that
reads **only the caption** in the training reasoner prompt (``reason_train``): it answers ``\\boxed{red}`` when the
caption starts with ``A`` (as in "A red square") and ``\\boxed{blue}`` otherwise. So the reward is decided by the
caption's content alone. The tiny VLM starts with p(``A``) about 0.4 (its weakly scripted reply begins with ``A``),
so groups have reward variance from the first step.

Paper-shaped settings: VPO stage defaults (beta 1e-3, so the reference model is loaded and KL is logged; clip
0.2 / 0.25) with 2 optimiser updates per rollout batch (old log-probs computed, so the clip range is active),
G=8, one-token captions; only the learning rate is raised (5e-3) to learn within seconds. Control: the same run
with a reasoner that answers a seeded coin flip whatever the caption: rewards with the same variance and no link
to the caption, which must not rise. Measured curves: docs/training.md (Measured).

Not shown: image-conditional captions (red -> ``A``, blue -> anything else). Tried with 4 prompts x G=8 for 30
steps: the tiny random vision tower gave no usable signal and the reward settled at 0.5 (the policy answers alike
for both colours), at about 55 s per run.
"""

from __future__ import annotations

import random
import re
from statistics import mean

import pytest
from trainlib import GRADER, write_virl

pytest.importorskip("trl")

from rapid_eval.engines.base import Engine  # noqa: E402
from rapid_eval.training.config import build_stages  # noqa: E402
from rapid_eval.training.runner import run_stage  # noqa: E402
from rapid_eval.training.trainlog import read_log  # noqa: E402
from rapid_eval.types import Completion  # noqa: E402

STEPS = 20
CAPTION = re.compile(r"### The detailed caption of the provided image: (.*?)\n\n### Question:", re.S)


class RuleReasoner(Engine):
    """Answers from the caption text alone (``coin=True``: a seeded coin flip that ignores the caption)."""

    backend = "rule"

    def __init__(self, coin: bool = False):
        super().__init__("rule-reasoner")
        self.coin, self.rng, self.captions = coin, random.Random(0), []

    def _generate(self, requests, on_complete):
        for i, req in enumerate(requests):
            m = CAPTION.search(req.messages[-1].text)
            caption = m.group(1).strip() if m else ""
            self.captions.append(caption)
            red = self.rng.random() < 0.5 if self.coin else caption.startswith("A")
            on_complete(i, Completion(text=f"<think>From the caption.</think>\\boxed{{{'red' if red else 'blue'}}}"))


def _train(tiny_models, tmp_path, coin: bool) -> list[float]:
    from PIL import Image

    rows = [{"qid": f"q{i}", "question": "What colour is the image?", "answer": "red", "image": [f"images/{i}.png"],
             "source": "synthetic"} for i in range(4)]
    data = write_virl(tmp_path / "data", rows, n_images=0)
    for i in range(4):
        Image.new("RGB", (56 + 8 * i, 56), (230, 20 * i, 20)).save(tmp_path / "data" / "images" / f"{i}.png")
    cfg = build_stages("vpo", flags=dict(
        data=str(data), max_steps=STEPS, prompts_per_step=2, num_generations=8, updates_per_step=2,
        micro_batch=16, max_completion_length=1, learning_rate=5e-3, weight_decay=0.0, save_every=1000,
        report_to=[], hascap_judge="none", grader=GRADER))[0]
    assert (cfg.beta, cfg.epsilon, cfg.epsilon_high) == (1e-3, 0.2, 0.25)
    reasoner = RuleReasoner(coin)
    out = tmp_path / ("coin" if coin else "caption")
    run_stage(cfg, str(tiny_models["vlm"]), out, reasoner=reasoner, quiet=True)
    steps = [r for r in read_log(out / "train_log.jsonl") if r.get("event") == "step"]
    assert len(reasoner.captions) == STEPS * 2 * 8  # every caption of every step went to the reasoner
    assert any(r.get("kl", 0) > 0 for r in steps) and any("clip_ratio" in k for k in steps[-1]), steps[-1]
    return [r["reward"] for r in steps]


@pytest.mark.slow
def test_vpo_mean_reward_rises_only_when_the_caption_decides(tiny_models, tmp_path):
    curve = _train(tiny_models, tmp_path, coin=False)
    control = _train(tiny_models, tmp_path, coin=True)
    print("caption decides:", " ".join(f"{r:.2f}" for r in curve))
    print("coin control:   ", " ".join(f"{r:.2f}" for r in control))
    assert mean(curve[-5:]) >= 0.8 and mean(curve[-5:]) > mean(curve[:5]) + 0.25, curve
    assert mean(control[-5:]) < mean(curve[-5:]) - 0.25 and mean(control[-5:]) < 0.7, control
