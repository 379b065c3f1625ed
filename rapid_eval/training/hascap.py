"""The hasCap judge: does a policy output hold a genuine image description? (``rapid-method.md`` §5)

Few-shot, text only, greedy: ``hascap_system`` + ``hascap`` (two in-context examples, then the text);
hasCap = 1 iff the reply starts with ``Yes`` (leading whitespace ignored), as ``ray_trainer_caption.py``.
All texts of a step go in one batch.

Decision 1 (trainer-notes §4), configurable by ``hascap_judge``:

- ``policy`` (default, as the authors): the **live** policy judges, through TRL's
  ``unwrap_model_for_generation`` (gathers ZeRO-3 shards), batched ``generate`` with ``do_sample=False``. The
  policy could learn to game its own check; the check sees text only and the penalty is small.
- ``frozen``: the initial policy of the stage, as a separate rapid-eval Engine (``hf`` in process; any
  Engine works, e.g. an OpenAI-compatible server of the base model).
- ``none``: no check (RACRO v1: no penalty).

Only the first ``max_new_tokens`` (default 4) reply tokens are generated: the verdict reads the first word.
"""

from __future__ import annotations

from typing import Any

from rapid_eval.engines.base import Engine
from rapid_eval.prompts import PromptSet
from rapid_eval.types import ChatRequest, Message, SamplingParams


def has_caption(reply: str) -> bool:
    """The authors' rule: the judge's reply starts with ``Yes``."""
    return reply.lstrip().startswith("Yes")


def judge_messages(prompts: PromptSet, text: str) -> list[dict[str, str]]:
    """The judge's chat about ``text``: ``hascap_system``, then the few-shot ``hascap`` user prompt."""
    return [{"role": "system", "content": prompts.render("hascap_system")},
            {"role": "user", "content": prompts.render("hascap", text=text)}]


class EngineJudge:
    """hasCap through any rapid-eval Engine (the frozen initial policy); a failed request gives None."""

    def __init__(self, engine: Engine, prompts: PromptSet, max_new_tokens: int = 4):
        """Judge greedily (temperature 0, seed 0) with ``engine``, which stays the caller's to open and close."""
        self.engine, self.prompts = engine, prompts
        self.sampling = SamplingParams(temperature=0.0, max_new_tokens=max_new_tokens, seed=0)
        self.calls = 0

    def __call__(self, texts: list[str]) -> list[bool | None]:
        """The hasCap verdict of each text from one batched ``engine.generate`` call (no call for an empty list)."""
        if not texts:
            return []
        self.calls += 1
        reqs = [ChatRequest(tuple(Message(m["role"], m["content"])  # type: ignore[arg-type]  # roles from our template
                                  for m in judge_messages(self.prompts, t)), self.sampling) for t in texts]
        return [None if c.error else has_caption(c.text) for c in self.engine.generate(reqs)]


class PolicyJudge:
    """hasCap by the live policy inside the trainer (bind the trainer with :meth:`bind` after building it)."""

    def __init__(self, processor: Any, prompts: PromptSet, max_new_tokens: int = 4, batch_size: int = 16,
                 suppress_tokens: list[int] | None = None):
        """Hold what a judging call needs; judges nothing until :meth:`bind` has given it the trainer.

        ``processor``: the policy's, whose tokenizer renders the judge prompts and decodes the replies;
        ``batch_size``: texts per ``generate`` call; ``suppress_tokens``: token ids never generated (the vision
        placeholders, as in the rollouts).
        """
        self.processor, self.prompts = processor, prompts
        self.max_new_tokens, self.batch_size = max_new_tokens, batch_size
        self.suppress_tokens = suppress_tokens or None
        self.trainer: Any = None
        self.calls = 0

    def bind(self, trainer: Any) -> PolicyJudge:
        """Judge with ``trainer``'s live model from now on; return self."""
        self.trainer = trainer
        return self

    def __call__(self, texts: list[str]) -> list[bool | None]:
        """The hasCap verdict of each text by the live policy: greedy, left-padded batches on the accelerator's device.

        The model is unwrapped for generation (ZeRO-3 shards gathered) and run without gradients; never None.
        Raises ``RuntimeError`` before :meth:`bind`.
        """
        if not texts:
            return []
        if self.trainer is None:
            raise RuntimeError("PolicyJudge used before bind(trainer)")
        import torch
        from trl.models import unwrap_model_for_generation

        from rapid_eval.engines._hf_processor import tokenizer_of

        self.calls += 1
        tok = tokenizer_of(self.processor)
        prompts = [tok.apply_chat_template(judge_messages(self.prompts, t), tokenize=False,
                                           add_generation_prompt=True) for t in texts]
        replies: list[str] = []
        acc = self.trainer.accelerator
        with unwrap_model_for_generation(self.trainer.model_wrapped, acc) as model, torch.no_grad():
            for start in range(0, len(prompts), self.batch_size):
                enc = tok(prompts[start:start + self.batch_size], return_tensors="pt", padding=True,
                          padding_side="left", add_special_tokens=False).to(acc.device)
                out = model.generate(**enc, max_new_tokens=self.max_new_tokens, do_sample=False,
                                     suppress_tokens=self.suppress_tokens, pad_token_id=tok.pad_token_id,
                                     use_cache=True)
                replies += tok.batch_decode(out[:, enc["input_ids"].shape[1]:], skip_special_tokens=True)
        return [has_caption(r) for r in replies]
