"""Real lmms-eval 0.7.3 sample logs (made by lmms-eval itself, see data/lmms_eval/README.md): read and scored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rapid_eval.rescore import detect_format, lmms_eval, rescore

DATA = Path(__file__).parents[1] / "data" / "lmms_eval"
PLAIN = DATA / "20261130_194332_samples_rwqa_local.jsonl"
FILTERED = DATA / "20261130_194332_samples_rwqa_local_filtered.jsonl"


def test_the_logs_have_the_07_layout():
    rec = json.loads(PLAIN.read_text().splitlines()[0])
    assert "doc" not in rec and "resps" not in rec and isinstance(rec["filtered_resps"], str)
    assert detect_format(PLAIN, "realworldqa")[0] == "lmms-eval"


def test_reader_takes_gold_from_target_and_question_from_input():
    preds = lmms_eval.read(PLAIN, "realworldqa", None)
    assert [s.answer for s in preds.samples] == ["3", "A", "B", "4", "B", "C", "A", "A"]
    assert preds.outputs[0] == "three" and preds.outputs[6] == "A. 0"
    assert preds.samples[6].options == ("0", "1", "2", "3")
    assert [o["correct"] for o in preds.official] == [False, True, True, True, True, True, True, False]
    assert preds.claimed == {"score": 75.0, "metric": "exact_match,none", "file": "20261130_194332_results.json"}


@pytest.mark.parametrize(("path", "claimed", "stored_differ"), [(PLAIN, 75.0, ["0"]), (FILTERED, 87.5, [])])
def test_rescore_follows_the_stored_verdicts(path, claimed, stored_differ):
    r = rescore("realworldqa", [path], workers=0)
    assert r.headline == "verdicts stored in the file" and r.score == claimed == r.claimed["score"]
    jf = r.judge_free
    assert jf is not None and r.stored is not None
    assert jf.score == 87.5 and jf.correct == 7 and jf.items == 8  # "three" counts once mapped to 3
    assert r.stored.differ_ids == stored_differ and jf.agree == 8 - len(stored_differ)


def test_log_with_data_dir_matches_target(tmp_path):
    """doc_id is a position in the task: a log whose targets disagree with the data dir's gold is refused."""
    folder = tmp_path / "realworldqa"
    folder.mkdir()
    docs = json.loads((DATA / "make" / "task" / "docs.json").read_text())
    (folder / "samples.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs))
    preds = lmms_eval.read(PLAIN, "realworldqa", str(tmp_path))
    assert [s.answer for s in preds.samples][:3] == ["3", "A", "B"] and preds.samples[2].options[1] == "Blue"
    (folder / "samples.jsonl").write_text("".join(json.dumps(d) + "\n" for d in reversed(docs)))
    with pytest.raises(ValueError, match="target differs from the gold at their doc_id"):
        lmms_eval.read(PLAIN, "realworldqa", str(tmp_path))


MATHVISTA = DATA / "20261130_194332_samples_mathvista_local.jsonl"


def test_mathvista_log_without_doc_takes_gold_from_its_metric_and_follows_true_false():
    preds = lmms_eval.read(MATHVISTA, "mathvista", None)
    by_id = {s.id: s for s in preds.samples}
    assert set(by_id) == {"74", "383", "828", "106", "163", "450", "847", "506"}
    assert by_id["74"].answer == "47.6" and by_id["74"].precision == 1 and by_id["450"].options[3] == "grasshoppers"
    r = rescore("mathvista", [MATHVISTA], workers=0)
    assert r.headline == "verdicts stored in the file" and r.score == 87.5 == r.claimed["score"]
    assert r.stored is not None and r.judge_free is not None
    assert r.stored.items == 8 and r.judge_free.items == 8
    assert r.judge_free.differ_ids == ["506"]  # a list answer only the GPT extractor read from prose


MMMU = DATA / "20261130_194332_samples_mmmu_local.jsonl"


def test_mmmu_log_headline_is_the_official_eval_of_parsed_pred():
    preds = lmms_eval.read(MMMU, "mmmu", None)
    assert [s.id for s in preds.samples][:2] == ["validation_Physics_1", "validation_Physics_2"]
    assert preds.samples[1].options == ("friction", "gravity", "magnetism", "tension")  # from the prompt's lines
    assert preds.official[4]["parsed"] == ["the solid has 12 edges", 12.0]  # open: the parser's candidates
    r = rescore("mmmu", [MMMU], workers=0)
    assert r.headline == "official extraction in the file" and r.score == 66.67
    assert r.claimed["score"] == pytest.approx(66.6667, abs=1e-3)
    assert set(r.breakdown["discipline"]) == {"Science", "Art and Design"}
