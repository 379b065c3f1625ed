"""Readers for DynaMath/LogicVista/MathVerse official files, VLMEvalKit prediction files and lmms-eval sample logs:
content-based detection that does not steal other readers' files, gold from the file, data_dir or siblings."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from testlib import shared_path

from rapid_eval.benchmarks.dynamath import formats as dyn_reader
from rapid_eval.benchmarks.dynamath.scorer import DynaMathScorer
from rapid_eval.benchmarks.logicvista import formats as lv_reader
from rapid_eval.benchmarks.mathverse import formats as mv_reader
from rapid_eval.benchmarks.mathverse.scorer import MathVerseScorer
from rapid_eval.benchmarks.realworldqa.scorer import RealWorldQAScorer
from rapid_eval.benchmarks.wemath.scorer import WeMathScorer
from rapid_eval.formats.gold import stored_verdicts
from rapid_eval.rescore import FormatError, detect_format, lmms_eval, vlmevalkit

DATA = Path(__file__).parents[1] / "data"
THINK = "<think>Let me work it out.</think>"
DETECTORS = {
    "dynamath-result-csv": dyn_reader.detect,
    "logicvista-results-csv": lv_reader.detect_results,
    "logicvista-answers-json": lv_reader.detect_answers,
    "mathverse-output": mv_reader.detect,
    "vlmevalkit": vlmevalkit.detect,
    "lmms-eval": lmms_eval.detect,
}


def _write_table(path: Path, rows: list[dict]) -> Path:
    df = pd.DataFrame(rows)
    if path.suffix == ".xlsx":
        df.to_excel(path, index=False)
    else:
        df.to_csv(path, index=False, sep="\t" if path.suffix == ".tsv" else ",")
    return path


def _dynamath_rows(judged: bool) -> list[dict]:
    rows = []
    for k in (1, 2):
        row = {"index": k - 1, "question": "What is x + y + z?", "answer": "-11" if k == 1 else "10",
               "answer_type": "float", "subject": "algebra", "knowledge_level": "high school", "qid": 494, "varid": k,
               "prediction": f"{THINK}So x + y + z = \\boxed{{{-11 if k == 1 else 9}}}."}
        if judged:
            row.update(parse=True, extracted=row["prediction"][-5:], correct=k == 1)
        rows.append(row)
    return rows


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    out = {
        "vlm_dynamath": _write_table(tmp_path / "Qwen_DynaMath.xlsx", _dynamath_rows(False)),
        "vlm_dynamath_judged": _write_table(tmp_path / "Qwen_DynaMath_gpt-4o-mini.xlsx", _dynamath_rows(True)),
        "vlm_wemath": _write_table(tmp_path / "Qwen_WeMath.csv", [
            {"index": i, "ID": "2steps_1", "key": key, "question": "Q", "A": "1", "B": "2", "C": "3",
             "D": "No correct answer", "answer": "B", "knowledge concept": "Area",
             "prediction": f"{THINK}\\boxed{{{p}}}"}
            for i, (key, p) in enumerate([("2steps_1", "B"), ("2steps_2", "B"), ("2steps_multi", "A")])]),
        "vlm_mathverse": _write_table(tmp_path / "Qwen_MathVerse_MINI_Vision_Only_score.tsv", [
            {"index": 1645, "question": "", "answer": "2191.7 metres", "question_type": "free-form",
             "problem_version": "Vision Only", "problem_index": 329,
             "metadata": "{'split': 'testmini', 'subject': 'Plane Geometry', 'subfield': 'Applied'}",
             "prediction": f"{THINK}\\boxed{{2191.7}} metres", "extract": "2191.7 metres", "score": True},
            {"index": 1650, "question": "", "answer": "C\nD", "question_type": "multi-choice",
             "problem_version": "Vision Only", "problem_index": 330, "metadata": "{'subject': 'Functions'}",
             "prediction": "<think>cut off mid-trace", "extract": "", "score": False}]),
        "vlm_realworldqa": _write_table(tmp_path / "Qwen_RealWorldQA.csv", [
            {"index": 0, "question": "Which way?\nA. Left\nB. Right", "A": "Left", "B": "Right", "answer": "B",
             "prediction": "Right"}]),
        "lmms_realworldqa": tmp_path / "samples_realworldqa_2025.jsonl",
        "lmms_dynamath": tmp_path / "samples_dynamath_2025.jsonl",
        "lmms_nodoc": tmp_path / "samples_nodoc.jsonl",
        "not_a_table": _write_table(tmp_path / "other.csv", [{"id": 1, "text": "x"}]),
    }
    rwqa = {"doc_id": 0,
            "doc": {"question": "How many people?\nPlease answer with a single word or number.", "answer": "3"},
            "target": "3", "arguments": [[{"max_new_tokens": 16}]], "resps": [["three"]], "filtered_resps": ["3"],
            "doc_hash": "ab", "exact_match": 1.0}
    out["lmms_realworldqa"].write_text(json.dumps(rwqa) + "\n", encoding="utf-8")
    dyn = {"doc_id": 3, "doc": {"id": "494", "question_id": 494, "question": "x+y+z?", "ground_truth": "10",
                                "answer_type": "float", "subject": "algebra", "knowledge_level": "high school",
                                "variant": 2},
           "target": "10", "resps": [[f"{THINK}<answer>\\boxed{{10}}</answer>"]], "filtered_resps": [["x"]],
           "dynamath_worst": {"acc": 1.0}}
    out["lmms_dynamath"].write_text(json.dumps(dyn) + "\n", encoding="utf-8")
    out["lmms_nodoc"].write_text(json.dumps({"doc_id": 0, "target": "B", "resps": [["B"]]}) + "\n", encoding="utf-8")
    return out


BUNDLED = {
    "dynamath-result-csv": DATA / "dynamath" / "GPT4o-result.csv",
    "logicvista-results-csv": DATA / "logicvista" / "results" / "LLAVA13B-accuracy-results.csv",
    "logicvista-answers-json": DATA / "logicvista" / "answers" / "LLAVA13B-answers.json",
}


def test_detection_is_specific(files):
    expected = {**BUNDLED, "vlmevalkit": files["vlm_dynamath"], "lmms-eval": files["lmms_realworldqa"]}
    for name, path in expected.items():
        hits = [n for n, det in DETECTORS.items() if det(path)]
        assert hits == [name], (path.name, hits)
    for key in ("vlm_dynamath_judged", "vlm_wemath", "vlm_mathverse", "vlm_realworldqa"):
        assert [n for n, det in DETECTORS.items() if det(files[key])] == ["vlmevalkit"], key
    assert not any(det(files["not_a_table"]) for det in DETECTORS.values())
    # the registry picks the same reader
    assert detect_format(BUNDLED["dynamath-result-csv"], "dynamath")[0] == "dynamath-result-csv"
    assert detect_format(files["vlm_dynamath"], "dynamath")[0] == "vlmevalkit"
    assert detect_format(files["lmms_dynamath"], "dynamath")[0] == "lmms-eval"
    with pytest.raises(FormatError, match="unknown prediction format"):
        detect_format(files["not_a_table"], "dynamath")


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".json", ".jsonl", ".xlsx"])
def test_unreadable_files_are_nobodys(tmp_path, suffix):
    path = tmp_path / f"junk{suffix}"
    path.write_bytes(b"\xff\xfe\x00 not text, not a zip")
    assert not any(det(path) for det in DETECTORS.values())


def test_official_files_in_shared_are_detected_by_their_own_reader():
    root = shared_path("benchmarks", "predictions")
    cases = [(root / "dynamath" / "claude3.5-result.csv", "dynamath-result-csv"),
             (root / "logicvista" / "results" / "BLIP2-accuracy-results.csv", "logicvista-results-csv"),
             (root / "logicvista" / "answers" / "VILT-answers.json", "logicvista-answers-json"),
             (root / "mathverse" / "output_templates" / "output_testmini.json", "mathverse-output")]
    for path, name in cases:
        assert [n for n, det in DETECTORS.items() if det(path)] == [name], path.name
    # files of the other benchmarks are not claimed by these readers
    others = [p for p in (root / "mathvista").rglob("output_*.json")][:3] + \
        list((root / "mathvision").glob("*.jsonl"))[:2]
    for path in others:
        assert not any(det(path) for det in DETECTORS.values()), path


def test_vlmevalkit_dynamath(files):
    preds = vlmevalkit.read(files["vlm_dynamath"], "dynamath", None)
    assert [s.id for s in preds.samples] == ["494-v1", "494-v2"]
    assert preds.samples[0].group == {"seed": "494", "variant": "1"}
    assert preds.outputs[0] == "So x + y + z = \\boxed{-11}." and preds.format == "vlmevalkit"
    scorer = DynaMathScorer()
    verdicts = [scorer.score_one(s, o) for s, o in zip(preds.samples, preds.outputs, strict=True)]
    assert [v.correct for v in verdicts] == [True, False]
    judged = vlmevalkit.read(files["vlm_dynamath_judged"], "dynamath", None)
    assert judged.format == "vlmevalkit-judged" and [v.correct for v in stored_verdicts(judged)] == [True, False]


def test_vlmevalkit_wemath_options_from_columns(files):
    preds = vlmevalkit.read(files["vlm_wemath"], "wemath", None)
    assert preds.samples[0].options == ("1", "2", "3", "No correct answer")
    assert [s.group["key"] for s in preds.samples] == ["2steps_1", "2steps_2", "2steps_multi"]
    scorer = WeMathScorer()
    m = scorer.metrics(preds.samples,
                       [scorer.score_one(s, o) for s, o in zip(preds.samples, preds.outputs, strict=True)])
    assert m.breakdown["counts"]["IG"] == 1 and m.n == 1


def test_vlmevalkit_mathverse_judged_and_truncated(files):
    preds = vlmevalkit.read(files["vlm_mathverse"], "mathverse", None)
    assert preds.samples[0].group == {"problem": "329", "version": "Vision Only"}
    assert preds.samples[1].answer_type == "multi_choice" and preds.official[1]["truncated"] is True
    assert preds.outputs[1] == "" and preds.official[0]["extracted"] == "2191.7 metres"
    assert [v.correct for v in stored_verdicts(preds)] == [True, False]
    scorer = MathVerseScorer()
    verdicts = [scorer.score_one(s, o, truncated=off["truncated"])
                for s, o, off in zip(preds.samples, preds.outputs, preds.official, strict=True)]
    assert [v.correct for v in verdicts] == [True, False] and verdicts[1].flags == ("truncated",)
    assert scorer.metrics(preds.samples, verdicts).breakdown["subject"]["Functions"]["n"] == 1


def test_vlmevalkit_realworldqa(files):
    preds = vlmevalkit.read(files["vlm_realworldqa"], "realworldqa", None)
    assert preds.samples[0].options == ("Left", "Right")
    assert RealWorldQAScorer().score_one(preds.samples[0], preds.outputs[0]).correct is True


def test_lmms_eval_logs(files):
    preds = lmms_eval.read(files["lmms_realworldqa"], "realworldqa", None)
    assert preds.outputs == ["three"] and preds.official[0]["correct"] is True and preds.official[0]["filtered"] == "3"
    assert RealWorldQAScorer().score_one(preds.samples[0], preds.outputs[0]).correct is True
    dyn = lmms_eval.read(files["lmms_dynamath"], "dynamath", None)
    assert dyn.samples[0].answer == "10" and dyn.samples[0].group == {"seed": "494", "variant": "2"}
    assert dyn.official[0]["metrics"] == {"dynamath_worst": {"acc": 1.0}} and dyn.official[0]["correct"] is None
    assert DynaMathScorer().score_one(dyn.samples[0], dyn.outputs[0]).correct is True
    nodoc = lmms_eval.read(files["lmms_nodoc"], "realworldqa", None)  # ≥ 0.7 logs carry no doc: gold from target
    assert nodoc.samples[0].answer == "B" and nodoc.outputs == ["B"]
    files["lmms_nodoc"].write_text(json.dumps({"doc_id": 0, "resps": [["B"]]}) + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match="no 'doc' and no 'target'"):
        lmms_eval.read(files["lmms_nodoc"], "realworldqa", None)


def test_logicvista_results_with_data_dir_attach_questions():
    preds = lv_reader.read_results(DATA / "logicvista" / "results" / "LLAVA13B-accuracy-results.csv", "logicvista",
                                   str(shared_path("benchmarks", "dev")))
    by_id = {s.id: s for s in preds.samples}
    assert "which two of the proposals" in by_id["v1_2"].question and by_id["v1_2"].answer == "B, D"
    assert by_id["v1_0"].question == "" and by_id["v1_0"].answer == "C"  # not in dev: gold from the CSV


def test_logicvista_answers_without_gold_is_an_error(tmp_path):
    path = tmp_path / "X-answers.json"
    path.write_text(json.dumps({"v1_0": {"answer": "A", "reasoning": "none"}}), encoding="utf-8")
    with pytest.raises(FormatError, match="no gold answers"):
        lv_reader.read_answers(path, "logicvista", None)


def test_dynamath_bad_cell_names_the_line(tmp_path):
    text = (DATA / "dynamath" / "GPT4o-result.csv").read_text(encoding="utf-8").replace("Q2,fail", "Q2,maybe", 1)
    path = tmp_path / "bad-result.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormatError, match=r"bad-result.csv:3: Variant 1 is 'maybe'"):
        dyn_reader.read(path, "dynamath", None)


def test_a_stored_item_gives_its_verdict_and_none_stored_is_unscored():
    from rapid_eval.formats.base import StoredItem

    judged = StoredItem.from_dict({"correct": 1, "extracted": "B"}).verdict("judge:stored")
    assert (judged.correct, judged.extracted, judged.decided_by) == (True, "B", "judge:stored")
    assert StoredItem.from_dict({"correct": 0}).verdict().decided_by == "official:stored"
    missing = StoredItem.from_dict({}).verdict()
    assert missing.correct is None and missing.explanation == "no stored verdict"
