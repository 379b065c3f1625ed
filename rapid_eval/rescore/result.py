"""What re-scoring a prediction file found: :class:`RescoreResult` (``rescore --json`` is its ``to_dict``), typed
down to its parts (:mod:`rapid_eval.rescore.parts`, re-exported here); what is shaped per file format or per
benchmark (``breakdown``, ``claimed``, ``replay``, ``contexts``) stays a plain dict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapid_eval.rescore.audit import CLASSES
from rapid_eval.rescore.coverage import coverage_line
from rapid_eval.rescore.parts import (
    Agreement,
    AuditRow,
    AuditSummary,
    Coverage,
    JudgeFreeRule,
    StoredComparison,
    fields_dict,
)

__all__ = ["Agreement", "AuditRow", "AuditSummary", "Coverage", "JudgeFreeRule", "RescoreResult", "StoredComparison",
           "summary_lines"]


@dataclass(frozen=True)
class RescoreResult:
    """A benchmark's headline recomputed from prediction files made elsewhere, with what it was computed from and
    how it compares with what the files claim and store."""

    benchmark: str
    """The benchmark whose rules scored the files."""
    format: str
    """The files' formats, comma-separated in file order (``official``, ``vlmevalkit-judged``, ``lmms-eval`` ...)."""
    files: list[str]
    """The prediction files read, as given."""
    n: int
    """Items read from the files."""
    metric: str
    """The headline's name as the benchmark publishes it (``accuracy``, ``Score (Strict)`` ...)."""
    score: float | None
    """The headline in percent, 2 decimals; None when nothing was scored."""
    correct: int | None
    """Items the headline's verdicts judge correct."""
    headline: str
    """What the headline is computed from: ``rule on the responses``, ``official extraction in the file`` or
    ``verdicts stored in the file``."""
    breakdown: dict[str, Any]
    """The scorer's official breakdowns, a plain dict because their shape is each benchmark's own; where the
    headline follows a stored extraction, ``judge_free`` holds our rule on the raw responses (``score``,
    ``correct``, ``unscored``, ``breakdown``)."""
    unscored: int
    """Items no rule could judge; left out of the headline."""
    timeouts: int
    """Items whose scoring ran out of time (also unscored)."""
    flags: dict[str, int]
    """How many verdicts of the rule on the responses carry each flag (``no_answer``, ``truncated`` ...)."""
    claimed: dict[str, Any] | None
    """The files' own score where they ship one (``score``, ``file`` ...; ``per_file`` for several); else None. A
    plain dict: what a claim holds depends on the file format (a ``_score.csv``'s split, a results JSON's task)."""
    seconds: float
    """Wall time of scoring the responses."""
    headline_split: str | None = None
    """The split the headline is computed on when the items span several (MMMU's ``validation``)."""
    agreement: Agreement | None = None
    """Where the headline follows a stored extraction: how our rule agrees with it item by item."""
    judge_free: JudgeFreeRule | None = None
    """rapid-eval's rule on the raw responses and, where the file stores verdicts it is compared with, its
    agreement with them. None for files without responses."""
    stored: StoredComparison | None = None
    """The file's stored per-item verdicts against the headline's (or, for judge files, the judge-free rule's);
    None where the file stores no verdicts."""
    replay: dict[str, Any] | None = None
    """The judge's stored raw output run through the judge protocol's post-processing, against the stored verdict
    (:mod:`rapid_eval.scoring.judge_replay`; ``per_file`` for several files). A plain dict: its fields are the
    judge protocol's, which differs per file format and benchmark."""
    coverage: Coverage | None = None
    """Items against the benchmark (:func:`rapid_eval.rescore.coverage.coverage`): expected, missing,
    duplicates, and whether the file is complete."""
    audit: AuditSummary | None = None
    """Where the file stores verdicts: the differing items by class (:func:`rapid_eval.rescore.audit.summarise`)."""
    items: list[AuditRow] | None = None
    """One audit row per item (``rescore(items=True)``; :func:`rapid_eval.rescore.audit.audit_items`)."""
    contexts: list[dict[str, Any]] | None = None
    """Per item, aligned with ``items``: natural key, question, options and full response
    (``rescore(context=True)``). Plain dicts: what an audit page shows beside a row, read by
    :mod:`rapid_eval.reports.audit_page` only."""

    def to_dict(self) -> dict[str, Any]:
        """The ``rescore --json`` shape: every field in declaration order, the typed parts as their ``to_dict``,
        the optional ones only where set (``claimed`` stays, as null, when the file claims nothing)."""
        return fields_dict(self)


def summary_lines(result: RescoreResult) -> list[str]:
    """The human-readable summary of a :func:`rescore` result: headline, claim, judge-free rule, stored verdicts
    (with the ids that disagree) and the judge replay."""
    score = "-" if result.score is None else f"{result.score:.2f}"
    lines = [f"{result.benchmark}: {score} ({result.metric}, n={result.n}; {result.headline})"]
    claimed = result.claimed or {}
    cov = result.coverage
    if claimed.get("score") is not None:
        lines.append(f"claimed: {claimed['score']:.2f}" + (f" ({claimed['file']})" if claimed.get("file") else ""))
    if cov is not None and (claimed.get("score") is not None or not cov.complete):
        lines.append(("partial file: " if not cov.complete else "") + coverage_line(cov))
    jf = result.judge_free
    if jf is not None and jf.score is not None and result.headline != "rule on the responses":
        agree = f", agrees on {jf.agree}/{jf.items} items" if jf.items else ""
        lines.append(f"judge-free rule: {jf.score:.2f}{agree}")
    st = result.stored
    if st is not None and st.items:
        ids = ", ".join(map(str, st.differ_ids))
        lines.append(f"stored verdicts: {st.agree}/{st.items} agree" + (f"; differ: {ids}" if ids else ""))
        for reason, n in (st.documented or {}).items():
            lines.append(f"  documented difference ({n}): {reason}")
    au = result.audit
    counted = [f"{cls} {au.counts[cls]}" for cls in CLASSES if au is not None and au.counts.get(cls)]
    if au is not None and counted:
        lines.append(f"audit ({au.differ}/{au.items} verdicts differ): " + ", ".join(counted))
    rp = result.replay or {}
    if rp.get("items"):
        lines.append(f"judge replay ({rp.get('protocol')}): {rp['agree']}/{rp['items']} stored verdicts reproduced")
    return lines
