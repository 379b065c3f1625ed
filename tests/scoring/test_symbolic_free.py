"""Scorer.quick runs the rule itself with symbolic math forbidden: an item it decides gets score_one's verdict,
an item that needs sympy is left to a worker, and no rule's ``except Exception`` can turn that into a verdict."""

from __future__ import annotations

import pytest

from rapid_eval.scoring import get_scorer
from rapid_eval.scoring import mathverify_safe as mv
from rapid_eval.types import Sample


def _s(task: str, answer: str, **kw) -> Sample:
    return Sample(id="1", task=task, question="q", answer=answer, **kw)


CASES = [
    # (scorer, sample, output, decided without sympy?)
    ("mathverse", _s("mathverse", "B", answer_type="choice", metadata={"question_type": "multi-choice"}),
     "The answer is \\boxed{B}", True),
    ("mathverse", _s("mathverse", "12"), "so \\boxed{12}", True),  # equal strings
    ("mathverse", _s("mathverse", "\\frac{1}{2}"), "so \\boxed{0.5}", False),  # needs math-verify
    ("mathvision", _s("mathvision", "12"), "The answer is 13", True),  # plain integers
    ("mathvision", _s("mathvision", "2\\sqrt{2}"), "The answer is 2.83", False),  # latex2sympy
    ("generic", _s("generic", "yes"), "\\boxed{no}", True),  # word answer
    ("generic", _s("generic", "2\\sqrt{2}"), "\\boxed{\\sqrt{8}}", False),
]


@pytest.mark.parametrize(("name", "sample", "output", "cheap"), CASES)
def test_quick_decides_exactly_what_needs_no_sympy(name, sample, output, cheap):
    scorer = get_scorer(name)
    quick = scorer.quick(sample, output)
    if cheap:
        assert quick is not None and quick == scorer.score_one(sample, output)
    else:
        assert quick is None
        assert scorer.score_one(sample, output).correct is True  # the worker's verdict (the full rule)


def test_symbolic_needed_passes_through_except_exception():
    with mv.symbolic_free():
        with pytest.raises(mv.SymbolicNeeded):
            try:
                mv.parse_answer("x^2")
            except Exception:  # noqa: BLE001 - what rules do around math-verify; must not catch the signal
                pytest.fail("SymbolicNeeded was caught by except Exception")
    assert mv.parse_answer("2")  # outside the block, math-verify runs


def test_sequential_scorers_have_no_quick_path():
    scorer = get_scorer("mmmu")
    assert scorer.sequential and scorer.quick(_s("mmmu", "A", answer_type="choice"), "A") is None
