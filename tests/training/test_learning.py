"""The trainer learns: GRPO on a synthetic image task whose rule reward has clear variance.

Task: every item's gold answer is ``A``; the policy writes one token, graded by the generic rule (a short whole
text is compared with the gold as a string). The tiny VLM starts with about a 0.4 chance of writing ``A`` (its
weakly scripted reply starts with that token), so groups of 8 have reward variance from the first step; the
mean reward must rise over 20 steps (a high learning rate keeps this fast on CPU). Measured curve (2 CPU cores,
seed 0): 0.31 0.62 0.62 0.12 0.50 ... 0.88 0.88 0.88 0.94 0.88, about 20 s.
"""

from __future__ import annotations

from statistics import mean

import pytest
from trainlib import write_virl

pytest.importorskip("trl")

from rapid_eval.training.config import build_stages  # noqa: E402
from rapid_eval.training.runner import run_stage  # noqa: E402
from rapid_eval.training.trainlog import read_log  # noqa: E402


def test_mean_reward_rises(tiny_models, tmp_path):
    rows = [{"qid": f"q{i}", "question": "Which letter starts the caption?", "answer": "A",
             "image": [f"images/{i % 4}.png"], "source": "synthetic"} for i in range(8)]
    data = write_virl(tmp_path / "data", rows)
    cfg = build_stages("grpo", flags=dict(data=str(data), max_steps=20, prompts_per_step=2, num_generations=8,
                                          updates_per_step=1, micro_batch=16, max_completion_length=1,
                                          learning_rate=5e-3, weight_decay=0.0, save_every=1000, report_to=[],
                                          grader="generic"))[0]  # a bare one-token answer: mathruler needs a box
    run_stage(cfg, str(tiny_models["vlm"]), tmp_path / "out", quiet=True)
    curve = [r["reward"] for r in read_log(tmp_path / "out" / "train_log.jsonl") if r.get("event") == "step"]
    print("reward curve:", " ".join(f"{r:.2f}" for r in curve))
    assert len(curve) == 20
    assert mean(curve[-5:]) >= 0.75 and mean(curve[-5:]) > mean(curve[:5]) + 0.25, curve
