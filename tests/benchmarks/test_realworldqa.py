"""RealWorldQA: lmms-eval-style exact match (number words, option text → letter, case and punctuation ignored)."""

from __future__ import annotations

import pytest

from rapid_eval.benchmarks.realworldqa.scorer import RealWorldQAScorer
from rapid_eval.types import Sample

SCORER = RealWorldQAScorer()
MCQ = ("In which direction is the front wheel of the car on the right side facing?\n\nA. Left\nB. Straight\nC. Right\n"
       "Please answer directly with only the letter of the correct option and nothing else.")
OPEN = "How many pedestrians are there?\nPlease answer directly with a single word or number."


# (gold, question, output, correct, extracted, decided_by)
CASES = [
    ("B", MCQ, "B", True, "b", "rule:flexible"),  # the requested format
    ("B", MCQ, "b.", True, "b", "rule:flexible"),  # case and punctuation ignored
    ("B", MCQ, "(B)", True, "b", "rule:flexible"),  # parenthesised letter
    ("B", MCQ, "Straight", True, "b", "rule:flexible"),  # option text → its letter
    ("C", MCQ, "Right.", True, "c", "rule:flexible"),
    ("B", MCQ, "The wheel points \\boxed{B}.", True, "b", "rule:boxed"),  # a reasoner's boxed letter
    ("B", MCQ, "\\boxed{B. Straight}", True, "b", "rule:boxed"),  # boxed letter with its text
    ("B", MCQ, "A", False, "a", "rule:flexible"),
    ("3", OPEN, "three", True, "3", "rule:flexible"),  # number word → digit
    ("3", OPEN, "3.", True, "3", "rule:flexible"),
    ("3", OPEN, "\\boxed{3}", True, "3", "rule:boxed"),
    ("3", OPEN, "There are 3 pedestrians.", False, "there are 3 pedestrians", "rule:flexible"),  # exact match only
    ("Yes", "Is the light green?", "yes", True, "yes", "rule:flexible"),
    ("B", MCQ, "", False, None, "rule:flexible"),  # empty output
]


@pytest.mark.parametrize("gold,question,output,correct,extracted,decided_by", CASES)
def test_score_one(gold, question, output, correct, extracted, decided_by):
    v = SCORER.score_one(Sample(id="0", task="realworldqa", question=question, answer=gold), output)
    assert (v.correct, v.extracted, v.decided_by) == (correct, extracted, decided_by)


def test_sample_options_take_precedence_and_metrics():
    s = Sample(id="0", task="realworldqa", question="Which way?", answer="A", answer_type="choice",
               options=("Left", "Right"))
    v = SCORER.score_one(s, "Left")
    assert v.correct is True
    assert SCORER.score_one(s, "x", truncated=True).flags == ("truncated",)
    m = SCORER.metrics([s, s], [v, SCORER.score_one(s, "Right")])
    assert (m.score, m.n, m.correct) == (50.0, 2, 1)
