"""The generic scorer and ``boxed_reward``: edge-case tables (math-verify 0.9.0 behaviour is pinned here)."""

from __future__ import annotations

import pytest

from rapid_eval.scoring import boxed_reward, get_scorer
from rapid_eval.scoring.generic import judge
from rapid_eval.types import Sample

OPTS = ("12 cm", "15 cm", "18 cm", "20 cm")


@pytest.mark.parametrize(
    "output, gold, expected",
    [
        (r"\boxed{50\%}", "50", True),  # percent pred vs plain gold
        (r"\boxed{50}", r"50\%", True),  # plain pred vs percent gold
        (r"\boxed{0.5}", r"50\%", True),  # fraction form of a percent gold
        (r"\boxed{0.5}", "50", False),  # but 0.5 is not 50
        (r"\boxed{10 \text{ cm}}", "10", True),  # units are stripped
        (r"\boxed{30^\circ}", "30", True),  # degrees
        (r"\boxed{\frac{\pi}{6}}", r"30^\circ", False),  # radians are not degrees
        (r"\boxed{\frac{1}{2}}", "0.5", True),  # fraction vs decimal
        (r"\boxed{0.333}", r"\frac{1}{3}", False),  # floats compared at 6 decimals
        (r"\boxed{\frac{\sqrt{3}}{2}}", r"\frac{\sqrt{3}}{2}", True),  # gold parsed boxed, not bare
        (r"\boxed{2\sqrt{3}}", r"2\sqrt{3}", True),
        (r"\boxed{\frac{\sqrt3}{2}}", r"\frac{\sqrt{3}}{2}", False),  # malformed_operators=False (rules §9.3)
        (r"\boxed{(1,2)}", "1<x<2", True),  # interval vs inequality, gold first
        (r"\boxed{(3,4)}", "(3,4)", True),  # tuples / open intervals
        (r"\boxed{3, 4}", "3", False),  # a multi-answer is not the single gold
        (r"\boxed{x=3}", "3", True),  # assignment vs value
        (r"\boxed{-2}", r"\pm 2", False),  # ±2 is a set
        (r"The answer is \(7\).", "7", True),  # no box: anchored LaTeX
        ("The answer is 7.", "7", True),  # no box: answer phrase
        (r"\boxed{Yes}", "Yes", True),  # words by string normalisation
        (r"\boxed{\text{no}}", "Yes", False),
        ("Tampa", ["Tampa", "Florida"], True),  # a list of accepted golds
        (r"\boxed{1.0}", ["24/7", "3.429"], False),
        (r"\boxed{\frac{24}{7}}", ["24/7", "3.429"], True),
        ("", "3", False),  # empty output
    ],
)
def test_values(output, gold, expected):
    assert judge(output, gold, "text").correct is expected


@pytest.mark.parametrize(
    "output, gold, answer_type, expected",
    [
        (r"\boxed{B}", "B", "choice", True),  # boxed letter
        ("(B)", "B", "choice", True),  # parenthesised
        ("B.", "B", "choice", True),
        (r"\boxed{\text{B}}", "B", "choice", True),
        ("Answer: b", "B", "choice", True),  # lower-case
        ("B: 15 cm", "B", "choice", True),  # letter with option text
        (r"\boxed{15 cm}", "B", "choice", True),  # option text instead of the letter
        (r"\boxed{B}", "15 cm", "choice", True),  # gold given as option text (MathVista)
        (r"\boxed{C}", "15 cm", "choice", False),
        (r"\boxed{A, B}", "B", "choice", False),  # several letters for one answer
        (r"\boxed{B, D}", "B, D", "multi_choice", True),  # letter sets
        (r"\boxed{D, B}", "BD", "multi_choice", True),  # order does not matter
        (r"\boxed{BD}", "C\nD", "multi_choice", False),
        (r"\boxed{B}", "B, D", "multi_choice", False),  # a subset is wrong
        ("I cannot tell.", "B", "choice", False),  # no letter
    ],
)
def test_choices(output, gold, answer_type, expected):
    assert judge(output, gold, answer_type, OPTS).correct is expected


def test_flags_truncated_empty_and_multiple():
    assert judge("<think>long trace never closed", "3").flags == ("truncated",)
    assert judge(r"\boxed{3}", "3", truncated=True).flags == ("truncated",)
    assert judge("   ", "3").flags == ("no_answer",)
    assert judge(r"\boxed{A, C}", "A", "choice", OPTS).flags == ("multiple_letters",)
    assert judge("<think>x = 3?</think> so \\boxed{3}", "3").correct is True


def test_unscorable_gold():
    v = judge(r"\boxed{B}", "Z", "choice", OPTS)
    assert v.correct is None and v.decided_by == "unscored"


def test_boxed_reward_and_scorer():
    assert boxed_reward(r"\boxed{\frac{1}{2}}", "0.5") == 1.0
    assert boxed_reward(r"\boxed{2}", "0.5") == 0.0
    assert boxed_reward(r"\boxed{B}", "Z", "choice", OPTS) is None
    sample = Sample(id="1", task="x", question="q", answer="B", answer_type="choice", options=OPTS)
    v = get_scorer("generic").score_one(sample, r"so \boxed{(B)}")
    assert v.correct and v.decided_by == "rule:letter:boxed" and v.extracted == "B"
