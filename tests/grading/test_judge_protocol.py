"""``--judge-protocol vlmevalkit``: VLMEvalKit's prompts and post-processing. The judge replies stored in real
VLMEvalKit judged files (slices in tests/data/vlmevalkit) are replayed through the real judge path (LLMJudge with
an engine that answers each prompt with the stored reply): the verdicts equal the stored ones item by item."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from rapid_eval.benchmarks.logicvista.judge import JUDGE_VLMEVALKIT as LV
from rapid_eval.benchmarks.logicvista.judge import VLMEVALKIT_TEMPLATE
from rapid_eval.benchmarks.mathvista.judge import JUDGE_VLMEVALKIT as MV
from rapid_eval.engines.base import Engine, OnComplete
from rapid_eval.grading.judge import LLMJudge, judge_spec
from rapid_eval.rescore import vlmevalkit
from rapid_eval.scoring.verdict import Verdict
from rapid_eval.types import ChatRequest, Completion

DATA = Path(__file__).parents[1] / "data" / "vlmevalkit"
LOGICVISTA = DATA / "Qwen2.5-VL-7B-Instruct_LogicVista_gpt4o-mini.csv"
MATHVISTA = DATA / "Qwen2.5-VL-7B-Instruct_MathVista_MINI_gpt-4o-mini.csv"


class StoredReplies(Engine):
    """A real Engine that answers a judge prompt with the reply stored for the prediction it contains."""

    backend = "stored"

    def __init__(self, replies: dict[str, str]):
        super().__init__("gpt-4o-mini-stored")
        self.replies = replies
        self.prompts: list[str] = []

    def _generate(self, requests: list[ChatRequest], on_complete: OnComplete) -> None:
        for i, req in enumerate(requests):
            text = req.messages[-1].text
            self.prompts.append(text)
            reply = next((r for pred, r in self.replies.items() if pred in text), "no stored reply")
            on_complete(i, Completion(text=reply, finish_reason="stop"))


def _no_answer(n: int) -> list[Verdict]:
    return [Verdict(False, None, "rule:none", flags=("no_answer",)) for _ in range(n)]


def test_logicvista_stored_replies_replay_to_the_stored_hits(tmp_path):
    preds = vlmevalkit.read(LOGICVISTA, "logicvista", None)
    rows = pd.read_csv(LOGICVISTA, dtype=object, keep_default_na=False).to_dict(orient="records")
    engine = StoredReplies({r["prediction"][-200:]: r["res"] for r in rows})
    judge = LLMJudge(engine, tmp_path / "j.jsonl", mode="always", protocol="vlmevalkit")
    report = judge.run("logicvista", preds.samples, preds.outputs, _no_answer(len(rows)))
    assert engine.prompts[0].startswith("You are a information extractor")  # VLMEvalKit's wording, sic
    for row, verdict in zip(rows, report.verdicts, strict=True):
        if row["res"]:
            assert verdict.decided_by == "judge:gpt-4o-mini-stored", row["id"]
            assert verdict.correct == (row["hit"] == "1"), row["id"]
        else:  # VLMEvalKit: "All 5 retries failed", hit 0; here the rule verdict stays, flagged
            assert "judge_unparsed" in verdict.flags and not verdict.correct and row["hit"] == "0"
    assert report.decided == sum(bool(r["res"]) for r in rows) == 13


def test_mathvista_prefetch_matches_the_stored_logs_and_res_replays(tmp_path):
    preds = vlmevalkit.read(MATHVISTA, "mathvista", None)
    rows = pd.read_csv(MATHVISTA, dtype=object, keep_default_na=False).to_dict(orient="records")
    stage = MV.stages[0]
    for sample, row in zip(preds.samples, rows, strict=True):
        state: dict = {}
        prompt = stage.prompt(sample, row["prediction"], state)
        assert (prompt is None) == (row["log"] == "Prefetch succeed"), row["index"]
        if prompt is None:
            if row["answer_type"] == "text":
                assert state["extract"] == row["res"]
            else:
                assert float(state["extract"]) == float(row["res"])
    engine = StoredReplies({r["prediction"][-120:]: r["res"] for r in rows if r["log"] == "Succeed"})
    report = LLMJudge(engine, tmp_path / "j.jsonl", mode="always", protocol="vlmevalkit").run(
        "mathvista", preds.samples, preds.outputs, _no_answer(len(rows)))
    assert [v.correct for v in report.verdicts] == [o["correct"] for o in preds.official]  # = VLMEvalKit's hits
    assert engine.prompts and all(p.endswith("Extracted answer:") and "Model respone: " in p for p in engine.prompts)


def test_protocols():
    assert judge_spec("logicvista", "vlmevalkit") is LV and judge_spec("logicvista") is not LV
    assert "Z." in VLMEVALKIT_TEMPLATE
    with pytest.raises(KeyError, match="no LLM judge for 'mathverse' under the 'vlmevalkit' protocol"):
        judge_spec("mathverse", "vlmevalkit")
    with pytest.raises(ValueError, match="judge protocol must be one of official, vlmevalkit"):
        judge_spec("logicvista", "lmms")


def test_vlmevalkit_mcq_protocol_realworldqa_and_mmmu(tmp_path):
    """VLMEvalKit's MCQ protocol: can_infer prefetch on the prediction (no call), else its matching prompt."""
    from rapid_eval.formats.rows import sample_from_row

    rows = [{"index": 0, "question": "How many cars?", "A": "0", "B": "1", "answer": "A", "prediction": "A. 0"},
            {"index": 1, "question": "Which way?", "A": "Left", "B": "Right", "answer": "B",
             "prediction": "It bends towards the side of the driver's right hand, I would say."}]
    samples = [sample_from_row("realworldqa", r, str(r["index"])) for r in rows]
    engine = StoredReplies({"towards the side of the driver's right hand": "B"})
    report = LLMJudge(engine, tmp_path / "r.jsonl", mode="always", protocol="vlmevalkit").run(
        "realworldqa", samples, [r["prediction"] for r in rows], _no_answer(2))
    assert [v.correct for v in report.verdicts] == [True, True] and len(engine.prompts) == 1
    assert engine.prompts[0].startswith("You are an AI assistant who will help me to match an answer")
    assert "There are several options: \nA. Left\nB. Right\n" in engine.prompts[0]
    mmmu = sample_from_row("mmmu", {"index": 2, "question": "How many edges?", "answer": "12",
                                    "question_type": "open", "split": "validation", "prediction": "12"}, "2")
    report = LLMJudge(StoredReplies({}), tmp_path / "m.jsonl", mode="always", protocol="vlmevalkit").run(
        "mmmu", [mmmu], ["The solid has 12 edges"], _no_answer(1))
    assert report.verdicts[0].correct is True  # MMMU_preproc: option A is the gold answer, found in the text
    with pytest.raises(KeyError, match="no LLM judge for 'realworldqa' under the 'official' protocol"):
        judge_spec("realworldqa")
