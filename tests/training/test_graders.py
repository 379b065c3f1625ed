"""The training graders: RAPID's ``mathruler`` (the default) and rapid-eval's ``generic`` rule.

Both agree on RAPID-style boxed answers (numbers, fractions, LaTeX, letters, words, units, ``x =``, the last box);
they differ where there is no box (generic also reads "the answer is X" and a bare short text), on unreduced
fractions (mathruler refuses ``2/4`` for ``1/2``) and on percent against fraction (math-verify equates them).
"""

from __future__ import annotations

import pytest

from rapid_eval.scoring.mathruler_rule import available
from rapid_eval.training.rewards import get_grader, grade
from rapid_eval.types import Sample

pytest.importorskip("mathruler")
if available():
    pytest.skip(available(), allow_module_level=True)

AGREE = [  # (output, gold, both say)
    ("<think>2+3</think>So the answer is \\boxed{5}.", "5", True),
    ("\\boxed{5}", "7", False),
    ("\\boxed{\\frac{1}{2}}", "0.5", True),
    ("\\boxed{\\frac{1}{2}}", "\\frac{1}{2}", True),
    ("\\boxed{2\\sqrt{3}}", "2\\sqrt{3}", True),
    ("\\boxed{0.50}", "0.5", True),
    ("\\boxed{B}", "B", True),
    ("\\boxed{B}", "C", False),
    ("\\boxed{Yes}", "yes", True),
    ("\\boxed{red}", "red", True),
    ("\\boxed{30^\\circ}", "30", True),
    ("\\boxed{3 cm}", "3", True),
    ("\\boxed{x=3}", "3", True),
    ("\\boxed{1,000}", "1000", True),
    ("\\boxed{5}. Wait, \\boxed{6}", "6", True),
]
DIFFER = [  # (output, gold, mathruler, generic, why)
    ("The answer is 7.", "7", False, True, "no box: mathruler reads nothing, generic the answer phrase"),
    ("7", "7", False, True, "a bare short answer: generic compares the whole text"),
    ("\\boxed{2/4}", "1/2", False, True, "mathruler refuses unreduced fractions, math-verify equates them"),
    ("\\boxed{50\\%}", "0.5", False, True, "math-verify reads a percent as a fraction, mathruler does not"),
    ("\\boxed{0.5}", "50\\%", False, True, "the same, the other way round"),
]


def _grade(grader: str, cases: list[tuple]) -> list[bool | None]:
    samples = [Sample(id=str(i), task="t", question="q", answer=c[1]) for i, c in enumerate(cases)]
    return grade(samples, [c[0] for c in cases], [False] * len(cases), grader)


def test_both_graders_agree_on_rapid_style_boxed_answers():
    assert _grade("mathruler", AGREE) == [c[2] for c in AGREE]
    assert _grade("generic", AGREE) == [c[2] for c in AGREE]


def test_where_mathruler_and_generic_differ():
    assert _grade("mathruler", DIFFER) == [c[2] for c in DIFFER]
    assert _grade("generic", DIFFER) == [c[3] for c in DIFFER]


def test_mathruler_is_the_default_and_unknown_graders_are_refused():
    from rapid_eval.training.config import build_stages

    assert build_stages("perception")[0].grader == "mathruler"
    assert build_stages("grpo")[0].grader == "mathruler"
    assert get_grader("mathruler").name == "mathruler"
    with pytest.raises(ValueError, match="unknown grader 'mathverify'"):
        get_grader("mathverify")
