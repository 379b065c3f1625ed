"""Re-score prediction files made elsewhere (official releases, VLMEvalKit, lmms-eval) with a benchmark's rules.

``rescore(benchmark, files)`` reads the files (format detected per file), scores every raw response with the
benchmark's judge-free scorer in worker processes, and returns a :class:`~rapid_eval.rescore.result.RescoreResult`
(``to_dict()`` is ``rescore --json``; its parts below are typed, :mod:`rapid_eval.rescore.parts`, except
``breakdown``, ``claimed``, ``replay`` and ``contexts``):

- ``benchmark``, ``format``, ``files``, ``n``, ``metric``, ``score`` (headline, percent), ``correct``,
  ``breakdown`` (the scorer's official breakdowns), ``unscored``, ``timeouts``, ``flags``, ``claimed`` (the
  file's own score, if it ships one), ``headline`` (what the score is computed from);
- where a file stores the official extractor's output (MathVista ``extraction``, MMMU eval-only answers), the
  headline follows the official pipeline on it, ``breakdown["judge_free"]`` is our rule on the raw responses,
  and ``agreement`` counts both ways;
- where a file stores per-item verdicts (MathVista ``true_false``, MathVision ``correct``), ``stored`` compares
  them with the headline verdicts item by item; a file with stored verdicts but no responses (DynaMath result
  tables) is scored from those verdicts (``headline``: "verdicts stored in the file");
- files of third-party judges (VLMEvalKit judged files, whose ``hit`` — or, for MathVista, the stored ``res``
  replayed through VLMEvalKit's post-check — is the judge's verdict; lmms-eval logs with a per-sample 0/1 metric)
  take their headline from those stored verdicts, so that it reproduces the file's own claim;
- every result has ``judge_free``: rapid-eval's rule on the raw responses (``score``, ``correct``, ``n``) and,
  where the file stores verdicts, its item-by-item agreement with them (``agree``, ``items``, ``agree_pct``,
  ``differ_ids``); ``stored`` (``agree``/``items``/``differ``/``differ_ids``) compares the stored verdicts with the
  rule's — the judge-free rule for judge files, the headline rule for official files;
- ``replay``, where a judged file stores the judge's raw output: that output run through the judge protocol's
  post-processing against the stored verdict, item by item (see :mod:`rapid_eval.scoring.judge_replay`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from rapid_eval.formats.base import StoredItem
from rapid_eval.formats.companions import combine
from rapid_eval.rescore.audit import audit_items, summarise
from rapid_eval.rescore.compare import agreement, official_verdicts, stored_agreement
from rapid_eval.rescore.coverage import coverage
from rapid_eval.rescore.parts import AuditRow, Coverage, JudgeFreeRule
from rapid_eval.rescore.result import RescoreResult
from rapid_eval.scoring.base import Scorer


def rescore(
    benchmark: str,
    files: Sequence[str | Path],
    data_dir: str | Path | None = None,
    workers: int | None = None,
    timeout: float | None = None,
    items: bool = False,
    context: bool = False,
) -> RescoreResult:
    """Score ``files`` for ``benchmark``; see the module docstring for the result. Errors name the file.
    ``items``: also return ``items``, one audit row per item (:mod:`rapid_eval.rescore.audit`); ``context``: also
    ``contexts``, aligned with ``items``, what an audit page shows beside a row (:func:`item_contexts`)."""
    from rapid_eval import benchmarks
    from rapid_eval.scoring.pool import DEFAULT_TIMEOUT, score_all

    paths = [Path(f) for f in files]
    if not paths:
        raise ValueError("rescore: no prediction files given")
    known = benchmarks.names()
    if benchmark not in known:
        raise ValueError(f"{paths[0]}: unknown benchmark '{benchmark}' (known: {', '.join(known)})")
    for path in paths:
        check_named_benchmark(path, benchmark, known)
    preds = combine([_read(p, benchmark, data_dir) for p in paths])
    _refuse_repeats(preds)
    samples = [s for p in preds for s in p.samples]
    outputs = [o for p in preds for o in p.outputs]
    truncated = [t for p in preds for t in (p.truncated or [False] * len(p.samples))]
    official = [StoredItem.from_dict(o) for p in preds for o in (p.official or [{}] * len(p.samples))]
    scorer = benchmarks.get(benchmark).scorer()
    t0 = time.monotonic()
    stats: dict[str, Any] = {}
    sources = [p.source for p in preds for _ in p.samples]
    if not any(outputs) and any(o.correct is not None for o in official):
        stored_result = _stored_only(benchmark, paths, preds, scorer, samples, official)
        return _with_audit(stored_result, audit_items(samples, outputs, official, None, sources), samples,
                           data_dir, items, outputs if context else None)
    verdicts = score_all(scorer, samples, outputs, truncated, workers=workers,
                         timeout=timeout or DEFAULT_TIMEOUT, stats=stats)
    judge_free = scorer.metrics(samples, verdicts)
    stored_path = official_verdicts(scorer, samples, official)
    judged = stored_path is None and _judge_verdicts(preds)
    if judged:
        stored_path = [o.verdict("judge:stored") for o in official]
    head = scorer.metrics(samples, stored_path) if stored_path is not None else judge_free
    breakdown = dict(head.breakdown)
    if stored_path is not None:
        breakdown["judge_free"] = {"score": judge_free.score, "correct": judge_free.correct,
                                   "unscored": judge_free.unscored, "breakdown": judge_free.breakdown}
    jf = JudgeFreeRule(score=judge_free.score, correct=judge_free.correct, n=judge_free.n,
                       unscored=judge_free.unscored)
    headline_verdicts = verdicts if judged or stored_path is None else stored_path
    stored = stored_agreement(samples, official, headline_verdicts) if any(o.correct is not None for o in official) \
        else None
    if stored is not None and (judged or stored_path is None):
        jf = replace(jf, agree=stored.agree, items=stored.items, differ_ids=stored.differ_ids,
                     agree_pct=round(100.0 * stored.agree / stored.items, 2) if stored.items else None)
    replays = [r for p in preds for r in ([p.replay] if getattr(p, "replay", None) else [])]
    result = RescoreResult(
        benchmark=benchmark, format=_formats(preds), files=[str(p) for p in paths], n=len(samples),
        metric=head.metric, score=head.score, correct=head.correct,
        headline=("verdicts stored in the file" if judged else
                  "official extraction in the file" if stored_path is not None else "rule on the responses"),
        breakdown=breakdown, unscored=head.unscored, timeouts=stats.get("timeouts", 0),
        flags=dict(judge_free.flags or {}), claimed=_claimed(preds), seconds=round(time.monotonic() - t0, 2),
        headline_split=head.headline_split,
        agreement=agreement(stored_path, verdicts) if stored_path is not None else None,
        judge_free=jf, stored=stored,
        replay=(replays[0] if len(replays) == 1 else {"per_file": replays}) if replays else None,
    )
    rows = audit_items(samples, outputs, official, verdicts, sources, canon=_canon(scorer))
    return _with_audit(result, rows, samples, data_dir, items, outputs if context else None)


def _canon(scorer: Scorer) -> Any:
    """The official normal form of an extracted answer where the scorer has one (MathVista's normaliser on a
    stored extraction: the chosen option's text, the rounded number), for comparing two extractions."""
    if not hasattr(scorer, "score_extraction"):
        return None

    def canon(sample: Any, answer: Any) -> Any:
        details = scorer.score_extraction(sample, answer).details or {}
        return details.get("prediction", answer)

    return canon


def _with_audit(result: RescoreResult, rows: list[AuditRow], samples: Sequence[Any],
                data_dir: str | Path | None, items: bool, outputs: Sequence[str] | None = None) -> RescoreResult:
    """``coverage`` always; ``audit`` where the file stores verdicts; ``items`` when asked; ``contexts`` when
    ``outputs`` are given."""
    return replace(
        result, coverage=file_coverage(result.benchmark, samples, data_dir),
        audit=summarise(rows) if any(r.stored is not None for r in rows) else None,
        items=rows if items else None,
        contexts=item_contexts(samples, outputs) if outputs is not None else None,
    )


def item_contexts(samples: Sequence[Any], outputs: Sequence[str]) -> list[dict[str, Any]]:
    """Per item, what the ``--items`` row leaves out: ``key`` (the benchmark-natural id that matches the item to
    its images under a data dir), ``question``, ``options`` and the full ``response``."""
    from rapid_eval import benchmarks

    return [{"key": benchmarks.get(s.task).natural_key(s), "question": s.question, "options": list(s.options),
             "response": outputs[i] if i < len(outputs) else ""} for i, s in enumerate(samples)]


def file_coverage(benchmark: str, samples: Sequence[Any], data_dir: str | Path | None) -> Coverage:
    """:func:`rapid_eval.rescore.coverage.coverage` of the file's items against the benchmark: its full id set
    when ``data_dir`` gives the gold, else the documented size of ``tasks/<benchmark>.yaml``."""
    from rapid_eval import benchmarks
    from rapid_eval.formats.gold import load_gold
    from rapid_eval.tasks.spec import load_spec

    full = None
    if data_dir is not None:
        try:
            full = set(load_gold(benchmark, data_dir))
        except Exception:  # noqa: BLE001 - no full id set offline: fall back to the documented size
            full = None
    try:
        spec = load_spec(benchmark)
        size, splits = spec.expected_size, dict(spec.split_sizes)
    except Exception:  # noqa: BLE001 - a benchmark without a task spec: no documented size
        size, splits = None, {}
    keys = [benchmarks.get(benchmark).natural_key(s) for s in samples]
    return coverage(keys, full_ids=full, expected_size=size, split_sizes=splits)


def check_named_benchmark(path: Path, benchmark: str, known: Sequence[str]) -> None:
    """Refuse a file whose name names one other benchmark and not ``benchmark`` (VLMEvalKit's
    ``Qwen_MathVista_MINI_gpt-4o-mini.xlsx``, lmms-eval's ``…_samples_mmmu_val.jsonl``): scored with the wrong
    benchmark's rules it would give a plausible-looking wrong number."""
    name = path.name.lower().replace("-", "").replace("_", "")
    named = [b for b in known if b.replace("_", "") in name]
    if named and benchmark not in named and len(named) == 1:
        raise ValueError(f"{path}: the file name names benchmark '{named[0]}', not '{benchmark}'; "
                         f"rescore it with --benchmark {named[0]} (or rename the file if the name misleads)")


def _judge_verdicts(preds: Sequence[Any]) -> bool:
    """True when every file is a third-party judge's output with a stored verdict on most items."""
    formats = {"vlmevalkit-judged", "lmms-eval"}
    return all((p.format in formats or p.verdicts_are_headline) and p.official and
               2 * sum(o.get("correct") is not None for o in p.official) > len(p.official) for p in preds)


def _stored_only(benchmark: str, paths: Sequence[Path], preds: Sequence[Any], scorer: Scorer,
                 samples: Sequence[Any], official: Sequence[StoredItem]) -> RescoreResult:
    """Files without responses (DynaMath result tables): the metrics of the verdicts they store."""
    head = scorer.metrics(samples, [o.verdict() for o in official])
    return RescoreResult(
        benchmark=benchmark, format=_formats(preds), files=[str(p) for p in paths], n=len(samples),
        metric=head.metric, score=head.score, correct=head.correct, headline="verdicts stored in the file",
        breakdown=dict(head.breakdown), unscored=head.unscored, timeouts=0, flags={}, claimed=_claimed(preds),
        seconds=0.0, headline_split=head.headline_split,
    )


def _formats(preds: Sequence[Any]) -> str:
    """The files' formats, comma-separated, each once, in file order."""
    return ",".join(dict.fromkeys(p.format for p in preds))


def _read(path: Path, benchmark: str, data_dir: str | Path | None) -> Any:
    from rapid_eval.formats.base import FormatError
    from rapid_eval.rescore.readers import detect_format

    name, reader = detect_format(path, benchmark)
    try:
        preds = reader(path, benchmark, str(data_dir) if data_dir is not None else None)
    except RecursionError:
        raise FormatError(f"{path}: nested too deeply to read as {name}") from None
    if not preds.samples:
        raise FormatError(f"{path}: no items")
    return preds


def _refuse_repeats(preds: Sequence[Any]) -> None:
    """``FormatError`` naming the file(s) when an item id occurs twice (within a file or across the files given;
    an answers file and the verdict file paired with it count as one): a repeated item would be counted twice, so
    one answer given ten times would outweigh the others."""
    from rapid_eval.formats.base import FormatError

    where: dict[str, int] = {}
    for i, p in enumerate(preds):
        for s in p.samples:
            if s.uid in where:
                first = where[s.uid]
                also = "" if first == i else f" (already in file {first + 1}, {preds[first].source})"
                raise FormatError(f"{p.source}: item '{s.id}' appears more than once{also}; each item must be "
                                  "answered once (a repeated item would be counted twice)")
            where[s.uid] = i


def _claimed(preds: Sequence[Any]) -> dict[str, Any] | None:
    claims = [p.claimed for p in preds if p.claimed]
    if not claims:
        return None
    if len(claims) == 1:
        return {k: v for k, v in claims[0].items() if k != "official"}
    return {"per_file": [{k: v for k, v in c.items() if k != "official"} for c in claims]}
