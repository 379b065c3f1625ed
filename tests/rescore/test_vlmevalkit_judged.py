"""VLMEvalKit judged files (slices of real ones, see data/vlmevalkit/README.md): headline from the stored
verdicts, claim from the score file beside them, judge-free agreement, and judge replay."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapid_eval.rescore import rescore, vlmevalkit
from rapid_eval.scoring import judge_replay as jr

DATA = Path(__file__).parents[1] / "data" / "vlmevalkit"
LOGICVISTA = DATA / "Qwen2.5-VL-7B-Instruct_LogicVista_gpt4o-mini.csv"
MATHVISTA = DATA / "Qwen2.5-VL-7B-Instruct_MathVista_MINI_gpt-4o-mini.csv"


def test_logicvista_judged_slice():
    r = rescore("logicvista", [LOGICVISTA], workers=0)
    assert r.format == "vlmevalkit-judged" and r.headline == "verdicts stored in the file"
    assert r.n == 14 and r.correct == 9  # the slice's stored hits
    assert r.claimed["score"] == pytest.approx(46.7562) and r.claimed["hit"] == 209
    assert r.replay["items"] == 14 and r.replay["agree"] == 14  # replayed judge replies = stored hits
    jf = r.judge_free
    assert jf is not None and jf.differ_ids is not None and r.stored is not None
    assert jf.items == 14 and jf.agree == 14 - len(jf.differ_ids) and r.stored.agree == jf.agree


def test_mathvista_judged_slice_replays_res_and_scores_floats_at_gold_precision():
    preds = vlmevalkit.read(MATHVISTA, "mathvista", None)
    assert all(o["verdict_from"] == "replayed" for o in preds.official)  # no hit column: res replayed
    r = rescore("mathvista", [MATHVISTA], workers=0)
    assert r.claimed["score"] == 67.9 and r.replay["items"] == 16
    assert r.correct == r.replay["replayed_correct"]
    floats = [s.id for s in preds.samples if s.metadata.get("answer_type") == "float"]
    assert len(floats) == 8
    # before the precision fix every float item was wrong for the judge-free rule (round(x, None): 13.8 -> "14")
    assert r.judge_free is not None and not set(floats) & set(r.judge_free.differ_ids or [])
    correct_floats = [i for i in floats if preds.official[[s.id for s in preds.samples].index(i)]["correct"]]
    assert len(correct_floats) == 7


@pytest.mark.parametrize(("answer", "choices", "expected"), [
    ("B", {"A": "x", "B": "y"}, "B"), ("The answer is (C).", {"A": "1", "B": "2", "C": "3"}, "C"),
    ("y", {"A": "x", "B": "y"}, "B"), ("Cannot determine the answer", {"A": "x"}, "Z"),
    ("A and B", {"A": "x", "B": "y"}, None), ("", {"A": "x"}, None)])
def test_can_infer(answer, choices, expected):
    assert jr.can_infer(answer, choices) == expected


def test_logicvista_replay():
    assert jr.logicvista_replay({"res": "BD", "answer": "B, D"}) is True
    assert jr.logicvista_replay({"res": "DB", "answer": "B, D"}) is True
    assert jr.logicvista_replay({"res": "B", "answer": "B, D"}) is False
    assert jr.logicvista_replay({"res": "b", "answer": "B"}) is False  # not upper-case: a failed parse
    assert jr.logicvista_replay({"res": None, "answer": "B"}) is False


def test_mcq_replay_from_match_log():
    row = {"A": "Left", "B": "Right", "answer": "B", "prediction": "I think right", "log": "Match Log: B. "}
    assert jr.mcq_replay(row) == (True, "judge")
    assert jr.mcq_replay({**row, "log": "Failed to predict, thus randomly generate one. "}) == (None, "random")
    mmmu_open = {"answer": "42", "prediction": "42", "log": "Match Log: 42. "}  # MMMU_preproc: A = gold
    assert jr.mcq_replay(mmmu_open, mmmu=True) == (True, "prefetch")


def test_mathvista_post_check_keeps_vlmevalkit_semantics():
    free = {"question_type": "free_form"}
    assert jr.mathvista_post_check({**free, "answer_type": "float", "answer": "1.2", "res": "1.20"})
    assert not jr.mathvista_post_check({**free, "answer_type": "integer", "answer": "3", "res": "3.0"})
    assert not jr.mathvista_post_check({"question_type": "free_form", "answer_type": "list", "answer": "[1, 2]",
                                        "res": "[1, 2]"})  # VLMEvalKit's str(None) bug: lists never score
    mc = {"question_type": "multi_choice", "answer_type": "text", "answer": "8/11", "answer_option": "B",
          "choices": "['3/11', '8/11']", "res": "B"}
    assert jr.mathvista_post_check(mc)


def test_summary_lines_name_the_claim_agreement_and_differing_ids():
    from rapid_eval.rescore.result import summary_lines

    lines = summary_lines(rescore("logicvista", [LOGICVISTA], workers=0))
    assert lines[0].startswith("logicvista: 64.29 (accuracy, n=14; verdicts stored in the file)")
    assert lines[1].startswith("claimed: 46.76") and any("judge replay (vlmevalkit): 14/14" in x for x in lines)
    lmms = Path(__file__).parents[1] / "data" / "lmms_eval" / "20261130_194332_samples_rwqa_local.jsonl"
    assert "stored verdicts: 7/8 agree; differ: 0" in summary_lines(rescore("realworldqa", [lmms], workers=0))
