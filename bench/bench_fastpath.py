"""Which real answers need symbolic math: the scoring fast path (``Scorer.quick``) on real prediction files and
real runs, its verdicts checked against ``score_one``, and the cost per item of what is left to math-verify.

For every benchmark whose rule can reach sympy (MathVerse, MathVision, DynaMath, the generic rule), the items of
its real prediction files (``../shared/benchmarks/predictions``, else the copies in ``tests/data``) and of the
bundled real run (``tests/data/run_v2``, scored both ``official`` and ``generic``) are put through the fast path.

- ``before``: items the fast path decided before this change (the generic rule's string/number path only; other
  scorers had none), ``after``: items ``quick`` decides now (``score_one`` run with symbolic math forbidden).
- Every verdict ``quick`` gives is compared with ``score_one``'s (in-process; those items never reach sympy): the
  script fails on the first difference.
- ``symbolic ms/item``: ``score_one`` on the items left to workers, one process, timed per item (median, p90):
  math-verify's parse (and verify) is the floor there.

    python bench/bench_fastpath.py [--limit 3000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rapid_eval.scoring import get_scorer
from rapid_eval.scoring.generic import GenericScorer, quick_judge

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "benchmarks"
FILES = {
    "mathvision": ["predictions/mathvision/*.jsonl"],
    "dynamath": ["predictions/dynamath/*-result.csv"],
    "mathverse": ["predictions/mathverse/output_templates/*.json"],
}
FALLBACK = {"mathvision": ["mathvision/*.jsonl"], "dynamath": ["dynamath/*-result.csv"]}


def prediction_items(benchmark: str) -> list[tuple]:
    from rapid_eval.rescore.run import _read

    paths = [p for pat in FILES.get(benchmark, []) for p in sorted(SHARED.glob(pat))]
    data_dir = SHARED / ("dev" if benchmark == "dynamath" else "annotations")
    if not paths:
        paths = [p for pat in FALLBACK.get(benchmark, []) for p in sorted((ROOT / "tests" / "data").glob(pat))]
        data_dir = ROOT / "tests" / "data" / benchmark / "annotations"
    out = []
    for path in paths:
        try:
            preds = _read(path, benchmark, data_dir if data_dir.exists() else None)
        except Exception as e:  # noqa: BLE001 - a file this reader cannot take is reported, not fatal
            print(f"  skipped {path.name}: {type(e).__name__}: {e}", file=sys.stderr)
            continue
        cut = preds.truncated or [False] * len(preds.samples)
        out += [(s, o or "", bool(c)) for s, o, c in zip(preds.samples, preds.outputs, cut, strict=True) if o]
    return out


def run_items(mode: str) -> dict[str, list[tuple]]:
    from rapid_eval.grading.runner import iter_answers, pick_scorer
    from rapid_eval.storage.rundir import Run

    run = Run(ROOT / "tests" / "data" / "run_v2", create=False)
    samples = run.samples()
    by: dict[str, list[tuple]] = {}
    for a in iter_answers(run):
        s = samples.get(a.record.uid)
        if s is not None:
            by.setdefault(pick_scorer(s.task, mode).name + f" (run_v2, {mode})", []).append((s, a.output, a.truncated))
    return by


def audit(name: str, scorer, items: list[tuple], symbolic_sample: int) -> dict:
    before = after = 0
    left = []
    for s, o, c in items:
        if isinstance(scorer, GenericScorer) and quick_judge(o, s.answer, s.answer_type, s.options, c) is not None:
            before += 1
        v = scorer.quick(s, o, c)
        if v is None:
            left.append((s, o, c))
            continue
        after += 1
        ref = scorer.score_one(s, o, c)
        if v != ref:
            raise SystemExit(f"{name} {s.id}: quick {v} != score_one {ref}")
    times = []
    import math_verify  # noqa: F401 - imported before timing: its import is not an item's cost

    for s, o, c in left[:symbolic_sample]:
        t0 = time.perf_counter()
        scorer.score_one(s, o, c)
        times.append(time.perf_counter() - t0)
    return {"items": len(items), "before": before, "after": after, "left": len(left), "times": times}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=20000, help="items per benchmark at most")
    ap.add_argument("--symbolic-sample", type=int, default=200, help="items timed on the symbolic path")
    ap.add_argument("--floor", type=int, default=300, help="distinct symbolic items timed in math-verify alone")
    args = ap.parse_args()
    sets: dict[str, tuple] = {}
    for bench in ("mathverse", "mathvision", "dynamath"):
        items = prediction_items(bench)[: args.limit]
        if items:
            sets[f"{bench} (prediction files)"] = (get_scorer(bench), items)
    for mode in ("official", "generic"):
        for name, items in run_items(mode).items():
            sets[name] = (get_scorer(name.split(" ")[0]), items)
    print(f"{'set':38s} {'items':>6s} {'fast before':>12s} {'fast now':>9s} {'to workers':>11s} "
          f"{'symbolic ms/item median (p90)':>30s}")
    for name, (scorer, items) in sets.items():
        if scorer.bounded:
            continue
        r = audit(name, scorer, items, args.symbolic_sample)
        t = sorted(r["times"])
        cost = (f"{statistics.median(t) * 1000:.1f} ({t[int(len(t) * 0.9)] * 1000:.1f}), n={len(t)}" if t else "-")
        n = r["items"]
        print(f"{name:38s} {n:6d} {r['before']:6d} {100 * r['before'] / n:4.0f}% {r['after']:5d} "
              f"{100 * r['after'] / n:3.0f}% {r['left']:6d} {100 * r['left'] / n:3.0f}% {cost:>30s}")
    print("every verdict the fast path gave equals score_one's")
    if args.floor:
        floor(args.floor)


def floor(n: int) -> None:
    """math-verify's own cost per item on distinct generic items (bench_scoring's generator) that the fast path
    leaves to workers: parse of gold and answer, then verify, each timed (one process, caches cannot help)."""
    import random

    from bench_scoring import generic_item

    from rapid_eval.scoring import mathverify_safe as mv
    from rapid_eval.scoring.extract import final_text, last_boxed

    mv.parse_answer("1")  # imports and the LaTeX config, once
    rng, scorer = random.Random(11), get_scorer("generic")
    parse, check = [], []
    for i in range(n * 4):
        s, o = generic_item(i, rng)
        if scorer.quick(s, o) is not None:
            continue
        cand = last_boxed(final_text(o)[0]) or ""
        t0 = time.perf_counter()
        g, p = mv.parse_gold(str(s.answer)), mv.parse_answer(cand)
        t1 = time.perf_counter()
        mv.verify(g, p)
        parse.append(t1 - t0)
        check.append(time.perf_counter() - t1)
        if len(parse) >= n:
            break
    total = [a + b for a, b in zip(parse, check, strict=True)]
    print(f"math-verify on {len(parse)} distinct symbolic items, one process: parse (gold + answer) median "
          f"{statistics.median(parse) * 1000:.1f} ms, verify {statistics.median(check) * 1000:.1f} ms, together "
          f"{statistics.median(total) * 1000:.1f} ms = {1 / statistics.mean(total):.0f} items/s at most per worker")


if __name__ == "__main__":
    main()
