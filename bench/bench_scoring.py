"""Scoring throughput: 10,000 predictions over four scorers (incl. pathological LaTeX), 1 vs 2 worker processes.

    .venv/bin/python bench/bench_scoring.py [--n 10000] [--timeout 3] [--towers 2]

Prints items/s for each worker count, the speed-up (goal: >= 1.7x with 2 workers), the slowest item that finished
and the deadline. Items are synthetic but realistic in size (reasoning traces of ~1-2k characters before the
answer) and **distinct**: every gold and every prediction string is unique (numbers drawn from ranges far larger
than N, the item's index mixed in), so no per-string cache (math-verify's, sympy's) makes a repeat free, and each
worker count runs on a fresh set (another seed) so the second run does not reuse the first one's cache either.
Scoring goes through ``score_all`` as a run does: the in-process fast path decides what needs no symbolic math,
workers the rest; both rates are printed (``symbolic/s/worker`` is the rate of the items workers decided).
``--towers`` LaTeX power towers hang sympy and must be killed at the deadline (they count in the wall time).
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

from rapid_eval.scoring import Scorer, Verdict, get_scorer, score_all
from rapid_eval.types import Sample

TOWER = r"\boxed{2^{2^{2^{2^{2^{2^{2}}}}}}}"
WORDS = "so we compute the area then subtract the triangle and divide by two which gives a ratio of".split()


class Mixed(Scorer):
    """Routes each item to its task's scorer, so one pool run covers a mix of benchmarks."""

    name = "mixed"

    def __init__(self) -> None:
        self.scorers: dict[str, Scorer] = {}

    def score_one(self, sample: Sample, output: str, truncated: bool = False) -> Verdict:
        return self._scorer(sample).score_one(sample, output, truncated)

    def quick(self, sample: Sample, output: str, truncated: bool = False) -> Verdict | None:
        return self._scorer(sample).quick(sample, output, truncated)

    def _scorer(self, sample: Sample) -> Scorer:
        if sample.task not in self.scorers:
            self.scorers[sample.task] = get_scorer(sample.task)
        return self.scorers[sample.task]


def trace(rng: random.Random, n: int) -> str:
    return "<think>" + " ".join(rng.choice(WORDS) for _ in range(n)) + "</think>\n"


def generic_item(i: int, rng: random.Random) -> tuple[Sample, str]:
    a, b = rng.randint(1, 10**6) * 100_003 + i, rng.randint(2, 10**6) * 100_019 + i  # distinct per item
    gold, right = rng.choice([(str(a * b), str(a * b)), (rf"\frac{{{a}}}{{{b}}}", f"{a / b:.6f}"),
                              (rf"{a}\sqrt{{{b}}}", rf"\sqrt{{{a * a * b}}}"), (f"({a},{b})", f"({a}, {b})")])
    pred = right if rng.random() < 0.7 else str(a + b)
    out = trace(rng, rng.randint(150, 300)) + rf"The final answer is $\boxed{{{pred}}}$."
    return Sample(id=f"g{i}", task="generic", question="q", answer=gold, answer_type="text"), out


def mathvista_item(i: int, rng: random.Random) -> tuple[Sample, str]:
    if rng.random() < 0.5:
        opts = tuple(f"{rng.randint(1, 90) + k * 5}°" for k in range(4))
        k = rng.randrange(4)
        meta = {"question_type": "multi_choice", "answer_type": "text", "skills": ["geometry reasoning"]}
        s = Sample(id=f"v{i}", task="mathvista", question="q", answer=opts[k], answer_type="choice", options=opts,
                   metadata=meta)
        letter = "ABCD"[k if rng.random() < 0.6 else rng.randrange(4)]
        return s, trace(rng, 120) + f"Thus, the answer is {letter} ({opts['ABCD'.index(letter)]})."
    n = rng.randint(1, 10**6) * 100_003 + i
    s = Sample(id=f"v{i}", task="mathvista", question="q", answer=str(n), answer_type="integer",
               metadata={"question_type": "free_form", "answer_type": "integer", "skills": ["arithmetic reasoning"]})
    return s, trace(rng, 120) + f"So there are {n if rng.random() < 0.6 else n + 1} in total."


