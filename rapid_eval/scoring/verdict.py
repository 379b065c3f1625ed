"""The score of one item: correct or not, what was extracted, and what decided it (Inspect AI's ``Score``).

A verdict never turns an error into a silent 0: an item that cannot be judged is ``Verdict.unscored(reason)``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Verdict:
    """The score of one item and what decided it."""

    correct: bool | None
    """True/False; None when the item could not be scored (bad gold, scorer error) - never counted as wrong."""
    extracted: str | None = None
    """The answer the rule (or judge) extracted from the output."""
    decided_by: str = "rule"
    """Which path decided: ``rule:<name>``, ``judge:<model>``, ``timeout``, ``unscored``."""
    explanation: str = ""
    """Why, in words, where a verdict needs it: the reason an item is unscored (``empty gold answer``), a timeout,
    MathVista's normalised prediction; ``""`` when the rule needs no comment."""
    flags: tuple[str, ...] = ()
    """Noteworthy conditions: ``truncated``, ``no_answer``, ``timeout``, ``random_fallback`` ..."""
    details: dict[str, Any] = field(default_factory=dict)
    """Scorer-specific evidence, JSON-serialisable (written to ``verdicts.jsonl``): the judge's replies and the
    rule verdict it replaced (``{"rule": ..., "judge": ...}``), DynaMath's ``official_correct``, MathVerse's
    ``quick_match`` ..."""

    @classmethod
    def unscored(cls, reason: str, **details: Any) -> Verdict:
        """An item no rule could judge: ``correct`` None, ``reason`` as the explanation, keyword evidence as details."""
        return cls(correct=None, decided_by="unscored", explanation=reason, details=details)

    def to_dict(self) -> dict[str, Any]:
        """The ``verdicts.jsonl`` shape: every field, ``flags`` as a list, ``details`` copied."""
        # field by field: dataclasses.asdict deep-copies recursively, a third of writing a verdict record
        return {"correct": self.correct, "extracted": self.extracted, "decided_by": self.decided_by,
                "explanation": self.explanation, "flags": list(self.flags),
                "details": copy.deepcopy(self.details) if self.details else {}}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Verdict:
        """The verdict written by :meth:`to_dict`; ``TypeError`` on a missing ``correct`` or an unknown key."""
        return cls(**{**d, "flags": tuple(d.get("flags") or ())})
