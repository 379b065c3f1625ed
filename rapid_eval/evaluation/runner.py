"""Score every answer of a run from its records (no model calls): verdicts, metrics, summary.

Answers are reasoning records plus ``direct`` perception records (the MLLM's own answer, scored as it is).
Each task is scored by its benchmark's official scorer (``--scorer official``, the default) or by the generic
boxed-answer rule (``--scorer generic``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rapid_eval.rundir import Run
from rapid_eval.scoring import Scorer, Verdict, get_scorer, scorer_names, tally
from rapid_eval.types import Sample


def answers(run: Run) -> list[dict[str, Any]]:
    """Every scorable answer of the run: ``{record, output, truncated, reasoner}``."""
    rows = []
    for rec in run.perception:
        if rec["variant"] == "direct" and not rec.get("error"):
            rows.append({"record": rec, "output": rec.get("answer") or "", "reasoner": None,
                         "truncated": bool(rec.get("truncated_thinking"))})
    for rec in run.reasoning:
        if not rec.get("error"):
            rows.append({"record": rec, "output": rec.get("text") or "", "reasoner": rec["reasoner"],
                         "truncated": bool(rec.get("truncated_thinking"))})
    return rows


def pick_scorer(task: str, mode: str) -> Scorer:
    if mode == "generic" or task not in scorer_names():
        return get_scorer("generic")
    return get_scorer(task)


def score_run(run: Run, mode: str = "official", workers: int = 1, timeout: float = 10.0,
              judge: Any = None) -> dict[str, Any]:
    """Score all answers, write ``verdicts.jsonl``, ``scores.json`` and ``summary.json``; return the summary.

    ``judge`` (an ``LLMJudge``) re-decides, for the benchmarks whose official extraction uses an LLM, the items
    its policy selects; its calls are cached in the run (``judge.jsonl``), so re-scoring makes no new calls.
    """
    from rapid_eval.scoring.pool import score_all

    samples = run.samples()
    by_task: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in answers(run):
        uid = f"{a['record']['task']}/{a['record']['sample_id']}"
        if uid in samples:
            a["sample"] = samples[uid]
            by_task[a["record"]["task"]].append(a)

    verdict_rows: list[dict[str, Any]] = []
    groups: dict[tuple, list[tuple[Sample, Verdict]]] = defaultdict(list)
    scorers: dict[str, Scorer] = {}
    judge_reports: dict[str, dict[str, Any]] = {}
    for task, rows in sorted(by_task.items()):
        scorer = scorers[task] = pick_scorer(task, mode)
        verdicts = score_all(scorer, [r["sample"] for r in rows], [r["output"] for r in rows],
                             truncated=[r["truncated"] for r in rows], workers=workers, timeout=timeout)
        if judge is not None and task in _judged() and mode != "generic":
            report = judge.run(task, [r["sample"] for r in rows], [r["output"] for r in rows], verdicts)
            verdicts = report.verdicts
            judge_reports[task] = report.to_dict()
        for r, v in zip(rows, verdicts, strict=True):
            rec = r["record"]
            perceptor = rec["perceptor"].get("model")
            reasoner = r["reasoner"]["model"] if r["reasoner"] else "-"
            groups[(task, rec["variant"], perceptor, reasoner)].append((r["sample"], v))
            verdict_rows.append({
                "key": rec["key"], "task": task, "sample_id": rec["sample_id"], "variant": rec["variant"],
                "perceptor": perceptor, "reasoner": reasoner, "scorer": scorer.name,
                "output": r["output"], "prompt_tokens": rec.get("prompt_tokens"),
                "completion_tokens": rec.get("completion_tokens"), "seconds": rec.get("seconds"),
                **v.to_dict(),
            })

    summary_rows, full = [], []
    for (task, variant, perceptor, reasoner), pairs in sorted(groups.items()):
        m = scorers[task].metrics([p[0] for p in pairs], [p[1] for p in pairs])
        ident = {"task": task, "variant": variant, "perceptor": perceptor, "reasoner": reasoner,
                 "scorer": scorers[task].name}
        full.append({**ident, **m})
        summary_rows.append({**ident, "metric": m.get("metric"), "score": m.get("score"), "n": m.get("n"),
                             "correct": m.get("correct"), "unscored": m.get("unscored", 0),
                             "flags": tally.flag_counts([p[1] for p in pairs])})
    run.write_jsonl("verdicts.jsonl", verdict_rows)
    run.write_json("scores.json", full)
    summary = {"scorer_mode": mode, "answers": len(verdict_rows), "judge": getattr(judge, "name", None), "judge_reports": judge_reports,
               "rows": summary_rows}
    run.write_json("summary.json", summary)
    return summary


def _judged() -> tuple[str, ...]:
    from rapid_eval.evaluation.judge import judged_benchmarks

    return judged_benchmarks()
