"""Score every answer of a run from its records (no model calls): verdicts, metrics, summary.

Answers are reasoning records plus ``direct`` perception records (the MLLM's own answer, scored as it is).
Each task is scored by its benchmark's official scorer (``--scorer official``, the default) or by the generic
boxed-answer rule (``--scorer generic``); a task whose benchmark folder has no ``scorer.py`` gets the generic
rule too. Everything is read and written as typed records (:mod:`rapid_eval.records`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rapid_eval.records import PerceptionRecord, ReasoningRecord, SummaryRow, VerdictRecord
from rapid_eval.rundir import Run
from rapid_eval.scoring import Scorer, Verdict, get_scorer, scorer_names, tally
from rapid_eval.types import Sample

if TYPE_CHECKING:
    from rapid_eval.evaluation.judge import LLMJudge


@dataclass(frozen=True)
class Answer:
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


def answers(run: Run) -> list[Answer]:
    """Every scorable answer of the run (failed records are left out: their rerun is still owed)."""
    rows = [Answer(rec, rec.answer or "", bool(rec.truncated_thinking))
            for rec in run.perception_records() if rec.variant == "direct" and not rec.error]
    rows += [Answer(rec, rec.text or "", bool(rec.truncated_thinking))
             for rec in run.reasoning_records() if not rec.error]
    return rows


def failed_records(run: Run) -> dict[str, int]:
    """Records whose last attempt failed, by stage: their answers are missing from every score."""
    return {"failed_perception": sum(1 for r in run.perception_records() if r.error),
            "failed_reasoning": sum(1 for r in run.reasoning_records() if r.error)}


def pick_scorer(task: str, mode: str) -> Scorer:
    if mode == "generic" or task not in scorer_names():
        return get_scorer("generic")
    return get_scorer(task)


def score_run(run: Run, mode: str = "official", workers: int = 1, timeout: float = 10.0,
              judge: LLMJudge | None = None) -> dict[str, Any]:
    """Score all answers, write ``verdicts.jsonl``, ``scores.json`` and ``summary.json``; return the summary.

    ``judge`` (an ``LLMJudge``) re-decides, for the benchmarks whose official extraction uses an LLM, the items
    its policy selects; its calls are cached in the run (``judge.jsonl``), so re-scoring makes no new calls.
    """
    from rapid_eval.scoring.pool import score_all

    samples = run.samples()
    by_task: dict[str, list[tuple[Answer, Sample]]] = defaultdict(list)
    for a in answers(run):
        if a.record.uid in samples:
            by_task[a.record.task].append((a, samples[a.record.uid]))

    verdict_rows: list[VerdictRecord] = []
    groups: dict[tuple[str, str, str | None, str], list[tuple[Sample, Verdict]]] = defaultdict(list)
    scorers: dict[str, Scorer] = {}
    judge_reports: dict[str, dict[str, Any]] = {}
    for task, rows in sorted(by_task.items()):
        scorer = scorers[task] = pick_scorer(task, mode)
        task_samples, outputs = [s for _, s in rows], [a.output for a, _ in rows]
        verdicts = score_all(scorer, task_samples, outputs, truncated=[a.truncated for a, _ in rows],
                             workers=workers, timeout=timeout)
        if judge is not None and judge.handles(task) and mode != "generic":
            report = judge.run(task, task_samples, outputs, verdicts)
            verdicts = report.verdicts
            judge_reports[task] = report.to_dict()
        for (a, sample), v in zip(rows, verdicts, strict=True):
            rec = a.record
            perceptor = rec.perceptor.get("model")
            groups[(task, rec.variant, perceptor, a.reasoner)].append((sample, v))
            verdict_rows.append(VerdictRecord(
                key=rec.key, task=task, sample_id=rec.sample_id, variant=rec.variant, perceptor=perceptor,
                reasoner=a.reasoner, scorer=scorer.name, output=a.output, prompt_tokens=rec.prompt_tokens,
                completion_tokens=rec.completion_tokens, seconds=rec.seconds, correct=v.correct,
                extracted=v.extracted, decided_by=v.decided_by, explanation=v.explanation, flags=list(v.flags),
                details=v.details,
            ))

    summary_rows: list[dict[str, Any]] = []
    full = []
    for (task, variant, perceptor, reasoner), pairs in sorted(groups.items(), key=lambda kv: _sort_key(kv[0])):
        m = scorers[task].metrics([p[0] for p in pairs], [p[1] for p in pairs])
        ident = {"task": task, "variant": variant, "perceptor": perceptor, "reasoner": reasoner,
                 "scorer": scorers[task].name}
        full.append({**ident, **m})
        summary_rows.append(SummaryRow(
            task=task, variant=variant, perceptor=perceptor, reasoner=reasoner, scorer=scorers[task].name,
            metric=m.get("metric"), score=m.get("score"), n=m.get("n"), correct=m.get("correct"),
            unscored=m.get("unscored", 0), flags=tally.flag_counts([p[1] for p in pairs]),
        ).to_dict())
    run.write_jsonl("verdicts.jsonl", [v.to_dict() for v in verdict_rows])
    run.write_json("scores.json", full)
    summary = {"scorer_mode": mode, "answers": len(verdict_rows), "judge": judge.name if judge else None,
               "judge_reports": judge_reports, "rows": summary_rows,
               "incomplete": {**failed_records(run), "unscored": sum(r["unscored"] or 0 for r in summary_rows)}}
    run.write_json("summary.json", summary)
    return summary


def _sort_key(k: tuple[str, str, str | None, str]) -> tuple[str, str, str, str]:
    return (k[0], k[1], k[2] or "", k[3])

