"""VLMEvalKit MCQ judged files as ``ImageMCQDataset.evaluate`` writes them (``vlmeval/dataset/image_mcq.py`` and
``utils/multiple_choice.py`` at e8e78f05): ``<Model>_<DATA>_<judge>_result.xlsx`` (the prediction file's columns plus
``hit`` 0/1 and ``log`` = "Match Log: <prediction or judge reply>. "), and ``<Model>_<DATA>_acc.csv`` from
``report_acc`` (``split``, ``Overall`` as a fraction, one row per split; ``none`` when the data has no split).
MMMU_DEV_VAL's open questions are re-formulated before judging (``MMMU_preproc``: ``A`` = the gold answer, ``B`` =
"Other Answers"), so the judged file stores them that way."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rapid_eval.formats.rows import sample_from_row
from rapid_eval.rescore import rescore

Q = "Which way does the arrow point?\nPlease answer directly with only the letter of the correct option."


def _write(folder: Path, name: str, rows: list[dict], acc: str) -> Path:
    path = folder / f"{name}_gpt-4o-mini_result.xlsx"
    pd.DataFrame(rows).to_excel(path, index=False)
    (folder / f"{name}_acc.csv").write_text(acc, encoding="utf-8")
    return path


def _rwqa_rows() -> list[dict]:
    def row(i, pred, gold, hit, log=None):
        return {"index": i, "question": Q, "A": "Up", "B": "Down", "C": "Left", "D": "Right", "answer": gold,
                "prediction": pred, "hit": hit, "log": f"Match Log: {log or pred}. "}
    return [row(0, "C", "C", 1), row(1, "A. Up", "B", 0), row(2, "The arrow is pointing left.", "C", 1, "C"),
            row(3, "The second one.", "B", 1, "B")]  # the judge read "second" as B; the rule reads no option


def test_realworldqa_judged_file_reproduces_its_acc_csv(tmp_path):
    path = _write(tmp_path, "Qwen2.5-VL-7B_RealWorldQA", _rwqa_rows(), "split,Overall\nnone,0.75\n")
    r = rescore("realworldqa", [path], workers=0)
    assert r.format == "vlmevalkit-judged" and r.headline == "verdicts stored in the file"
    assert (r.n, r.score) == (4, 75.0)
    assert r.claimed == {"score": 75.0, "split": "none", "file": "Qwen2.5-VL-7B_RealWorldQA_acc.csv"}
    # the judge-free rule (lmms-eval's filters as ported: option text matched as written) reads neither "pointing
    # left" nor "the second one"; the stored verdicts still decide the headline
    assert r.judge_free is not None and r.judge_free.score == 25.0 and r.judge_free.differ_ids == ["2", "3"]
    assert r.replay["agree"] == 4  # can_infer on each stored "Match Log" gives the stored hit


def _mmmu_rows() -> list[dict]:
    def mc(i, split, subject, pred, gold, hit):
        return {"index": i, "question": "Which is right?", "A": "x", "B": "y", "C": "z", "answer": gold,
                "category": subject, "split": split, "prediction": pred, "hit": hit, "log": f"Match Log: {pred}. "}
    open_q = {"index": 5, "question": "How many?", "A": "42", "B": "Other Answers", "C": None, "answer": "42",
              "category": "Physics", "split": "validation", "prediction": "So the final answer is 42.", "hit": 1,
              "log": "Match Log: A. "}
    return [mc(0, "dev", "Accounting", "A", "A", 1), mc(1, "dev", "Art", "B", "A", 0),
            mc(2, "validation", "Accounting", "A", "A", 1), mc(3, "validation", "Art Theory", "C", "B", 0),
            mc(4, "validation", "Physics", "(C)", "C", 1), open_q]


def test_mmmu_dev_val_judged_file_headline_on_validation(tmp_path):
    acc = "split,Overall,Accounting,Art,Art Theory,Physics\nvalidation,0.75,1.0,,0.0,1.0\ndev,0.5,1.0,0.0,,\n"
    path = _write(tmp_path, "Qwen2.5-VL-7B_MMMU_DEV_VAL", _mmmu_rows(), acc)
    r = rescore("mmmu", [path], workers=0)
    assert r.headline == "verdicts stored in the file" and r.n == 6
    assert r.score == 75.0 and r.claimed["score"] == 75.0 and r.claimed["split"] == "validation"
    split = r.breakdown["split"]
    assert (split["validation"]["correct"], split["validation"]["total"]) == (3, 4)
    assert (split["dev"]["correct"], split["dev"]["total"]) == (1, 2)
    assert r.judge_free is not None
    assert r.judge_free.agree == 6  # the open question is scored as open, not as a two-option choice
    assert r.breakdown["discipline"]["Science"]["correct"] == 2


def test_mmmu_open_question_reformulated_by_vlmevalkit_is_open_again():
    sample = sample_from_row("mmmu", _mmmu_rows()[-1], "5")
    assert sample.options == () and sample.answer_type == "text" and sample.answer == "42"
