"""Typed run records: what perception, reasoning and scoring write, one frozen dataclass per record kind (the
summary of a scoring pass, ``summary.json``, is typed in :mod:`rapid_eval.summaries`).

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

R = TypeVar("R", bound="JsonRecord")


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
class JsonRecord:
    """The base of every typed record: shared ``to_dict`` / ``from_dict`` (fields in ``_omit_none`` are left out
    when None; unknown keys are ignored on reading)."""

    _omit_none: ClassVar[tuple[str, ...]] = ("error",)
    _after_output: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSONL line: fields in their on-disk order, those in ``_omit_none`` left out when None."""
        d = {name: getattr(self, name) for name in _layout(type(self))}  # type: ignore[arg-type]  # hashable
        for name in self._omit_none:
            if d.get(name) is None:
                d.pop(name, None)
        return d

    @classmethod
    def from_dict(cls: type[R], d: dict[str, Any]) -> R:
        """Read a line of any schema version: unknown keys are ignored, missing optional fields take defaults."""
        names = _field_names(cls)  # type: ignore[arg-type]  # classes are hashable; mypy reads type[R] as unhashable
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass(frozen=True, kw_only=True)
class GenerationRecord(JsonRecord, CallOutput):
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
class PerceptionRecord(JsonRecord):
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
class ReasoningRecord(JsonRecord, CallOutput):
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
class VerdictRecord(JsonRecord):
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
        """The line of ``verdicts.jsonl``: the answer's fields, then the verdict's at top level."""
        d = super().to_dict()
        d.pop("verdict")
        return {**d, **self.verdict.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> VerdictRecord:
        """Read a ``verdicts.jsonl`` line, gathering the verdict's top-level keys into ``verdict``."""
        names = _field_names(cls)  # type: ignore[arg-type]  # as in JsonRecord.from_dict
        verdict = {k: d[k] for k in _field_names(Verdict) if k in d}
        return cls(**{k: v for k, v in d.items() if k in names and k != "verdict"},
                   verdict=Verdict.from_dict({"correct": None, **verdict}))


@dataclass(frozen=True)
class StatsLine(JsonRecord):
    """One command invocation on a run: a line of ``stats.jsonl`` (what it did, what it cost, who ran it).

    The counts every command writes are fields; what one command adds (``model``, ``variants``, ``skipped``,
    ``settings``, ``error`` ...) is in ``extra``, in the order written, so a line read back writes the same dict."""

    _omit_none: ClassVar[tuple[str, ...]] = ("versions",)

    command: str
    """The stage or command: ``perceive``, ``reason``, ``score``, ``import``, ``demo:perceive`` ..."""
    argv: list[str] = field(default_factory=list)
    """The command line, every secret masked (:mod:`rapid_eval.redact`)."""
    records: int = 0
    """Records the invocation covered (written now or already there)."""
    generated: int = 0
    """Model calls made."""
    reused: int = 0
    """Calls answered from the run's call cache."""
    failed: int = 0
    """Calls that failed for good (recorded with their error; a rerun retries them)."""
    prompt_tokens: int = 0
    """Prompt tokens of the calls made."""
    completion_tokens: int = 0
    """Completion tokens of the calls made."""
    seconds: float = 0.0
    """Wall time of the invocation."""
    generation_seconds: float = 0.0
    """Time spent in model calls (summed over concurrent calls)."""
    finished: float = 0.0
    """When it ended, seconds since the epoch."""
    versions: dict[str, str] | None = None
    """rapid-eval's and the main packages' versions; None in lines written before they were recorded."""
    extra: dict[str, Any] = field(default_factory=dict)
    """What this command adds, key by key as written."""

    @property
    def error(self) -> str | None:
        """The error the invocation stopped on (secrets masked); None when it finished."""
        value = self.extra.get("error")
        return str(value) if value else None

    @property
    def settings(self) -> dict[str, Any] | None:
        """The stage's settings (model identity, sampling, variants), what a shard merge must find equal."""
        value = self.extra.get("settings")
        return value if isinstance(value, dict) else None

    @property
    def shard(self) -> dict[str, Any] | None:
        """The shard a sharded stage ran (``index``, ``count``, ``fingerprint``); None for a whole run."""
        value = self.extra.get("shard")
        return value if isinstance(value, dict) else None

    def to_dict(self) -> dict[str, Any]:
        """The line as written: the fields, then ``extra``'s keys at top level."""
        d = super().to_dict()
        return {**{k: v for k, v in d.items() if k != "extra"}, **self.extra}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> StatsLine:
        """Read a line of any version: unknown keys go to ``extra``, missing counts are 0."""
        names = _field_names(cls) - {"extra"}  # type: ignore[arg-type]  # as in JsonRecord.from_dict
        return cls(**{k: v for k, v in d.items() if k in names},
                   extra={k: v for k, v in d.items() if k not in names})
