"""MMMU: the official MC and open-answer parsing, the seeded random fallback, eval-only and parse-and-eval files."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from testlib import shared_path

from rapid_eval.benchmarks.mmmu.formats import read_outputs
from rapid_eval.benchmarks.mmmu.scorer import (
    DISCIPLINES,
    SUBJECT_TO_DISCIPLINE,
    eval_open,
    parse_choice,
    parse_open,
)
from rapid_eval.rescore import rescore
from rapid_eval.scoring import get_scorer, score_all
from rapid_eval.types import Sample

DATA = Path(__file__).parents[1] / "data" / "mmmu"
LETTERS = ["A", "B", "C", "D"]
INDEX2ANS = {"A": "1 attendant", "B": "2 attendants", "C": "3 attendants", "D": "4 attendants"}


@pytest.mark.parametrize(
    "response, expected",
    [
        ("B", ("B", "letter")),  # a standalone letter
        ("(C)", ("C", "bracket")),  # bracketed
        ("B.", ("B", "letter")),  # surrounding punctuation stripped
        ("The answer is (A), not (D).", ("D", "bracket")),  # several candidates: the last one
        ("Either A or C fits", ("C", "letter")),
        ("(B) but maybe D", ("B", "bracket")),  # bracketed letters take precedence over bare ones
        ("I think there are 3 attendants in the picture", ("C", "option-text")),  # > 5 words: option text
        ("3 attendants", (None, "none")),  # option text only counts in responses of more than 5 words
        ("b", (None, "none")),  # lower-case letters are not options
        ("", (None, "none")),
    ],
)
def test_parse_choice(response, expected):
    assert parse_choice(response, LETTERS, INDEX2ANS) == expected


@pytest.mark.parametrize(
    "response, gold, expected",
    [
        ("The answer is 3.5", "3.5", True),  # number after an indicator
        ("so the result is 3.499", "3.50", True),  # both sides rounded to 2 decimals
        ("It is 1,234 in total", "1234", True),  # thousands separators
        ("The city is Tampa.", ["Tampa", "Florida"], True),  # list golds: any
        ("It is tampa bay area", "Tampa", True),  # a gold string contained in a predicted string
        ("the answer is c", "C", True),  # a one-character gold is padded (" c", "c ") against trivial matches
        ("value = 24/7", ["24/7", "3.429"], True),
        ("The answer is 4", "5", False),
        ("cat", "category", False),  # the gold must be inside the prediction, not the reverse
    ],
)
def test_open_answers(response, gold, expected):
    assert eval_open(gold, parse_open(response)) is expected


def test_disciplines_cover_thirty_subjects():
    assert len(SUBJECT_TO_DISCIPLINE) == 30 and len(DISCIPLINES) == 6
    assert SUBJECT_TO_DISCIPLINE["Math"] == "Science" and SUBJECT_TO_DISCIPLINE["Manage"] == "Business"


def test_random_fallback_reproduces_seed_42_order():
    """Unparsable answers get random.choice(all_choices) from one random.seed(42), in call order."""
    samples = [Sample(id=f"validation_Art_{i}", task="mmmu", question="", answer="A", answer_type="choice",
                      options=tuple("wxyz"[:n]), metadata={"question_type": "multiple-choice"})
               for i, n in enumerate([4, 2, 3, 4, 4, 3], start=1)]
    rng = random.Random(42)
    expected = [rng.choice([chr(65 + k) for k in range(len(s.options))]) for s in samples]
    for workers in (0, 2):
        verdicts = score_all(get_scorer("mmmu"), samples, ["???"] * len(samples), workers=workers)
        assert [v.extracted for v in verdicts] == expected
        assert all(v.flags == ("random_fallback",) for v in verdicts)


def test_bundled_parse_and_eval_matches_eval_only_file():
    preds = read_outputs(DATA / "llava1.5_13b", "mmmu")
    assert [s.metadata["subject"] for s in preds.samples][:1] == ["Chemistry"]  # official (alphabetical) order
    verdicts = score_all(get_scorer("mmmu"), preds.samples, preds.outputs, workers=0)
    stored = json.loads((DATA / "llava1.5_13b" / "total_val_output.json").read_text())
    for s, v in zip(preds.samples, verdicts, strict=True):
        if s.metadata["question_type"] == "multiple-choice":
            assert v.extracted == stored[s.id], s.id
    assert {s.id for s, v in zip(preds.samples, verdicts, strict=True) if v.flags} == {
        "validation_Design_4", "validation_Psychology_4"}


def test_bundled_eval_only():
    r = rescore("mmmu", [DATA / "llava1.5_13b" / "total_val_output.json"], data_dir=DATA, workers=0)
    parse = rescore("mmmu", [DATA / "llava1.5_13b"], workers=0)
    assert r.format == "mmmu-eval-only" and parse.format == "mmmu-parse-and-eval"
    assert r.n == parse.n == 30 and r.correct == parse.correct
    assert r.agreement is not None and r.agreement.agree_pct == 100.0
    assert set(r.breakdown) == {"discipline", "subject", "judge_free"}


def test_eval_only_needs_answers(tmp_path):
    f = tmp_path / "answers.json"
    f.write_text(json.dumps({"validation_Math_1": "A"}))
    with pytest.raises(ValueError, match="answer_dict_val.json"):
        rescore("mmmu", [f])


@pytest.mark.parametrize("name, correct", [("llava1.5_13b/total_val_output.json", 330), ("llava1.5_13b_val.json", 324)])
def test_published_eval_only(name, correct):
    folder = shared_path("benchmarks", "predictions", "mmmu")
    r = rescore("mmmu", [folder / name], data_dir=folder, workers=1)
    assert (r.correct, r.n) == (correct, 900)


def test_published_parse_and_eval():
    """main_parse_and_eval.py --subject ALL semantics: 330/900, identical to the eval-only file item by item."""
    folder = shared_path("benchmarks", "predictions", "mmmu", "llava1.5_13b")
    preds = read_outputs(folder, "mmmu")
    verdicts = score_all(get_scorer("mmmu"), preds.samples, preds.outputs, workers=2)
    stored = json.loads((folder / "total_val_output.json").read_text())
    mc = [(s, v) for s, v in zip(preds.samples, verdicts, strict=True)
          if s.metadata["question_type"] == "multiple-choice"]
    assert len(mc) == 847 and all(v.extracted == stored[s.id] for s, v in mc)
    metrics = get_scorer("mmmu").metrics(preds.samples, verdicts)
    assert (metrics.correct, metrics.n, metrics.flags) == (330, 900, {"random_fallback": 2})
    assert sum(d["total"] for d in metrics.breakdown["discipline"].values()) == 900
