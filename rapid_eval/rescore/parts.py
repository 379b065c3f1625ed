"""The typed parts of a :class:`~rapid_eval.rescore.result.RescoreResult`: coverage, audit summary, audit rows and
the comparisons with what a file stores.

Each ``to_dict`` is that part of ``rescore --json`` (an audit row: one line of ``rescore --items``), keys in the
order of the fields; a field that defaults to None is left out where it is None (the shape the JSON always had),
the others are written even when None. No I/O and no rapid-eval imports: the functions that build these parts
(:mod:`~rapid_eval.rescore.coverage`, :mod:`~rapid_eval.rescore.audit`, :mod:`~rapid_eval.rescore.compare`) import
them from here.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import Any


def fields_dict(obj: Any) -> dict[str, Any]:
    """``obj``'s fields in declaration order, leaving out those that default to None and are None; a value with
    a ``to_dict`` (or a list of such values) is written as its ``to_dict``."""
    out: dict[str, Any] = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if value is None and f.default is not MISSING:
            continue
        if hasattr(value, "to_dict"):
            value = value.to_dict()
        elif isinstance(value, list) and value and hasattr(value[0], "to_dict"):
            value = [v.to_dict() for v in value]
        out[f.name] = value
    return out


@dataclass(frozen=True, kw_only=True)
class Coverage:
    """How much of the benchmark the files cover (:func:`rapid_eval.rescore.coverage.coverage`)."""

    items: int
    """Distinct item ids read (a repeated id counts once)."""
    rows: int
    """Rows read, repeats included."""
    duplicates: int
    """Rows that repeat an id already read."""
    duplicate_ids: list[str] | None = None
    """The first repeated ids; None (left out) when no id repeats."""
    expected: int | None
    """Items in the benchmark: its full id set, else its documented size; None when neither is known."""
    expected_from: str
    """Where ``expected`` comes from (``full id set of the gold (--data-dir)``, ``documented size …``,
    ``unknown``)."""
    missing: int | None
    """Benchmark items the files lack; None when ``expected`` is unknown."""
    missing_ids: list[str] | None = None
    """The first missing ids, sorted; only against a full id set (else None, left out)."""
    unknown: int | None = None
    """Ids read that the full id set lacks; None (left out) when there are none or no full id set."""
    unknown_ids: list[str] | None = None
    """The first of those ids; None (left out) with ``unknown``."""
    complete: bool
    """Nothing missing and no unknown ids: the score is the benchmark's."""

    def to_dict(self) -> dict[str, Any]:
        """The ``coverage`` of ``rescore --json``."""
        return fields_dict(self)


@dataclass(frozen=True)
class AuditRow:
    """One item of the audit (:func:`rapid_eval.rescore.audit.audit_item`): one line of ``rescore --items``."""

    id: str
    """The item id as the file names it."""
    gold: Any
    """The gold answer."""
    stored: bool | None
    """The file's own verdict; None where it stores none."""
    ours: bool | None
    """rapid-eval's verdict on the response; None for an unscored item or a file without responses."""
    stored_extracted: Any
    """The answer the file's pipeline extracted (text, or a list of letters); None where it stores none."""
    ours_extracted: Any
    """The answer rapid-eval's rule read from the response; None where it found none."""
    decided_by: str | None
    """What decided rapid-eval's verdict (``rule:mathvision:…``); None without a response."""
    cls: str | None
    """The audit class of the difference (:data:`rapid_eval.rescore.audit.CLASSES`); None when there is nothing
    to report. Written as ``class``."""
    response: str
    """The end of the response (:func:`rapid_eval.rescore.audit.excerpt`), one line."""
    source: str
    """The file the item was read from."""

    @property
    def differs(self) -> bool:
        """The file's verdict and ours disagree (ours missing counts as disagreeing, as in
        ``AuditSummary.differ_by_class``)."""
        return self.stored is not None and (self.ours is None or bool(self.stored) != bool(self.ours))

    def to_dict(self) -> dict[str, Any]:
        """The ``rescore --items`` line: every field, ``cls`` as ``class``."""
        return {"id": self.id, "gold": self.gold, "stored": self.stored, "ours": self.ours,
                "stored_extracted": self.stored_extracted, "ours_extracted": self.ours_extracted,
                "decided_by": self.decided_by, "class": self.cls, "response": self.response, "source": self.source}


