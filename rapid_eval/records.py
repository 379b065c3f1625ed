"""Typed run records: what perception, reasoning and scoring write, one frozen dataclass per record kind.

The JSONL files of a run hold these records' ``to_dict()`` (the storage layer, :mod:`rapid_eval.storage.store`, only
knows dicts with a ``key``). Readers go through ``from_dict`` instead of string-key lookups, so the reporters,
the trainer and the stages share one vocabulary and a typo is a type error, not a silent ``None``.

Schema versions (recorded per run in ``RUN/run.json``, :data:`SCHEMA_VERSION`):

- 1: runs written before ``run.json`` existed; the same fields as version 2.
- 2: ``run.json`` records the schema version; record fields as below.

``from_dict`` accepts every version: a missing optional field takes its default and an unknown field is ignored,
so older runs still load. Fields that older writers left out when empty (``error``; ``truncated_thinking`` and
``finish_reason`` of non-``direct`` perception records) are still left out by ``to_dict``, so a record read back
and written again is byte-for-byte the same dict (nothing is appended twice on a rerun).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from rapid_eval.scoring.verdict import Verdict
from rapid_eval.types import CALL_OUTPUT_FIELDS, CallOutput, sample_uid

SCHEMA_VERSION = 2
"""The schema version new runs record in ``run.json``; runs without one are version 1."""

R = TypeVar("R", bound="_Record")


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    """A record class's field names (``dataclasses.fields`` per record cost a third of reading a large run)."""
    return frozenset(f.name for f in dataclasses.fields(cls))


@functools.cache
def _layout(cls: type) -> tuple[str, ...]:
    """The order of a record's keys on disk. A record inheriting :class:`~rapid_eval.types.CallOutput` writes the
    call's output after its own fields and before those in ``_after_output``, where it always wrote them."""
    names = [f.name for f in dataclasses.fields(cls)]
    if not issubclass(cls, CallOutput):
        return tuple(names)
    tail: tuple[str, ...] = cls._after_output  # type: ignore[attr-defined]
    own = [n for n in names if n not in CALL_OUTPUT_FIELDS and n not in tail]
    return (*own, *CALL_OUTPUT_FIELDS, *tail)


@dataclass(frozen=True)
class _Record:
    """Shared ``to_dict`` / ``from_dict`` (fields in ``_omit_none`` are left out when None)."""

    _omit_none: ClassVar[tuple[str, ...]] = ("error",)
    _after_output: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict[str, Any]:
        d = {name: getattr(self, name) for name in _layout(type(self))}  # type: ignore[arg-type]  # hashable
        for name in self._omit_none:
            if d.get(name) is None:
                d.pop(name, None)
        return d

    @classmethod
    def from_dict(cls: type[R], d: dict[str, Any]) -> R:
        names = _field_names(cls)  # type: ignore[arg-type]  # classes are hashable; mypy reads type[R] as unhashable
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass(frozen=True, kw_only=True)
class GenerationRecord(_Record, CallOutput):
    """One model call of any stage (``generations.jsonl``, the judge's ``judge.jsonl``), as the call cache
    (:mod:`rapid_eval.storage.cache`) writes it: the request, then the engine's output (the fields of
    :class:`~rapid_eval.types.CallOutput`, inherited)."""

    _omit_none: ClassVar[tuple[str, ...]] = ()
    _after_output: ClassVar[tuple[str, ...]] = ("created",)

    key: str
    """Content hash of (engine identity, messages with image bytes, sampling): the cache key."""
    stage: str = ""
    """Which stage made the call (``perceive``, ``reason``, ``judge:<benchmark>:<stage>`` ...)."""
    engine: dict[str, Any] = field(default_factory=dict)
    """Engine identity (``{"model", "backend", ...}``)."""
    messages: list[dict[str, Any]] = field(default_factory=list)
    """The request's messages (images by path)."""
    sampling: dict[str, Any] = field(default_factory=dict)
    """The request's sampling parameters."""
    created: float | None = None
    """Unix time the record was written."""


@dataclass(frozen=True)
class PerceptionRecord(_Record):
    """One O_p variant of one sample by one perceptor (``perception.jsonl``)."""

    _omit_none: ClassVar[tuple[str, ...]] = ("error", "truncated_thinking", "finish_reason")

    key: str
    """Content hash of (sample, variant, perceptor identity, generation keys of the parts)."""
    task: str
    """Task name (``Sample.task``)."""
    sample_id: str
    """``Sample.id`` within the task."""
    variant: str
    """O_p variant: ``none``, ``cap``, ``qcap``, ``sol``, ``cap+sol``, ``qcap+sol`` or ``direct``."""
    perceptor: dict[str, Any]
    """Engine identity of the perceptor (``{"model", "backend", ...}``)."""
    parts: dict[str, str | None] = field(default_factory=dict)
    """Generation key per MLLM call the variant is composed of (None: skipped, e.g. a caption without image)."""
    caption: str | None = None
    """Caption text (``cap``/``qcap`` parts); ``""`` when the item has no image; None when the variant has none."""
    solution: str | None = None
    """Tentative solution text (``sol`` part), or None."""
    answer: str | None = None
    """The MLLM's own answer (``direct`` variant), or None."""
    prompt_tokens: int = 0
    """Prompt tokens summed over the parts."""
    completion_tokens: int = 0
    """Completion tokens summed over the parts."""
    seconds: float = 0.0
    """Generation time summed over the parts."""
    truncated_thinking: bool | None = None
    """``direct`` only: the answer was cut inside a reasoning trace."""
    finish_reason: str | None = None
    """``direct`` only: ``stop``, ``length`` or ``error``."""
    error: str | None = None
    """Set when a part failed; the record is retried by the next run."""

    @property
    def uid(self) -> str:
        """``task/sample_id``: the sample's key in ``samples.jsonl``."""
        return sample_uid(self.task, self.sample_id)


