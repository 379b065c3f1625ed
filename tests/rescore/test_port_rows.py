"""Rows as VLMEvalKit writes them: MathVista without ``precision``, RealWorldQA option columns, MMMU_DEV_VAL
splits; and gold answers loaded from ``--data-dir`` without images, with errors that name the failing rows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from testlib import FIXTURES

from rapid_eval.benchmarks.mathvista.scorer import MathVistaScorer, gold_precision
from rapid_eval.benchmarks.mmmu.scorer import MMMUScorer
from rapid_eval.benchmarks.realworldqa.scorer import RealWorldQAScorer
from rapid_eval.formats.base import FormatError
from rapid_eval.formats.rows import sample_from_row
from rapid_eval.rescore import lmms_eval, rescore


def _vlm_mathvista(answer: str, atype: str) -> dict:
    return {"index": 1, "question": "Hint: Please answer the question requiring a floating-point number with one "
            "decimal place and provide the final value, e.g., 1.2, 1.3, 1.4, at the end.\nQuestion: How long?",
            "answer": answer, "question_type": "free_form", "answer_type": atype, "choices": None,
            "task": "figure question answering", "skills": "['arithmetic reasoning']", "prediction": "x"}


@pytest.mark.parametrize(("answer", "extraction", "correct"), [
    ("47.6", "47.6", True), ("47.6", "47.64", True), ("47.6", "48", False), ("1.45", "1.45", True),
    ("1.45", "1.4", False), ("0.5", "0.50", True)])
def test_mathvista_float_without_precision_uses_the_gold_decimals(answer, extraction, correct):
    sample = sample_from_row("mathvista", _vlm_mathvista(answer, "float"), "1")
    assert sample.precision is None
    verdict = MathVistaScorer().score_extraction(sample, extraction)
    assert verdict.correct is correct, verdict.explanation


def test_gold_precision():
    assert [gold_precision(a) for a in ("47.6", "1.45", "3", "-0.125", "abc")] == [1, 2, 0, 3, 0]


def _vlm_realworldqa() -> list[dict]:
    q = "Which way does the arrow point?\nPlease answer directly with only the letter of the correct option."
    return [
        {"index": 0, "question": "How many cars are there?", "A": 0, "B": 1, "C": 2, "D": None, "answer": "A",
         "prediction": "A. 0"},
        {"index": 1, "question": q, "A": "Up", "B": "Down", "C": "The arrow is pointing left.", "D": "Right",
         "answer": "C", "prediction": "C. The arrow is pointing left."},
        {"index": 2, "question": q, "A": "Up", "B": "Down", "C": "Left", "D": "Right", "answer": "B",
         "prediction": "A car is parked; the answer is Down"},
        {"index": 3, "question": q, "A": "10", "B": "1", "C": "2", "D": "3", "answer": "A", "prediction": "A. 10"},
    ]


def test_realworldqa_keeps_vlmevalkit_option_columns():
    samples = [sample_from_row("realworldqa", row, str(row["index"])) for row in _vlm_realworldqa()]
    assert samples[0].options == ("0", "1", "2") and samples[1].options[2] == "The arrow is pointing left."
    assert all(s.answer_type == "choice" for s in samples)
    scorer = RealWorldQAScorer()
    verdicts = [scorer.score_one(s, row["prediction"]) for s, row in zip(samples, _vlm_realworldqa(), strict=True)]
    assert [v.correct for v in verdicts] == [True, True, True, True]
    assert [v.extracted for v in verdicts] == ["a", "c", "b", "a"]


def test_realworldqa_vlmevalkit_file_rescored(tmp_path):
    path = tmp_path / "Qwen_RealWorldQA.xlsx"
    pd.DataFrame(_vlm_realworldqa()).to_excel(path, index=False)
    r = rescore("realworldqa", [path], workers=0)
    assert r.n == 4 and r.correct == 4


def _mmmu_rows() -> list[dict]:
    rows = []
    for i, (split, subject, pred) in enumerate([("dev", "Accounting", "B"), ("dev", "Art", "A"),
                                                 ("validation", "Accounting", "A"), ("validation", "Art_Theory", "B"),
                                                 ("validation", "Physics", "(C)")]):
        rows.append({"index": i, "question": "Q?", "split": split, "A": "x", "B": "y", "C": "z", "answer": "A",
                     "image_path": f"['{split}_{subject}_{i + 1}_1.png']", "question_type": "multiple-choice",
                     "prediction": pred})
    return rows


def test_mmmu_dev_val_splits_scored_apart(tmp_path):
    path = tmp_path / "Qwen_MMMU_DEV_VAL.xlsx"
    pd.DataFrame(_mmmu_rows()).to_excel(path, index=False)
    r = rescore("mmmu", [path], workers=0)
    assert r.n == 5 and r.correct == 1 and r.score == pytest.approx(33.33)
    split = r.breakdown["split"]
    assert split["dev"]["total"] == 2 and split["dev"]["correct"] == 1 and split["validation"]["total"] == 3
    assert r.breakdown["discipline"]["Business"]["correct"] == 1
    assert set(r.breakdown["discipline"]) == {"Business", "Art and Design", "Science"}
    assert set(r.breakdown["subject"]) == {"Accounting", "Art_Theory", "Physics"}


def test_mmmu_single_split_unchanged():
    samples = [sample_from_row("mmmu", row, str(row["index"])) for row in _mmmu_rows()[2:]]
    verdicts = [MMMUScorer().score_one(s, row["prediction"]) for s, row in zip(samples, _mmmu_rows()[2:], strict=True)]
    out = MMMUScorer().metrics(samples, verdicts)
    assert out.n == 3 and "split" not in out.breakdown


def _data_dir_without_images(tmp_path: Path) -> Path:
    folder = tmp_path / "data" / "realworldqa"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "realworldqa" / "samples.jsonl", folder / "samples.jsonl")  # images/ left behind
    return folder.parent


def test_lmms_gold_from_data_dir_needs_no_images(tmp_path):
    data = _data_dir_without_images(tmp_path)
    rows = [json.loads(line) for line in (data / "realworldqa" / "samples.jsonl").read_text().splitlines()]
    log = tmp_path / "samples_rwqa.jsonl"
    log.write_text("".join(json.dumps({"doc_id": i, "target": r["answer"], "filtered_resps": r["answer"]}) + "\n"
                           for i, r in enumerate(rows)))
    preds = lmms_eval.read(log, "realworldqa", str(data))
    assert len(preds.samples) == len(rows) and preds.samples[1].options == ("Left", "Right", "Up")
    assert all(s.images == () for s in preds.samples)


def test_gold_rows_that_fail_are_named(tmp_path):
    data = _data_dir_without_images(tmp_path)
    path = data / "realworldqa" / "samples.jsonl"
    path.write_text("".join(json.dumps({"question": "Q"}) + "\n" for _ in range(5)))  # no answer anywhere
    log = tmp_path / "samples_rwqa.jsonl"
    log.write_text(json.dumps({"doc_id": 0, "target": "A", "filtered_resps": "A"}) + "\n")
    with pytest.raises(FormatError, match=r"5 rows failed to load: .*samples.jsonl:1: .*missing field 'answer'") as e:
        lmms_eval.read(log, "realworldqa", str(data))
    assert "give --data-dir" not in str(e.value)