def mathvision_item(i: int, rng: random.Random) -> tuple[Sample, str]:
    a, b = rng.randint(1, 10**6) * 100_003 + i, rng.randint(10**6, 10**7) * 100_019 + i
    meta = {"subject": rng.choice(["algebra", "counting", "metric geometry - area"]), "level": rng.randint(1, 5)}
    if rng.random() < 0.4:
        s = Sample(id=f"m{i}", task="mathvision", question="q", answer="C", answer_type="choice",
                   options=tuple("ABCDE"), metadata=meta)
        return s, trace(rng, 150) + f"The answer is {rng.choice('ABCDE')}."
    s = Sample(id=f"m{i}", task="mathvision", question="q", answer=rf"\frac{{{a}}}{{{b}}}", answer_type="text",
               metadata=meta)
    pred = rf"\frac{{{2 * a}}}{{{2 * b}}}" if rng.random() < 0.5 else rf"{a / b + 0.1:.3f}"
    return s, trace(rng, 150) + rf"Hence the ratio is \boxed{{{pred}}}."


def mmmu_item(i: int, rng: random.Random) -> tuple[Sample, str]:
    subject = rng.choice(["Math", "Physics", "Art", "Economics"])
    meta = {"subject": subject, "question_type": "multiple-choice"}
    s = Sample(id=f"validation_{subject}_{i}", task="mmmu", question="q", answer=rng.choice("ABCD"),
               answer_type="choice", options=("12 m", "15 m", "18 m", "20 m"), metadata=meta)
    return s, " ".join(rng.choice(WORDS) for _ in range(60)) + f" so the answer is ({rng.choice('ABCD')})."


def build(n: int, towers: int, seed: int = 0) -> tuple[list[Sample], list[str]]:
    rng = random.Random(seed)
    makers = [generic_item] * 35 + [mathvista_item] * 25 + [mathvision_item] * 25 + [mmmu_item] * 15
    items = [rng.choice(makers)(i, rng) for i in range(n)]
    for k in range(towers):  # pathological LaTeX: hangs sympy in C code, must be killed at the deadline
        items[(k + 1) * n // (towers + 1)] = (Sample(id=f"t{k}", task="generic", question="q", answer="4"), TOWER)
    nested = r"\frac{1}{" * 40 + "2" + "}" * 40  # deep but finite
    items[n // 7] = (Sample(id="deep", task="generic", question="q", answer="2"), rf"\boxed{{{nested}}}")
    return [s for s, _ in items], [o for _, o in items]


def run(samples: list[Sample], outputs: list[str], workers: int, timeout: float) -> dict[str, Any]:
    stats: dict[str, Any] = {}
    t0 = time.perf_counter()
    verdicts = score_all(Mixed(), samples, outputs, workers=workers, timeout=timeout, stats=stats)
    wall = time.perf_counter() - t0
    quick = sum(Mixed().quick(s, o) is not None for s, o in zip(samples, outputs, strict=True))
    return {"workers": workers, "wall_s": wall, "items_per_s": len(samples) / wall, "stats": stats,
            "correct": sum(v.correct is True for v in verdicts), "quick": quick, "symbolic": len(samples) - quick}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--timeout", type=float, default=3.0)
    ap.add_argument("--towers", type=int, default=2)
    args = ap.parse_args()
    warm_s, warm_o = build(50, 0, seed=99)
    score_all(Mixed(), warm_s, warm_o, workers=2)  # start the forkserver (imports) once
    results = []
    for w in (1, 2):
        samples, outputs = build(args.n, args.towers, seed=w)  # a fresh set: no string seen before
        assert len(set(outputs)) >= len(outputs) - args.towers, "outputs must be distinct (but the towers)"
        results.append(run(samples, outputs, w, args.timeout))
    for r in results:
        st = r["stats"]
        worker_s = r["wall_s"] * r["workers"]
        print(f"workers={r['workers']}: {r['items_per_s']:8.1f} items/s  wall {r['wall_s']:6.2f}s  "
              f"fast path {r['quick']} items, workers {r['symbolic']} items "
              f"({r['symbolic'] / worker_s:6.1f} symbolic/s/worker)  correct {r['correct']}  "
              f"timeouts {st['timeouts']}  unscored {st['unscored']}  respawns {st['respawns']}  "
              f"slowest finished item {st['max_finished_item_s']:.3f}s (deadline {args.timeout:g}s)")
    print(f"speed-up 2 vs 1 workers: {results[1]['items_per_s'] / results[0]['items_per_s']:.2f}x (goal >= 1.7x)")


if __name__ == "__main__":
    main()