@dataclass(frozen=True, kw_only=True)
class ReasoningRecord(_Record, CallOutput):
    """One reasoner answer for one perception record (``reasoning.jsonl``): the reasoner call's output (the fields
    of :class:`~rapid_eval.types.CallOutput`, inherited) and what it answered."""

    _omit_none: ClassVar[tuple[str, ...]] = ("error", "repeat")
    _after_output: ClassVar[tuple[str, ...]] = ("repeat",)

    key: str
    """Content hash of (perception key, generation key)."""
    task: str
    """Task name."""
    sample_id: str
    """``Sample.id`` within the task."""
    variant: str
    """The O_p variant the reasoner read."""
    perceptor: dict[str, Any]
    """Engine identity of the perceptor."""
    reasoner: dict[str, Any]
    """Engine identity of the reasoner."""
    perception_key: str
    """Key of the perception record answered."""
    generation_key: str
    """Key of the reasoner call in ``generations.jsonl``."""
    repeat: int | None = None
    """Repeat index ``k`` of ``reason --repeats K`` (sampled with seed + k); None (left out) for repeat 0."""

    @property
    def uid(self) -> str:
        """``task/sample_id``: the sample's key in ``samples.jsonl``."""
        return sample_uid(self.task, self.sample_id)


@dataclass(frozen=True, kw_only=True)
class VerdictRecord(_Record):
    """The verdict on one answer (``verdicts.jsonl``; derived, rewritten by each scoring pass): which answer, and
    its :class:`~rapid_eval.scoring.verdict.Verdict` (stored flat: the verdict's fields follow ``seconds``)."""

    _omit_none: ClassVar[tuple[str, ...]] = ()

    key: str
    """Key of the scored record (a reasoning record, or a ``direct`` perception record)."""
    task: str
    """Task name."""
    sample_id: str
    """``Sample.id`` within the task."""
    variant: str
    """O_p variant (``direct``: the MLLM's own answer)."""
    perceptor: str | None
    """Perceptor model name."""
    reasoner: str
    """Reasoner model name, ``-`` for ``direct`` answers."""
    scorer: str
    """Name of the scorer that decided (a benchmark name or ``generic``)."""
    output: str
    """The text that was scored."""
    prompt_tokens: int | None = None
    """Prompt tokens of the scored call."""
    completion_tokens: int | None = None
    """Completion tokens of the scored call."""
    seconds: float | None = None
    """Generation time of the scored call."""
    verdict: Verdict = field(default_factory=lambda: Verdict(correct=None))
    """The verdict: correct, extracted, decided_by, explanation, flags, details."""

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d.pop("verdict")
        return {**d, **self.verdict.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> VerdictRecord:
        names = _field_names(cls)  # type: ignore[arg-type]  # as in _Record.from_dict
        verdict = {k: d[k] for k in _field_names(Verdict) if k in d}
        return cls(**{k: v for k, v in d.items() if k in names and k != "verdict"},
                   verdict=Verdict.from_dict({"correct": None, **verdict}))


@dataclass(frozen=True)
class SummaryRow(_Record):
    """One (task, variant, perceptor, reasoner) cell of ``summary.json``."""

    _omit_none: ClassVar[tuple[str, ...]] = ("items", "note")

    task: str
    """Task name."""
    variant: str
    """O_p variant."""
    perceptor: str | None
    """Perceptor model name."""
    reasoner: str
    """Reasoner model name, ``-`` for ``direct``."""
    scorer: str
    """Scorer name."""
    metric: str | None
    """The headline metric's name (``accuracy``, ``score_strict`` ...)."""
    score: float | None
    """Headline metric in percent; None when nothing could be scored."""
    n: int | None
    """Items the metric counts."""
    correct: int | None
    """Correct items (where the metric counts items)."""
    unscored: int = 0
    """Items that could not be scored."""
    flags: dict[str, int] = field(default_factory=dict)
    """How many verdicts carry each flag."""
    items: int | None = None
    """Answers scored in this cell; ``n`` differs where the metric counts groups of them (problems, seeds) or only
    some of them (a headline split). None in summaries written before it existed."""
    note: str | None = None
    """What the headline leaves out, in words (e.g. ``headline over the validation split: 1 of 2 items``)."""


@dataclass(frozen=True)
class JudgeSummary(_Record):
    """What the LLM judge did on one task of a scoring pass (a ``judge_reports`` entry of ``summary.json``;
    :class:`rapid_eval.grading.judge.JudgeReport` computes it)."""

    _omit_none: ClassVar[tuple[str, ...]] = ()

    judged: int = 0
    """Items sent to the judge (after its policy: all of them, or those the rule found no answer in)."""
    decided: int = 0
    """Items whose final verdict came from the judge."""
    unparsed: int = 0
    """Judge replies no verdict could be read from (the rule's verdict stands)."""
    calls: int = 0
    """Judge calls made in this pass."""
    cache_hits: int = 0
    """Judge calls answered from ``judge.jsonl`` instead."""
    failed: int = 0
    """Judge calls that failed for good."""
    both_decided: int = 0
    """Items both the rule and the judge decided."""
    agree: int = 0
    """Of those, items where they agree."""
    agreement: float | None = None
    """``agree`` over ``both_decided`` in percent; None when no item was decided by both."""


@dataclass(frozen=True)
class Incomplete(_Record):
    """What the scores of a run leave out (``summary.json``'s ``incomplete``): each count is owed work that a
    rerun of the named stage does."""

    _omit_none: ClassVar[tuple[str, ...]] = ()

    failed_perception: int = 0
    """Perception calls that failed for good and no later call replaced."""
    failed_reasoning: int = 0
    """Reasoning calls that failed for good and no later call replaced."""
    not_reasoned: int = 0
    """Perception outputs a reasoner answered for other items of their (task, variant) but not for these."""
    unscored: int = 0
    """Answers no rule could score (bad gold, a timeout)."""

    def owed(self) -> dict[str, int]:
        """The non-zero counts by name (empty when the run is complete)."""
        return {k: v for k, v in self.to_dict().items() if v}


@dataclass(frozen=True)
class RunSummary:
    """What a scoring pass computed over a run: ``summary.json``, typed (``to_dict`` is the file, key for key).

    The fields a run scored before they existed lacks (``cached_verdicts``, ``fingerprint``, ``inputs``,
    ``incomplete``, ``provenance``) read back as None and are left out of ``to_dict`` again."""

    scorer_mode: str
    """``official`` (each benchmark's rules) or ``generic`` (the boxed-answer rule)."""
    answers: int
    """Answers scored: reasoning records plus ``direct`` perception records."""
    judge: str | None
    """The LLM judge's name, None when the pass used rules only."""
    judge_reports: dict[str, JudgeSummary]
    """What the judge did, per task it saw."""
    rows: list[SummaryRow]
    """One headline cell per (task, variant, perceptor, reasoner), in table order."""
    cached_verdicts: int | None = None
    """Verdicts taken from the verdict cache instead of scored again."""
    fingerprint: str | None = None
    """Hash of the scored answers and their verdict-cache keys: equal fingerprints mean the same verdicts."""
    inputs: dict[str, Any] | None = None
    """Size and mtime of the record files read, with the scoring code's hash: equal stamps mean an identical pass."""
    incomplete: Incomplete | None = None
    """What the scores leave out: failed calls, outputs not reasoned on, unscored answers."""
    provenance: dict[str, Any] | None = None
    """Who computed it: rapid-eval's version, the git commit, the main packages' versions and the command line."""

    _optional: ClassVar[tuple[str, ...]] = ("cached_verdicts", "fingerprint", "inputs", "incomplete", "provenance")

    def to_dict(self) -> dict[str, Any]:
        """``summary.json`` as written."""
        d: dict[str, Any] = {"scorer_mode": self.scorer_mode, "answers": self.answers, "judge": self.judge,
                             "judge_reports": {t: r.to_dict() for t, r in self.judge_reports.items()},
                             "rows": [r.to_dict() for r in self.rows]}
        for name in self._optional:
            value = getattr(self, name)
            if value is not None:
                d[name] = value.to_dict() if isinstance(value, Incomplete) else value
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RunSummary:
        """Read a ``summary.json`` of any version (missing optional fields are None, unknown keys ignored)."""
        incomplete = d.get("incomplete")
        return cls(scorer_mode=str(d.get("scorer_mode") or "official"), answers=int(d.get("answers") or 0),
                   judge=d.get("judge"),
                   judge_reports={t: JudgeSummary.from_dict(r) for t, r in (d.get("judge_reports") or {}).items()},
                   rows=[SummaryRow.from_dict(r) for r in d.get("rows") or []],
                   **{name: d.get(name) for name in cls._optional if name != "incomplete"},
                   incomplete=Incomplete.from_dict(incomplete) if isinstance(incomplete, dict) else None)

    @property
    def unscored(self) -> int:
        """Items no rule could score, over all rows."""
        return sum(r.unscored or 0 for r in self.rows)
