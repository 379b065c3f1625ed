"""Typed values that flow through the pipeline: samples, chat requests, completions.

Everything here is plain data (frozen dataclasses, JSON-serialisable through ``to_dict``) so that records,
the trainer and the reporters share one vocabulary and nothing imports a heavy backend.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal


def sample_uid(task: str, sample_id: str) -> str:
    """``task/id``: a sample's key in a run (``samples.jsonl``), built here only (:attr:`Sample.uid` and every
    record's ``uid``)."""
    return f"{task}/{sample_id}"


AnswerType = Literal["choice", "multi_choice", "integer", "float", "text", "list"]


@dataclass(frozen=True)
class Sample:
    """One benchmark item, normalised from the benchmark's own field names."""

    id: str
    """Unique within its task (the benchmark's own id where it has one)."""
    task: str
    """Task name, e.g. ``mathvista`` (see ``tasks/*.yaml``)."""
    question: str
    """The question as the reference prompt builder formats it (options laid out, hints kept): RAPID's ``{q}``."""
    answer: str | list[str]
    """Gold answer as the benchmark gives it (letter, choice text, number, LaTeX, or a list of accepted answers)."""
    answer_type: AnswerType = "text"
    """How the answer is compared: a single letter, a set of letters, a number, free text, a list."""
    options: tuple[str, ...] = ()
    """Option texts in order; letters A, B, C ... are implied by position."""
    precision: int | None = None
    """Decimal places for float answers, where the benchmark gives them (MathVista)."""
    unit: str | None = None
    """Unit of the answer, where given."""
    images: tuple[str, ...] = ()
    """Absolute paths of the item's images, in prompt order."""
    group: dict[str, str] = field(default_factory=dict)
    """Keys that tie items together: WeMath ``ID``/``key``, DynaMath ``seed``/``variant``, MathVerse
    ``problem``/``version``."""
    metadata: dict[str, Any] = field(default_factory=dict)
    """Everything else the benchmark provides (subject, level, skills ...), for breakdowns."""

    def to_dict(self) -> dict[str, Any]:
        """Every field, JSON-ready (``options``, ``images`` as lists): a ``samples.jsonl`` line minus its ``key``."""
        d = dataclasses.asdict(self)
        d["options"] = list(self.options)
        d["images"] = list(self.images)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Sample:
        """The Sample of a ``to_dict`` dict or a ``samples.jsonl`` line; keys that are not fields are ignored.

        Missing optional fields take their defaults; a missing ``id``, ``task``, ``question`` or ``answer`` is a
        TypeError.
        """
        known = {f.name for f in dataclasses.fields(cls)}
        kw = {k: v for k, v in d.items() if k in known}
        kw["options"] = tuple(kw.get("options") or ())
        kw["images"] = tuple(kw.get("images") or ())
        return cls(**kw)

    @property
    def uid(self) -> str:
        """``task/id``: the sample's key in a run (:func:`sample_uid`)."""
        return sample_uid(self.task, self.id)

    @property
    def letters(self) -> list[str]:
        """Option letters, ``["A", "B", ...]`` for as many options as the sample has."""
        return [chr(ord("A") + i) for i in range(len(self.options))]


PERCEPTOR_MAX_NEW_TOKENS = 4096
"""RAPID's perceptor budget (greedy decoding), also the default of any request."""
REASONER_MAX_NEW_TOKENS = 8192
"""RAPID's reasoner budget (evaluation and VPO training alike)."""
REASONER_TEMPERATURE = 0.6
"""RAPID's evaluation reasoner temperature."""
REASONER_TOP_P = 0.95
"""RAPID's evaluation reasoner top-p."""


@dataclass(frozen=True)
class SamplingParams:
    """Sampling settings for one request; ``temperature == 0`` means greedy."""

    temperature: float = 0.0
    top_p: float = 1.0
    max_new_tokens: int = PERCEPTOR_MAX_NEW_TOKENS
    seed: int | None = 0
    repetition_penalty: float = 1.0
    enable_thinking: bool | None = None
    """Passed to chat templates that know it (Qwen3); ``None`` leaves the template default."""

    def to_dict(self) -> dict[str, Any]:
        """Every setting by field name; hashed into each request's generation cache key."""
        return dataclasses.asdict(self)


PERCEPTOR_DEFAULTS = SamplingParams(temperature=0.0, top_p=1.0, max_new_tokens=PERCEPTOR_MAX_NEW_TOKENS, seed=0)
"""RAPID's perceptor: greedy, 4096 new tokens."""
REASONER_DEFAULTS = SamplingParams(temperature=REASONER_TEMPERATURE, top_p=REASONER_TOP_P,
                                   max_new_tokens=REASONER_MAX_NEW_TOKENS, seed=0)
"""RAPID's evaluation reasoner: temperature 0.6, top-p 0.95, 8192 new tokens."""

SCORER_MODES = ("official", "generic")
"""How a run's answers are scored: ``official`` (each benchmark's own rules, the default) or ``generic`` (the
boxed-answer + math-verify rule for every benchmark)."""


@dataclass(frozen=True)
class Message:
    """One chat message. ``images`` are file paths placed before the text, as RAPID's prompt builder does."""

    role: Literal["system", "user", "assistant"]
    text: str
    images: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``role``, ``text`` and ``images`` (paths, not image bytes), as a ``generations.jsonl`` line stores it."""
        return {"role": self.role, "text": self.text, "images": list(self.images)}


@dataclass(frozen=True)
class ChatRequest:
    """A chat request for any engine: messages plus sampling settings."""

    messages: tuple[Message, ...]
    sampling: SamplingParams = SamplingParams()

    @property
    def images(self) -> list[str]:
        """The image paths of all messages, in message order."""
        return [p for m in self.messages for p in m.images]


@dataclass(frozen=True, kw_only=True)
class CallOutput:
    """What one model call produced: the fields an engine's :class:`Completion` and the records of a call
    (``GenerationRecord``, ``ReasoningRecord`` in :mod:`rapid_eval.records`) share, declared once here."""

    text: str = ""
    """Final answer text, with any ``<think>`` trace removed."""
    reasoning: str | None = None
    """The reasoning trace (from ``<think>...</think>`` or the server's ``reasoning_content``), where the model
    produced one."""
    prompt_tokens: int | None = None
    """Prompt tokens of the call."""
    completion_tokens: int | None = None
    """Completion tokens of the call (trace plus answer)."""
    finish_reason: str | None = None
    """``stop``, ``length`` (ran out of tokens), or ``error``."""
    truncated_thinking: bool = False
    """A ``<think>`` was opened but never closed: the output was cut inside the trace and holds no answer
    (scores 0, flagged ``truncated``)."""
    seconds: float | None = None
    """Generation time of the call."""
    error: str | None = None
    """Set when the call failed for good (``not generated`` when it never ran); the record keeps it and a rerun
    retries it."""


CALL_OUTPUT_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(CallOutput))
"""The names of :class:`CallOutput`'s fields, in order."""


@dataclass(frozen=True, kw_only=True)
class Completion(CallOutput):
    """What an engine returns for one request: a :class:`CallOutput`."""

    def to_dict(self) -> dict[str, Any]:
        """Every field by name: the call's part of its ``generations.jsonl`` line."""
        return dataclasses.asdict(self)