@dataclass(frozen=True)
class AuditSummary:
    """The audit's counts (:func:`rapid_eval.rescore.audit.summarise`), where the file stores verdicts."""

    items: int
    """Items compared: those with a stored verdict and one of ours."""
    differ: int
    """Compared items whose verdicts differ."""
    counts: dict[str, int]
    """Items per audit class, every class of :data:`rapid_eval.rescore.audit.CLASSES` in its order (0 where
    none); written flat, one key per class."""
    differ_by_class: dict[str, int]
    """Per class, how many of its items change the verdict (ours missing counts as a change)."""
    examples: dict[str, list[str]]
    """Per class, the first item ids."""

    def to_dict(self) -> dict[str, Any]:
        """The ``audit`` of ``rescore --json``: ``items``, ``differ``, one count per class, ``differ_by_class``,
        ``examples``."""
        return {"items": self.items, "differ": self.differ, **self.counts, "differ_by_class": self.differ_by_class,
                "examples": self.examples}


@dataclass(frozen=True)
class Agreement:
    """Where the headline follows a stored extraction: the official pipeline's verdicts on it against
    rapid-eval's rule on the responses, item by item (:func:`rapid_eval.rescore.compare.agreement`)."""

    both_correct: int
    """Items both judge correct."""
    both_wrong: int
    """Items both judge wrong (unscored counts as wrong)."""
    official_only: int
    """Items only the official pipeline judges correct."""
    judge_free_only: int
    """Items only rapid-eval's rule judges correct."""
    agree_pct: float
    """Items judged alike, in percent, 2 decimals (0.0 for no items)."""

    def to_dict(self) -> dict[str, Any]:
        """The ``agreement`` of ``rescore --json``."""
        return fields_dict(self)


@dataclass(frozen=True)
class StoredComparison:
    """The file's stored per-item verdicts against the verdicts they are compared with: the headline's for
    official files, the judge-free rule's for judge files (:func:`rapid_eval.rescore.compare.stored_agreement`)."""

    correct: int
    """Items the stored verdicts judge correct."""
    items: int
    """Items with a stored verdict."""
    agree: int
    """Of those, items where both verdicts agree."""
    differ: int
    """Of those, items where they differ."""
    differ_ids: list[str]
    """The first differing ids."""
    documented: dict[str, int] | None = None
    """Where the benchmark documents known causes of difference and some verdicts differ: the differing items
    per documented reason (``{}`` when none has one); else None (left out)."""
    undocumented_ids: list[str] | None = None
    """With ``documented``: the first differing ids no documented reason explains."""
    model_answer_differ_ids: list[str] | None = None
    """Where the file also stores the derived answer (MathVision ``model_answer``): ids where ours differs from
    it; else None (left out)."""

    def to_dict(self) -> dict[str, Any]:
        """The ``stored`` of ``rescore --json``."""
        return fields_dict(self)


@dataclass(frozen=True)
class JudgeFreeRule:
    """rapid-eval's rule on the raw responses and, where the file stores verdicts that the rule is compared with
    (judge files, official files scored on the responses), its item-by-item agreement with them."""

    score: float | None
    """The rule's headline in percent, 2 decimals; None when nothing was scored."""
    correct: int
    """Items the rule judges correct."""
    n: int
    """What the headline counts (items, or the benchmark's units)."""
    unscored: int
    """Items the rule could not judge."""
    agree: int | None = None
    """Items where the rule agrees with the stored verdict; None when it is not compared with them."""
    items: int | None = None
    """Items with a stored verdict; None when the rule is not compared with them."""
    differ_ids: list[str] | None = None
    """The first ids where the rule and the stored verdict differ; None when not compared."""
    agree_pct: float | None = None
    """``agree`` of ``items`` in percent, 2 decimals; None when not compared."""

    @property
    def compared(self) -> bool:
        """Whether the rule is compared with stored verdicts (``agree``, ``items``, ``differ_ids``, ``agree_pct``
        are set)."""
        return self.items is not None

    def to_dict(self) -> dict[str, Any]:
        """The ``judge_free`` of ``rescore --json``: the comparison's four keys only where it was made."""
        out: dict[str, Any] = {"score": self.score, "correct": self.correct, "n": self.n, "unscored": self.unscored}
        if self.compared:
            out.update(agree=self.agree, items=self.items, differ_ids=self.differ_ids, agree_pct=self.agree_pct)
        return out
