"""Score every answer of a run from its records (no model calls): verdicts, metrics, summary.

Answers are reasoning records plus ``direct`` perception records (the MLLM's own answer, scored as it is).
Each task is scored by its benchmark's official scorer (``--scorer official``, the default) or by the generic
boxed-answer rule (``--scorer generic``); a task whose benchmark folder has no ``scorer.py`` gets the generic
rule too. Everything is read and written as typed records (:mod:`rapid_eval.records`).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapid_eval.grading.verdict_cache import VerdictCache, scoring_code_version
from rapid_eval.provenance import provenance
from rapid_eval.records import PerceptionRecord, ReasoningRecord, VerdictRecord
from rapid_eval.scoring import Metrics, Scorer, Verdict, get_scorer, scorer_names, tally
from rapid_eval.scoring.pool import score_all
from rapid_eval.storage.rundir import Run
from rapid_eval.summaries import Incomplete, JudgeSummary, RunSummary, SummaryRow
from rapid_eval.types import Sample
from rapid_eval.variants import DIRECT

if TYPE_CHECKING:
    from rapid_eval.grading.judge import LLMJudge


@dataclass(frozen=True)
class ScorableAnswer:
    """One scorable answer: the record it comes from and the text to score."""

    record: PerceptionRecord | ReasoningRecord
    """A ``direct`` perception record or a reasoning record."""
    output: str
    """The text scored (the MLLM's direct answer or the reasoner's final text)."""
    truncated: bool
    """Cut inside a reasoning trace (scores 0, flagged)."""

    @property
    def reasoner(self) -> str:
        """Reasoner model name, ``-`` for direct answers."""
        rec = self.record
        return str(rec.reasoner.get("model")) if isinstance(rec, ReasoningRecord) else "-"


def iter_answers(run: Run) -> Iterator[ScorableAnswer]:
    """Every scorable answer of the run, streamed (failed records are left out: their rerun is still owed)."""
    for prec in run.iter_perception(containing=f'"{DIRECT}"'.encode()):  # only direct answers are scored
        if prec.variant == DIRECT and not prec.error:
            yield ScorableAnswer(prec, prec.answer or "", bool(prec.truncated_thinking))
    for rrec in run.iter_reasoning():
        if not rrec.error:
            yield ScorableAnswer(rrec, rrec.text or "", bool(rrec.truncated_thinking))


def answers(run: Run) -> list[ScorableAnswer]:
    """Every scorable answer of the run (failed records are left out: their rerun is still owed)."""
    return list(iter_answers(run))


def failed_records(run: Run, unscored: int = 0) -> Incomplete:
    """What the run still owes, by stage: answers missing from every score (streamed).

    ``failed_perception`` / ``failed_reasoning``: records whose last attempt failed, unless the same slot (task,
    sample, variant, perceptor, reasoner, repeat) has since succeeded under other settings (a rerun with a longer
    ``--max-new-tokens`` supersedes the failure). ``not_reasoned``: perception outputs that a reasoner which
    answered their task and variant has not answered yet (an interrupted or partial ``reason``)."""
    ok_seen: set[tuple[Any, ...]] = set()
    failed_seen: list[tuple[Any, ...]] = []
    perceived: dict[str, tuple[Any, ...]] = {}
    for p in run.iter_perception():
        slot = (p.task, p.sample_id, p.variant, p.perceptor.get("model"))
        if p.error:
            failed_seen.append(slot)
        else:
            ok_seen.add(slot)
            if p.variant != DIRECT:
                perceived[p.key] = slot
    failed_perception = sum(1 for slot in set(failed_seen) if slot not in ok_seen)
    ok_r: set[tuple[Any, ...]] = set()
    failed_r: list[tuple[Any, ...]] = []
    answered: set[tuple[Any, ...]] = set()  # (perception slot, reasoner)
    reasoners: dict[tuple[str, str], set[Any]] = defaultdict(set)  # (task, variant) -> reasoners that answered it
    for r in run.iter_reasoning():
        model = r.reasoner.get("model")
        rslot = (r.task, r.sample_id, r.variant, r.perceptor.get("model"), model, r.repeat)
        reasoners[(r.task, r.variant)].add(model)
        if r.perception_key in perceived:  # attempted (a failed attempt counts under failed_reasoning)
            answered.add((perceived[r.perception_key], model))
        if r.error:
            failed_r.append(rslot)
        else:
            ok_r.add(rslot)
    not_reasoned = sum(1 for slot in set(perceived.values()) for model in reasoners.get((slot[0], slot[2]), ())
                       if (slot, model) not in answered)
    return Incomplete(failed_perception=failed_perception,
                      failed_reasoning=sum(1 for slot in set(failed_r) if slot not in ok_r),
                      not_reasoned=not_reasoned, unscored=unscored)


def pick_scorer(task: str, mode: str) -> Scorer:
    """The benchmark's official scorer, or the generic boxed-answer rule under ``generic`` and for a task without
    one."""
    if mode == "generic" or task not in scorer_names():
        return get_scorer("generic")
    return get_scorer(task)


@dataclass(frozen=True, slots=True)
class _Item:
    """What scoring keeps of one answer (not its record: a reasoning trace can be 100x the answer)."""

    key: str
    variant: str
    perceptor: str | None
    reasoner: str
    output: str
    truncated: bool
    prompt_tokens: int | None
    completion_tokens: int | None
    seconds: float | None
    sample: Sample
    cache_key: str


def score_run(run: Run, mode: str = "official", workers: int | None = None, timeout: float = 10.0,
              judge: LLMJudge | None = None) -> RunSummary:
    """Score all answers, write ``verdicts.jsonl``, ``scores.json`` and ``summary.json``; return the summary.

    Verdicts come from the verdict cache where the (scorer version, sample, answer) was decided before
    (:mod:`rapid_eval.grading.verdict_cache`); only the rest is scored. When the whole pass is the same as
    the last one (same answers, same cache keys, no judge), the files on disk are already its result and are
    kept as they are. ``judge`` (an ``LLMJudge``) re-decides, for the benchmarks whose official extraction uses
    an LLM, the items its policy selects; its calls are cached in the run (``judge.jsonl``).
    """
    inputs = _input_stamp(run, mode)
    # the last rule-only pass, when its files are there to keep ({}: none to keep)
    last = _read_json(run.root / "summary.json") if judge is None and (run.root / "verdicts.jsonl").exists() else {}
    if last and last.get("inputs") == inputs and _final(last):
        return RunSummary.from_dict(last)  # not a byte of the answers, samples or scoring code changed since
    samples = run.samples()
    vcache = VerdictCache(run.root / "verdict_cache.jsonl")
    scorers: dict[str, Scorer] = {}
    by_task: dict[str, list[_Item]] = defaultdict(list)
    digest = hashlib.sha256(f"{mode}|{judge.name if judge else ''}".encode())
    for a in iter_answers(run):
        rec = a.record
        sample = samples.get(rec.uid)
        if sample is None:
            continue
        scorer = scorers.get(rec.task) or scorers.setdefault(rec.task, pick_scorer(rec.task, mode))
        ck = vcache.key(scorer, sample, a.output, a.truncated)
        by_task[rec.task].append(_Item(rec.key, rec.variant, rec.perceptor.get("model"), a.reasoner, a.output,
                                       a.truncated, rec.prompt_tokens, rec.completion_tokens, rec.seconds, sample,
                                       ck))
        digest.update(f"{rec.key}:{ck}\n".encode())
    fingerprint = digest.hexdigest()[:24]
    if last and last.get("fingerprint") == fingerprint and _final(last):
        # same answers, but the record files changed: failed records (which add no answer) may have been
        # appended or retried since, so the incomplete counts are today's, not the last pass's
        last["inputs"] = inputs
        last["incomplete"] = failed_records(run).to_dict()  # _final: no row left anything unscored
        run.write_json("summary.json", last)
        return RunSummary.from_dict(last)

    groups: dict[tuple[str, str, str | None, str], list[tuple[Sample, Verdict]]] = defaultdict(list)
    judge_reports: dict[str, JudgeSummary] = {}
    counts = {"answers": 0, "cached": 0}

    def verdict_rows() -> Iterator[dict[str, Any]]:
        """Score task by task, yielding verdict rows as they are decided (streamed to ``verdicts.jsonl``)."""
        for task, items in sorted(by_task.items()):
            scorer = scorers[task]
            verdicts = cached_verdicts(vcache, scorer, items)
            counts["cached"] += sum(v is not None for v in verdicts)
            todo = [i for i, v in enumerate(verdicts) if v is None]
            if todo:
                fresh = score_all(scorer, [items[i].sample for i in todo], [items[i].output for i in todo],
                                  truncated=[items[i].truncated for i in todo], workers=workers, timeout=timeout)
                for i, v in zip(todo, fresh, strict=True):
                    verdicts[i] = v
                    vcache.put(items[i].cache_key, scorer, v)
            final: list[Verdict] = [v for v in verdicts if v is not None]
            if judge is not None and judge.handles(task) and mode != "generic":
                report = judge.run(task, [it.sample for it in items], [it.output for it in items], final)
                final = report.verdicts
                judge_reports[task] = report.summary()
            for it, v in zip(items, final, strict=True):
                groups[(task, it.variant, it.perceptor, it.reasoner)].append((it.sample, v))
                counts["answers"] += 1
                yield VerdictRecord(
                    key=it.key, task=task, sample_id=it.sample.id, variant=it.variant, perceptor=it.perceptor,
                    reasoner=it.reasoner, scorer=scorer.name, output=it.output, prompt_tokens=it.prompt_tokens,
                    completion_tokens=it.completion_tokens, seconds=it.seconds, verdict=v,
                ).to_dict()
            items.clear()  # the answers' text is written; only (sample, verdict) pairs stay, for the metrics

    run.write_jsonl("verdicts.jsonl", verdict_rows())
    vcache.close()
    cached = counts["cached"]

    summary_rows: list[SummaryRow] = []
    full = []
    for (task, variant, perceptor, reasoner), pairs in sorted(groups.items(), key=lambda kv: _sort_key(kv[0])):
        m = scorers[task].metrics([p[0] for p in pairs], [p[1] for p in pairs])
        ident = {"task": task, "variant": variant, "perceptor": perceptor, "reasoner": reasoner,
                 "scorer": scorers[task].name}
        full.append({**ident, **m.to_dict()})
        summary_rows.append(SummaryRow(
            task=task, variant=variant, perceptor=perceptor, reasoner=reasoner, scorer=scorers[task].name,
            metric=m.metric, score=m.score, n=m.n, correct=m.correct,
            unscored=m.unscored, flags=tally.flag_counts([p[1] for p in pairs]), items=len(pairs),
            note=_headline_note(m, len(pairs)),
        ))
    run.write_json("scores.json", full)
    summary = RunSummary(scorer_mode=mode, answers=counts["answers"], judge=judge.name if judge else None,
                         judge_reports=judge_reports, rows=summary_rows, cached_verdicts=cached,
                         fingerprint=fingerprint, inputs=inputs,
                         incomplete=failed_records(run, unscored=sum(r.unscored or 0 for r in summary_rows)),
                         provenance=provenance())
    run.write_json("summary.json", summary.to_dict())
    return summary


def cached_verdicts(vcache: VerdictCache, scorer: Scorer, items: list[_Item]) -> list[Verdict | None]:
    """The cached verdict of each item, None where it must be scored (order-dependent scorers: all of them)."""
    if getattr(scorer, "sequential", False):
        return [None] * len(items)
    return [vcache.get(it.cache_key) if it.cache_key in vcache else None for it in items]


def _input_stamp(run: Run, mode: str) -> dict[str, Any]:
    """What a scoring pass reads, cheaply: (size, mtime) of the record files it scores (append-only: any new line
    changes the size) and a hash of all scoring code. Equal stamps mean an identical pass."""
    files: dict[str, list[int] | None] = {}
    for name in ("samples", "perception", "reasoning"):
        try:
            st = (run.root / f"{name}.jsonl").stat()
            files[name] = [st.st_size, st.st_mtime_ns]
        except FileNotFoundError:
            files[name] = None
    return {"mode": mode, "code": scoring_code_version(), "files": files}


def _final(summary: dict[str, Any]) -> bool:
    """A pass worth keeping as it is: rule-only (no judge) and nothing in it left to chance (no unscored item, no
    timeout: those are decided again, as the verdict cache does)."""
    return summary.get("judge") is None and all(
        not r.get("unscored") and not (r.get("flags") or {}).get("timeout") for r in summary.get("rows") or [])


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _sort_key(k: tuple[str, str, str | None, str]) -> tuple[str, str, str, str]:
    return (k[0], k[1], k[2] or "", k[3])


def _headline_note(metrics: Metrics, items: int) -> str | None:
    """Say so when the headline is computed on part of a cell's answers (a scorer's ``headline_split``)."""
    split = metrics.headline_split
    if not split:
        return None
    return f"headline over the {split} split: {metrics.n} of {items} items"
