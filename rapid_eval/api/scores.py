"""Scoring: a run's answers (:func:`score`) and prediction files made elsewhere (:func:`rescore`)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapid_eval.api._support import check_scorer, run_of
from rapid_eval.api.loading import load_engine
from rapid_eval.api.results import ScoreResult

if TYPE_CHECKING:
    from rapid_eval.engines.base import Engine
    from rapid_eval.rescore.result import RescoreResult
    from rapid_eval.storage.rundir import Run


def score(
    run: str | Path | Run,
    *,
    scorer: str = "official",
    workers: int | None = None,
    judge: str | Engine | None = None,
    judge_base_url: str | None = None,
    judge_mode: str = "fallback",
    judge_options: Mapping[str, Any] | None = None,
    judge_protocol: str = "official",
    log_stats: bool = True,
) -> ScoreResult:
    """Score every answer of ``run`` with its benchmark's rules (``scorer="generic"``: the boxed-answer rule).

    ``judge``: an optional LLM judge (a model name, served at ``judge_base_url`` or loaded with the default
    backend, or an :class:`Engine`) for MathVista, MathVerse and LogicVista; ``judge_mode`` ``fallback`` (rule
    first) or ``always``; ``judge_protocol`` ``official`` (the benchmark authors' extraction and normalisation) or
    ``vlmevalkit`` (VLMEvalKit's prompts and post-processing, as RAPID's published numbers were scored; MathVista
    and LogicVista). Judge calls are cached in ``RUN/judge.jsonl``; an engine built here is closed here.
    """
    from contextlib import nullcontext

    from rapid_eval.engines.base import Engine
    from rapid_eval.grading.judge import LLMJudge
    from rapid_eval.grading.runner import score_run
    from rapid_eval.storage.cache import CallStats

    check_scorer(scorer)
    started = time.time()
    r = run_of(run)
    engine: Any = None
    if isinstance(judge, Engine):
        engine = nullcontext(judge)
    elif judge:
        backend = "openai" if judge_base_url or "/" not in judge else None
        engine = load_engine(backend, judge, base_url=judge_base_url, **dict(judge_options or {}))
    with r.lock("score"), engine if engine is not None else nullcontext() as eng:
        judge_obj = (LLMJudge(eng, r.root / "judge.jsonl", mode=judge_mode, protocol=judge_protocol)  # type: ignore[arg-type]
                     if eng is not None else None)
        summary = score_run(r, mode=scorer, workers=workers, judge=judge_obj)
        r.close()
    if log_stats:
        reports = summary.judge_reports.values()
        calls = CallStats(generated=sum(x.calls for x in reports), reused=sum(x.cache_hits for x in reports),
                          failed=sum(x.failed for x in reports))
        r.log_stats("score", summary.answers, calls, started, scorer=scorer,
                    judge=judge if isinstance(judge, str) or judge is None else judge.model,
                    incomplete=summary.incomplete.to_dict() if summary.incomplete is not None else {})
    return ScoreResult(r, summary)


def rescore(benchmark: str, files: Sequence[str | Path], *, data_dir: str | Path | None = None,
            workers: int | None = None, items: bool = False, context: bool = False) -> RescoreResult:
    """Score prediction files made elsewhere with ``benchmark``'s rules; see :mod:`rapid_eval.rescore`
    (``to_dict()`` of the result is ``rapid-eval rescore --json``).
    ``items``: the result also holds ``items``, one audit row per item (:mod:`rapid_eval.rescore.audit`);
    ``context``: and ``contexts``, each item's question, options and full response (for the audit page)."""
    from rapid_eval.rescore import rescore as _rescore

    return _rescore(benchmark, list(files), data_dir=data_dir, workers=workers, items=items, context=context)
