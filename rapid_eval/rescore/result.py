"""What re-scoring a prediction file found: :class:`RescoreResult` (``rescore --json`` is its ``to_dict``)."""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import Any

from rapid_eval.rescore.audit import CLASSES
from rapid_eval.rescore.coverage import coverage_line


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
    """The scorer's official breakdowns; where the headline follows a stored extraction, ``judge_free`` holds our
    rule on the raw responses (``score``, ``correct``, ``unscored``, ``breakdown``)."""
    unscored: int
    """Items no rule could judge; left out of the headline."""
    timeouts: int
    """Items whose scoring ran out of time (also unscored)."""
    flags: dict[str, int]
    """How many verdicts of the rule on the responses carry each flag (``no_answer``, ``truncated`` ...)."""
    claimed: dict[str, Any] | None
    """The files' own score where they ship one (``score``, ``file`` ...; ``per_file`` for several); else None."""
    seconds: float
    """Wall time of scoring the responses."""
    headline_split: str | None = None
    """The split the headline is computed on when the items span several (MMMU's ``validation``)."""
    agreement: dict[str, Any] | None = None
    """Where the headline follows a stored extraction: how our rule agrees with it (``both_correct``,
    ``both_wrong``, ``official_only``, ``judge_free_only``, ``agree_pct``)."""
    judge_free: dict[str, Any] | None = None
    """rapid-eval's rule on the raw responses (``score``, ``correct``, ``n``, ``unscored``) and, where the file
    stores verdicts, its agreement with them (``agree``, ``items``, ``agree_pct``, ``differ_ids``). None for files
    without responses."""
    stored: dict[str, Any] | None = None
    """The file's stored per-item verdicts against the headline's (``correct``, ``items``, ``agree``, ``differ``,
    ``differ_ids``; ``documented``/``undocumented_ids`` where the benchmark documents known differences)."""
    replay: dict[str, Any] | None = None
    """The judge's stored raw output run through the judge protocol's post-processing, against the stored verdict
    (:mod:`rapid_eval.scoring.judge_replay`; ``per_file`` for several files)."""
    coverage: dict[str, Any] | None = None
    """Items against the benchmark (:func:`rapid_eval.rescore.coverage.coverage`): expected, missing,
    duplicates, and whether the file is complete."""
    audit: dict[str, Any] | None = None
    """Where the file stores verdicts: the differing items by class (:func:`rapid_eval.rescore.audit.summarise`)."""
    items: list[dict[str, Any]] | None = None
    """One audit row per item (``rescore(items=True)``; :func:`rapid_eval.rescore.audit.audit_items`)."""
    contexts: list[dict[str, Any]] | None = None
    """Per item, aligned with ``items``: natural key, question, options and full response
    (``rescore(context=True)``)."""

    def to_dict(self) -> dict[str, Any]:
        """The ``rescore --json`` shape: every field in declaration order, the optional ones only where set."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None or f.default is MISSING:  # claimed stays, as null, when the file claims nothing
                out[f.name] = value
        return out


def summary_lines(result: RescoreResult) -> list[str]:
    """The human-readable summary of a :func:`rescore` result: headline, claim, judge-free rule, stored verdicts
    (with the ids that disagree) and the judge replay."""
    score = "-" if result.score is None else f"{result.score:.2f}"
    lines = [f"{result.benchmark}: {score} ({result.metric}, n={result.n}; {result.headline})"]
    claimed = result.claimed or {}
    cov = result.coverage or {}
    if claimed.get("score") is not None:
        lines.append(f"claimed: {claimed['score']:.2f}" + (f" ({claimed['file']})" if claimed.get("file") else ""))
    if cov and (claimed.get("score") is not None or not cov.get("complete")):
        lines.append(("partial file: " if not cov.get("complete") else "") + coverage_line(cov))
    jf = result.judge_free or {}
    if jf.get("score") is not None and result.headline != "rule on the responses":
        agree = f", agrees on {jf['agree']}/{jf['items']} items" if jf.get("items") else ""
        lines.append(f"judge-free rule: {jf['score']:.2f}{agree}")
    st = result.stored or {}
    if st.get("items"):
        ids = ", ".join(map(str, st.get("differ_ids") or []))
        lines.append(f"stored verdicts: {st['agree']}/{st['items']} agree" + (f"; differ: {ids}" if ids else ""))
        for reason, n in (st.get("documented") or {}).items():
            lines.append(f"  documented difference ({n}): {reason}")
    au = result.audit or {}
    counted = [f"{cls} {au[cls]}" for cls in CLASSES if au.get(cls)]
    if counted:
        lines.append(f"audit ({au['differ']}/{au['items']} verdicts differ): " + ", ".join(counted))
    rp = result.replay or {}
    if rp.get("items"):
        lines.append(f"judge replay ({rp.get('protocol')}): {rp['agree']}/{rp['items']} stored verdicts reproduced")
    return lines
