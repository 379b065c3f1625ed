"""What a scoring pass computed over a run, typed: ``summary.json`` (:class:`RunSummary`) with its headline cells
(:class:`SummaryRow`), the judge's report per task (:class:`JudgeSummary`) and what the scores leave out
(:class:`Incomplete`). ``to_dict`` is the file, key for key; ``from_dict`` reads a summary of any version."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from rapid_eval.records import JsonRecord


@dataclass(frozen=True)
class SummaryRow(JsonRecord):
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
class JudgeSummary(JsonRecord):
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
class Incomplete(JsonRecord):
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
