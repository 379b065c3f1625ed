"""What the API's stages return: :class:`StageResult` (``perceive``, ``reason``) and :class:`ScoreResult`
(``score``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rapid_eval.storage.cache import CallStats
    from rapid_eval.storage.rundir import Run
    from rapid_eval.summaries import RunSummary, SummaryRow


@dataclass(frozen=True)
class StageResult:
    """What ``perceive`` or ``reason`` did."""

    run: Run
    """The run directory written to."""
    records: int
    """Records written or kept (one per sample x variant, or per perception record reasoned)."""
    stats: CallStats
    """Model calls: generated, reused from the cache, failed (with their errors), tokens, seconds."""
    skipped: list[str] = field(default_factory=list)
    """Why some inputs were not processed (failed perception records, missing samples)."""
    counters: dict[str, Any] = field(default_factory=dict)
    """The engine's transport counters for this stage: attempts, retries (in all and by cause), probes."""
    scores: ScoreResult | None = None
    """:func:`reason` with a ``scorer`` (the default): the scores of the whole run once this stage ended, as
    :func:`score` computes them; None for :func:`perceive` and for ``reason(..., scorer=None)``."""

    @property
    def failed(self) -> int:
        """Requests that failed for good (recorded with their error; a rerun retries them)."""
        return self.stats.failed


@dataclass(frozen=True)
class ScoreResult:
    """What ``score`` computed (also written to ``summary.json``, ``scores.json``, ``verdicts.jsonl``)."""

    run: Run
    """The scored run."""
    summary: RunSummary
    """``summary.json``, typed (``summary.to_dict()`` is the file): scorer mode, answers, judge and its reports,
    rows, what the scores leave out."""

    @property
    def rows(self) -> list[SummaryRow]:
        """One headline cell per (task, variant, perceptor, reasoner)."""
        return self.summary.rows

    @property
    def answers(self) -> int:
        """Number of answers scored."""
        return self.summary.answers

    @property
    def incomplete(self) -> dict[str, int]:
        """What the scores leave out: failed perception and reasoning records (not superseded by a later
        success), perception outputs a reasoner has not attempted, unscored answers (non-zero entries only; empty
        when the run is complete; :func:`rapid_eval.grading.runner.failed_records`)."""
        return self.summary.incomplete.owed() if self.summary.incomplete is not None else {}
