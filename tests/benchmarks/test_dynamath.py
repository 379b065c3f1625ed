"""DynaMath: short-answer parsing per answer type, the substring guard, average/worst-case aggregation, and the
official result tables (benchmarks-data.md §3.3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from testlib import shared_path

from rapid_eval.benchmarks.dynamath import formats as reader
from rapid_eval.benchmarks.dynamath.scorer import (
    DynaMathScorer,
    dynamath_metrics,
    json_short_answer,
    parse_float,
)
from rapid_eval.formats.gold import stored_verdicts
from rapid_eval.scoring.base import Verdict
from rapid_eval.types import Sample

DATA = Path(__file__).parents[1] / "data" / "dynamath"
SCORER = DynaMathScorer()


def _s(answer: str, atype: str, question: str = "", seed: str = "1", variant: str = "1", **meta) -> Sample:
    raw = {"float": "float", "choice": "multiple choice", "text": "text"}[atype]
    return Sample(id=f"{seed}-v{variant}", task="dynamath", question=question, answer=answer, answer_type=atype,
                  group={"seed": seed, "variant": variant}, metadata={"answer_type": raw, **meta})


MC_Q = "Is the number of square even or odd? choice: (A) even (B) odd"

# (gold, answer type, question, output, correct, extracted, decided_by)
CASES = [
    ("5.6569", "float", "", "The distance is \\boxed{5.657}", True, "5.657", "rule:boxed"),  # within 1e-3
    ("5.6569", "float", "", "\\boxed{5.66}", False, "5.66", "rule:boxed"),  # 3.1e-3 off: absolute tolerance
    ("5.6569", "float", "", "\\boxed{4\\sqrt{2}}", True, "5.65685", "rule:boxed"),  # LaTeX evaluated by sympy
    ("0.75", "float", "", "\\boxed{\\frac{3}{4}}", True, "0.75", "rule:boxed"),  # fraction vs decimal
    ("6.2832", "float", "", '{"solution": "…", "short answer": "2π"}', True, "6.28319", "rule:json"),  # trailing π
    ("12.566", "float", "", "\\boxed{4\\pi}", True, "12.5664", "rule:boxed"),  # π in LaTeX
    ("-11", "float", "", "x + y + z = \\boxed{-11}", True, "-11", "rule:boxed"),  # negative integer
    ("10", "float", "", "\\boxed{x+y+z = 10}", True, "10", "rule:boxed"),  # right-hand side of an equation
    ("3", "float", "", "3 edges", True, "3", "rule:raw"),  # raw output: first token (official)
    ("3", "float", "", "The answer is 3", False, None, "rule:none"),  # raw first token "The": unparsed → wrong
    ("2", "float", "", "", False, None, "rule:none"),  # empty output
    ("B", "choice", MC_Q, "\\boxed{B}", True, "B", "rule:boxed"),  # boxed letter
    ("B", "choice", MC_Q, "\\boxed{(B) odd}", True, "B", "rule:boxed"),  # letter with its option text
    ("B", "choice", MC_Q, "\\boxed{odd}", True, "B", "rule:boxed"),  # option text alone → its letter
    ("B", "choice", MC_Q, "\\boxed{b}", True, "B", "rule:boxed"),  # lower-case single letter
    ("A", "choice", MC_Q, '{"short answer": "A"}', True, "A", "rule:json"),  # the official JSON format
    ("A", "choice", MC_Q, "A. even", True, "A", "rule:raw"),  # raw "A." at the start
    ("B", "choice", MC_Q, "B is odd", True, "B", "rule:raw"),  # raw output starting with the letter
    ("B", "choice", MC_Q, "B-odd", True, None, "rule:first3"),  # unparsed (B and D present): gold in the first 3 chars
    ("B", "choice", MC_Q, "I think the answer is odd", False, None, "rule:first3"),  # unparsed and not in first 3
    ("x = 0", "text", "", "\\boxed{x = 0}", True, "x = 0", "rule:boxed"),  # exact
    ("x = 0", "text", "", "\\boxed{x=0}", True, "x=0", "rule:boxed"),  # whitespace ignored (official would fail)
    ("x = 0", "text", "", "\\boxed{0}", False, "0", "rule:boxed"),  # substring guard: "0" is too short
    ("x = -1", "text", "", "\\boxed{-1}", True, "-1", "rule:boxed"),  # "-1" is half of "x=-1": accepted
    ("C", "text", "", "\\boxed{C}", True, "C", "rule:boxed"),  # one-letter text gold, exact
    ("C", "text", "", "", False, "", "rule:raw"),  # empty answer never counts (officially "" is a substring)
]


@pytest.mark.parametrize("gold,atype,question,output,correct,extracted,decided_by", CASES)
def test_score_one(gold, atype, question, output, correct, extracted, decided_by):
    v = SCORER.score_one(_s(gold, atype, question), output)
    assert (v.correct, v.extracted, v.decided_by) == (correct, extracted, decided_by)


def test_substring_guard_keeps_the_official_verdict():
    v = SCORER.score_one(_s("x = 0", "text"), "\\boxed{0}")
    assert v.flags == ("substring_guard",) and v.details["official_correct"] is True


def test_truncated_and_bad_gold():
    assert SCORER.score_one(_s("3", "float"), "\\boxed{3}", truncated=True).flags == ("truncated",)
    assert SCORER.score_one(_s("abc", "float"), "\\boxed{3}").correct is None


def test_json_and_float_helpers():
    assert json_short_answer('```json\n{"solution": "a\\\\b", "short answer": "7.071"}\n```') == "7.071"
    assert json_short_answer("no json") is None
    assert parse_float("2π") == pytest.approx(6.283185, abs=1e-6)
    assert parse_float("abc") is None


def test_worst_case_needs_every_variant_of_a_seed():
    samples = [_s("1", "float", seed=seed, variant=str(k), subject=subj, level="high school")
               for seed, subj in (("1", "algebra"), ("2", "algebra"), ("3", "graph theory")) for k in range(1, 11)]
    wrong = {("2", "7")}  # one wrong variant sinks seed 2
    verdicts = [Verdict((s.group["seed"], s.group["variant"]) not in wrong) for s in samples]
    m = dynamath_metrics(samples[:-1], verdicts[:-1])  # seed 3 has 9 variants here
    b = m.breakdown
    assert m.metric == "worst-case accuracy" and m.score == round(100 * 2 / 3, 2)
    assert b["average"] == {"score": round(100 * 28 / 29, 2), "correct": 28, "n": 29}
    assert (b["seeds"], b["complete_seeds"]) == (3, 2)
    assert b["subject"]["algebra"]["worst"] == {"score": 50.0, "correct": 1, "n": 2}
    assert b["level"]["high school"]["average"]["n"] == 29


# -- the official result tables --------------------------------------------------------------------------------
def test_bundled_slice_reads_and_aggregates():
    path = DATA / "GPT4o-result.csv"
    assert reader.detect(path)
    preds = reader.read(path, "dynamath", None)
    assert len(preds.samples) == 40 and preds.outputs == [""] * 40  # Q1..Q4; stops at the summary row
    assert preds.claimed["correct_per_variant"]["1"] == 323 and preds.claimed["A_avg"]["10"] == 62.67
    m = dynamath_metrics(preds.samples, stored_verdicts(preds))
    # Q1 4/10, Q2 8/10, Q3 10/10, Q4 10/10 correct
    assert m.breakdown["average"]["correct"] == 32 and m.score == 50.0
    assert m.breakdown["subject"]["statistics"]["worst"] == {"score": round(100 * 2 / 3, 2), "correct": 2, "n": 3}


CLAIMED = {  # benchmarks-data.md §3.3: average-case over 5,010 / worst-case over 501 seeds
    "claude3.5": (64.83, 35.73), "GPT4o": (63.33, 34.73), "Qwen2-72B": (55.11, 28.54),
    "InternVL2-76B": (53.61, 24.55), "llama-3.2-90B": (44.29, 12.97), "InternVL2-26b": (41.02, 14.37),
    "llava1.6-34B": (27.19, 5.99),
}


@pytest.mark.parametrize("model", sorted(CLAIMED))
def test_official_tables_reproduce_the_claims(model):
    path = shared_path("benchmarks", "predictions", "dynamath", f"{model}-result.csv")
    preds = reader.read(path, "dynamath", None)
    m = dynamath_metrics(preds.samples, stored_verdicts(preds))
    b = m.breakdown
    assert (b["average"]["score"], b["worst"]["score"]) == CLAIMED[model]
    assert (b["seeds"], b["complete_seeds"], b["average"]["n"]) == (501, 501, 5010)
    for k in range(1, 11):  # the per-variant rows agree with the item cells
        right = sum(o["correct"] for s, o in zip(preds.samples, preds.official, strict=True)
                    if s.group["variant"] == str(k))
        assert right == preds.claimed["correct_per_variant"][str(k)]
        assert round(100 * right / 501, 2) == preds.claimed["A_avg"][str(k)]


def test_dev_rows_attach_gold_and_score():
    dev = shared_path("benchmarks", "dev")
    preds = reader.read(shared_path("benchmarks", "predictions", "dynamath", "GPT4o-result.csv"), "dynamath", str(dev))
    with_gold = [s for s in preds.samples if s.answer]
    assert len(with_gold) == 80
    assert {s.group["seed"] for s in with_gold} == {"29", "73", "96", "183", "196", "238", "242", "494"}
    verdicts = [SCORER.score_one(s, f"\\boxed{{{s.answer}}}") for s in with_gold]
    m = SCORER.metrics(with_gold, verdicts)
    assert m.score == 100.0 and m.breakdown["complete_seeds"] == 8
