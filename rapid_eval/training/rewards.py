"""Rewards of the two stage kinds, as TRL reward functions; the arithmetic itself is :func:`vpo_reward`.

**VPO (perception stage)**, ``rapid-method.md`` §4, §5, §8 (``ray_trainer_caption.py``):

1. every caption of the step (the local B x G completions) is wrapped in the training reasoner prompt
   (``reasoner_system`` + ``reason_train``: caption + question, no tentative solution: decision 7, as the
   authors) and sent to the frozen reasoner in **one** batched ``Engine.generate`` call;
2. the reasoner's answer is graded by the stage's ``grader`` (decision 5): ``mathruler`` by default, as the
   authors (``rapid_eval.scoring.mathruler_rule``), or ``generic``, rapid-eval's rule (last ``\\boxed{}``,
   strings, then math-verify); one grader for every item of a stage, never mixed;
3. the hasCap judge (``hascap.py``) checks every caption; **penalty form (decision 8):** right and no genuine
   caption -> ``1 - penalty`` (0.9), right with a caption -> 1, wrong -> 0 (no extra penalty).

**GRPO (reasoning stages):** the policy's own solution graded by the same grader.

Bad input never stops a step: an item whose row is ``bad`` (missing image), whose gold is empty, whose reasoner
request failed or timed out, whose answer cannot be graded or whose hasCap verdict is missing gets reward
``None``; TRL then leaves it out of the group baseline and gives it advantage 0. The counts are logged.
A reasoner that fails *every* request (or raises) for ``max_failed_steps`` consecutive steps is down for good:
:class:`ReasonerUnavailable` is raised and the runner saves a resumable checkpoint before stopping.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import Any

from rapid_eval.engines.base import Engine
from rapid_eval.prompts import PromptSet
from rapid_eval.types import ChatRequest, Completion, Message, Sample, SamplingParams


class ReasonerUnavailable(RuntimeError):
    """The reasoner failed every request for too many consecutive steps."""


def vpo_reward(correct: bool | None, has_cap: bool | None, penalty: float = 0.1) -> float | None:
    """1 if right with a caption, ``1 - penalty`` if right without one, 0 if wrong, None if not scorable.

    The hasCap verdict matters only for right answers; a right answer whose verdict is missing is not scorable.
    """
    if correct is None:
        return None
    if not correct:
        return 0.0
    if has_cap is None:
        return None
    return 1.0 if has_cap else 1.0 - penalty


def completion_text(completion: Any) -> str:
    """The text of a TRL completion (a string, or a conversational ``[{"role", "content"}]`` list)."""
    if isinstance(completion, str):
        return completion
    parts = []
    for msg in completion:
        content = msg.get("content", "")
        if isinstance(content, str):
            parts.append(content)
        else:
            parts.extend(p.get("text", "") for p in content if p.get("type") == "text")
    return "".join(parts)


GRADERS = ("mathruler", "generic")


def get_grader(name: str) -> Any:
    """The scorer behind a grader name; ValueError (with the install hint) when it cannot be used."""
    if name == "generic":
        from rapid_eval.scoring import get_scorer

        return get_scorer("generic")
    if name == "mathruler":
        from rapid_eval.scoring.mathruler_rule import MathrulerScorer, available

        if why := available():
            raise ValueError(why)
        return MathrulerScorer()
    raise ValueError(f"unknown grader '{name}'; choose from: {', '.join(GRADERS)}")


def grade(samples: Sequence[Sample], outputs: Sequence[str], truncated: Sequence[bool],
          grader: str = "mathruler") -> list[bool | None]:
    """Verdicts of the grader (``score_all``: symbolic math in a killable worker, so no hang stalls training)."""
    from rapid_eval.scoring import score_all

    verdicts = score_all(get_grader(grader), list(samples), list(outputs), list(truncated), workers=1)
    return [v.correct for v in verdicts]


def _bad_reason(sample: Sample, bad: str) -> str:
    if bad:
        return bad
    gold = sample.answer
    if not (gold if isinstance(gold, list) else str(gold).strip()):
        return "empty answer"
    return ""


class _Reward:
    """Shared plumbing: decode the TRL columns, mark bad items, report metrics through ``log_metric``."""

    __name__ = "reward"

    def __init__(self) -> None:
        self.calls = 0
        self.scored = 0
        """Completions received so far (this process's share of every step; the step log reports it)."""

    def _inputs(self, completions: list[Any], sample: list[str],
                bad: list[str] | None) -> tuple[list[Sample], list[str], list[str]]:
        self.scored += len(completions)
        samples = [Sample.from_dict(json.loads(s)) for s in sample]
        texts = [completion_text(c) for c in completions]
        reasons = [_bad_reason(s, b) for s, b in zip(samples, bad or [""] * len(samples), strict=True)]
        return samples, texts, reasons

    def _log(self, log_metric: Callable[[str, float], None] | None, **values: float) -> None:
        """Report per-step metrics as ``<reward name>/<metric>`` (TRL averages them over the logged step)."""
        if log_metric is not None:
            for k, v in values.items():
                log_metric(f"{self.__name__}/{k}", float(v))


class SolutionReward(_Reward):
    """GRPO stages: the policy's own boxed answer, right = 1, wrong = 0."""

    __name__ = "solution"

    def __init__(self, grader: str = "mathruler") -> None:
        """``grader``: one of ``GRADERS``, checked at the first call (``ValueError``: unknown, or not installed)."""
        super().__init__()
        self.grader = grader

    def __call__(self, prompts: list[Any], completions: list[Any], sample: list[str], bad: list[str] | None = None,
                 log_metric: Callable[[str, float], None] | None = None, **_: Any) -> list[float | None]:
        """TRL reward function: 1.0 or 0.0 per completion; None for a bad item or an answer the grader cannot judge.

        ``sample`` and ``bad`` are the dataset's columns; logs ``accuracy``, ``bad_items`` and ``unscored``.
        """
        self.calls += 1
        samples, texts, reasons = self._inputs(completions, sample, bad)
        good = [i for i, r in enumerate(reasons) if not r]
        verdicts = grade([samples[i] for i in good], [texts[i] for i in good], [False] * len(good), self.grader)
        rewards: list[float | None] = [None] * len(texts)
        for i, v in zip(good, verdicts, strict=True):
            rewards[i] = None if v is None else float(v)
        scored = [r for r in rewards if r is not None]
        self._log(log_metric, accuracy=sum(scored) / len(scored) if scored else 0.0,
                  bad_items=len(texts) - len(good), unscored=len(good) - len(scored))
        return rewards


HasCapJudge = Callable[[list[str]], list[bool | None]]


class VPOReward(_Reward):
    """Perception stage: the frozen reasoner answers from each caption; see the module docstring."""

    __name__ = "vpo"

    def __init__(self, reasoner: Engine, judge: HasCapJudge | None, prompts: PromptSet, sampling: SamplingParams,
                 penalty: float = 0.1, max_failed_steps: int = 3, grader: str = "mathruler"):
        """Hold the frozen reasoner and the hasCap judge; starts and loads nothing (both are the caller's).

        Args:
            reasoner: answers from each caption, with ``sampling``.
            judge: hasCap of a batch of captions; None: no check (every caption counts as genuine).
            prompts: the template set that renders ``reasoner_system`` and ``reason_train``.
            sampling: the reasoner's sampling settings.
            penalty: subtracted from a right answer whose caption is not genuine (:func:`vpo_reward`).
            max_failed_steps: consecutive steps in which every reasoner request fails before
                :class:`ReasonerUnavailable` is raised.
            grader: as :class:`SolutionReward`'s.
        """
        super().__init__()
        self.grader = grader
        self.reasoner, self.judge, self.prompts, self.sampling = reasoner, judge, prompts, sampling
        self.penalty, self.max_failed_steps = penalty, max_failed_steps
        self.failed_steps = 0
        self.last_error = ""

    def requests(self, samples: Sequence[Sample], captions: Sequence[str]) -> list[ChatRequest]:
        """The reasoner's request per (sample, caption), with the stage's sampling.

        ``reasoner_system`` + ``reason_train``: the caption and the question, no tentative solution.
        """
        system = self.prompts.render("reasoner_system")
        return [ChatRequest((Message("system", system),
                             Message("user", self.prompts.render("reason_train", caption=c, question=s.question))),
                            self.sampling) for s, c in zip(samples, captions, strict=True)]

    def _reason(self, requests: list[ChatRequest]) -> list[Completion]:
        """One batched call; an engine-wide error counts as a failed step (every item errored)."""
        self.calls += 1
        try:
            outs = self.reasoner.generate(requests)
        except Exception as e:  # noqa: BLE001 - a down server must become a clean, resumable stop
            outs = [Completion(finish_reason="error", error=f"{type(e).__name__}: {e}") for _ in requests]
        if requests and all(o.error for o in outs):
            self.failed_steps += 1
            self.last_error = outs[0].error or "unknown error"
            if self.failed_steps >= self.max_failed_steps:
                raise ReasonerUnavailable(
                    f"reasoner '{self.reasoner.model}' ({self.reasoner.backend}) failed every request for "
                    f"{self.failed_steps} consecutive step(s); last error: {self.last_error}")
        else:
            self.failed_steps = 0
        return outs

    def __call__(self, prompts: list[Any], completions: list[Any], sample: list[str], bad: list[str] | None = None,
                 log_metric: Callable[[str, float], None] | None = None, log_extra: Callable | None = None,
                 **_: Any) -> list[float | None]:
        """TRL reward function: :func:`vpo_reward` per caption, from one batched reasoner call and one hasCap batch.

        None for a bad item, a failed reasoner request, an answer the grader cannot judge, or a right answer
        without a hasCap verdict. Logs the step's
        metrics through ``log_metric``; ``log_extra`` receives each completion's reasoner answer (last 200
        characters) and hasCap verdict. Raises :class:`ReasonerUnavailable` once the reasoner has failed every
        request for ``max_failed_steps`` consecutive steps.
        """
        t0 = time.perf_counter()
        samples, captions, reasons = self._inputs(completions, sample, bad)
        good = [i for i, r in enumerate(reasons) if not r]
        outs = self._reason(self.requests([samples[i] for i in good], [captions[i] for i in good]))
        t_reason = time.perf_counter() - t0
        errored = [i for i, o in zip(good, outs, strict=True) if o.error]
        ok = [(i, o) for i, o in zip(good, outs, strict=True) if not o.error]
        verdicts = grade([samples[i] for i, _ in ok], [o.text for _, o in ok], [o.truncated_thinking for _, o in ok],
                         self.grader)
        correct: dict[int, bool | None] = {i: v for (i, _), v in zip(ok, verdicts, strict=True)}
        judged = [i for i, _ in ok]
        has_cap = dict(zip(judged, self.judge([captions[i] for i in judged]), strict=True)) if self.judge else \
            dict.fromkeys(judged, True)
        rewards: list[float | None] = [None] * len(captions)
        for i in judged:
            rewards[i] = vpo_reward(correct[i], has_cap[i], self.penalty)
        right = [i for i in judged if correct[i]]
        caps = [bool(has_cap[i]) for i in judged if has_cap[i] is not None]
        scored = [bool(correct[i]) for i in judged if correct[i] is not None]
        self._log(log_metric,
                  reasoner_accuracy=sum(scored) / len(scored) if scored else 0.0,
                  contain_cap_ratio=sum(caps) / len(caps) if caps else 0.0,
                  penalty_rate=sum(1 for i in right if has_cap[i] is False) / len(judged) if judged else 0.0,
                  bad_items=len(captions) - len(good), reasoner_errors=len(errored),
                  unscored=sum(r is None for r in rewards) - (len(captions) - len(good)) - len(errored),
                  reasoner_seconds=t_reason)
        if log_extra is not None:
            answers = {i: o.text[-200:] for i, o in ok}
            log_extra("reasoner_answer", [answers.get(i, "") for i in range(len(captions))])
            log_extra("has_cap", [has_cap.get(i) for i in range(len(captions))])
        return rewards

