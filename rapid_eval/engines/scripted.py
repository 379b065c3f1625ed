"""A scripted engine: deterministic canned replies, registered like any other backend.

For testing orchestration (reuse, resume, retries, error paths) without a model, and for dry runs of a pipeline
configuration: ``--backend scripted --model scripted``. Options (``--engine-arg K=V``):

- ``reply``: the reply to every request (default: a ``<think>`` trace then ``The answer is \\boxed{A}.``);
  ``{last_word}`` in it is replaced by the last word of the request's last message, ``{seed}`` by the sampling
  seed and ``{seed_letter}`` by the seed-th letter (A for 0), so repeats with distinct seeds answer differently.
- ``delay``: seconds to sleep per request (to test kills mid-run).
- ``fail_on``: requests whose text contains this string fail with an error completion.
"""

from __future__ import annotations

import time
from typing import Any

from rapid_eval.engines.base import Engine, OnComplete
from rapid_eval.engines.thinking import split_reasoning
from rapid_eval.types import ChatRequest, Completion

DEFAULT_REPLY = "<think>Scripted reasoning.</think>The answer is \\boxed{A}."


class ScriptedEngine(Engine):
    """A model-free engine with deterministic canned replies (tests and dry runs; options in the module docstring)."""

    backend = "scripted"
    calls = 0
    """Requests answered by all instances in this process (tests read it to prove zero calls on rerun)."""

    def __init__(self, model: str = "scripted", reply: str = DEFAULT_REPLY, delay: Any = 0.0,
                 fail_on: str | None = None, **options: Any):
        """Loads nothing; ``delay`` may arrive as text (``--engine-arg delay=0.5``) and is read as seconds."""
        super().__init__(model, **options)
        self.reply = reply
        self.delay = float(delay)
        self.fail_on = fail_on

    def identity(self) -> dict[str, Any]:
        """Adds ``reply``: engines scripted with different replies never share cached calls."""
        return {**super().identity(), "reply": self.reply}

    def _generate(self, requests: list[ChatRequest], on_complete: OnComplete) -> None:
        for i, req in enumerate(requests):
            if self.delay:
                time.sleep(self.delay)
            ScriptedEngine.calls += 1
            text = "\n".join(m.text for m in req.messages)
            if self.fail_on and self.fail_on in text:
                on_complete(i, Completion(finish_reason="error", error=f"scripted failure ({self.fail_on!r})"))
                continue
            words = req.messages[-1].text.split()
            seed = req.sampling.seed or 0
            raw = (self.reply.replace("{last_word}", words[-1] if words else "").replace("{seed}", str(seed))
                   .replace("{seed_letter}", chr(ord("A") + seed % 26)))
            final, trace, truncated = split_reasoning(raw)
            on_complete(i, Completion(
                text=final, reasoning=trace, truncated_thinking=truncated,
                prompt_tokens=len(text.split()), completion_tokens=len(raw.split()),
                finish_reason="stop", seconds=self.delay,
            ))
