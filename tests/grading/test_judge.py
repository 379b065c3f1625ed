"""The LLM judge through a scripted engine: prompts, reply parsing, policy, cache (zero calls on rerun), agreement."""

from __future__ import annotations

import re

import pytest

from rapid_eval.benchmarks.logicvista.scorer import LogicVistaScorer
from rapid_eval.benchmarks.mathverse.judge import mathverse_extract_prompt, mathverse_score_prompt
from rapid_eval.benchmarks.mathverse.scorer import MathVerseScorer
from rapid_eval.benchmarks.mathvista.judge import mathvista_prompt
from rapid_eval.engines.base import Engine, OnComplete
from rapid_eval.grading.judge import LLMJudge
from rapid_eval.scoring.judge_spec import parse_extraction, parse_judgement, parse_labels
from rapid_eval.types import ChatRequest, Completion, Sample


class CannedJudge(Engine):
    """A real Engine whose replies come from ``rules``: (regex on the prompt's last 400 chars, reply) pairs."""

    backend = "canned"

    def __init__(self, rules: list[tuple[str, str]], model: str = "canned-judge"):
        super().__init__(model)
        self.rules = rules
        self.calls = 0
        self.temperatures: list[float] = []

    def _generate(self, requests: list[ChatRequest], on_complete: OnComplete) -> None:
        for i, req in enumerate(requests):
            self.calls += 1
            self.temperatures.append(req.sampling.temperature)
            tail = req.messages[-1].text[-400:]
            reply = next((r for pat, r in self.rules if re.search(pat, tail, re.S)), "???")
            on_complete(i, Completion(text=reply, finish_reason="stop"))


def _mv(answer: str, version: str = "Vision Only", qtype: str = "free-form") -> Sample:
    return Sample(id=f"{answer}-{version}", task="mathverse", question="", answer=answer,
                  group={"problem": answer, "version": version}, metadata={"question_type": qtype})


MV_SAMPLES = [_mv("14"), _mv("2191.7 metres"), _mv("C", qtype="multi-choice"), _mv("90.1")]
MV_OUTPUTS = [
    "\\boxed{14}",  # the rule decides: right
    "It comes to about two thousand one hundred ninety-one point seven metres.",  # the rule finds no answer
    "\\boxed{B}",  # the rule decides: wrong letter
    "I give up",  # the rule finds no answer
]
MV_RULES = [
    (r"two thousand.*Extracted Answer: $", "Extracted Answer: 2191.7 metres"),  # stage 1, item 2
    (r"I give up'\nExtracted Answer: $", "null"),  # stage 1, item 4
    (r"\\boxed\{14\}'\nExtracted Answer: $", "14"),
    (r"\\boxed\{B\}'\nExtracted Answer: $", "B"),
    (r"\[Model_answer\] : null\nJudgement:$", "Judgement: 0"),
    (r"\[Model_answer\] : B\nJudgement:$", "0"),
]


def _rule_verdicts(scorer, samples, outputs):
    return [scorer.score_one(s, o) for s, o in zip(samples, outputs, strict=True)]


def test_fallback_judges_only_unanswered_items_and_reruns_from_cache(tmp_path):
    rule = _rule_verdicts(MathVerseScorer(), MV_SAMPLES, MV_OUTPUTS)
    assert [("no_answer" in v.flags) for v in rule] == [False, True, False, True]
    engine = CannedJudge(MV_RULES)
    report = LLMJudge(engine, tmp_path / "judge.jsonl").run("mathverse", MV_SAMPLES, MV_OUTPUTS, rule)
    # item 2: extraction equals the gold string → pre-check, no stage-2 call; item 4: "null" → judged 0
    assert engine.calls == 3 and report.calls.generated == 3 and report.calls.reused == 0
    assert report.judged == 2 and report.decided == 2 and report.unparsed == 0
    v = report.verdicts
    assert [x.correct for x in v] == [True, True, False, False]
    assert [x.decided_by for x in v] == ["rule:boxed+string", "judge:canned-judge", "rule:boxed", "judge:canned-judge"]
    assert v[1].extracted == "2191.7 metres" and v[1].details["rule"]["decided_by"] == "rule:none"
    assert report.both_decided == 0 and report.agreement is None
    # rerun with a fresh judge on the same cache: zero engine calls, identical verdicts
    engine2 = CannedJudge([])
    again = LLMJudge(engine2, tmp_path / "judge.jsonl").run("mathverse", MV_SAMPLES, MV_OUTPUTS, rule)
    assert engine2.calls == 0 and again.calls.generated == 0 and again.calls.reused == 3
    assert [x.to_dict() for x in again.verdicts] == [x.to_dict() for x in report.verdicts]


def test_always_mode_reports_agreement(tmp_path):
    rule = _rule_verdicts(MathVerseScorer(), MV_SAMPLES, MV_OUTPUTS)
    engine = CannedJudge(MV_RULES)
    report = LLMJudge(engine, tmp_path / "j.jsonl", mode="always").run("mathverse", MV_SAMPLES, MV_OUTPUTS, rule)
    # items 1 and 3 are decided by both: item 1 agrees (pre-check, right), item 3 agrees (judged 0, rule wrong)
    assert report.judged == 4 and report.both_decided == 2 and report.agree == 2 and report.agreement == 100.0
    assert all(v.decided_by == "judge:canned-judge" for v in report.verdicts)
    assert report.summary().calls == engine.calls == 6  # 4 extractions + 2 judgements (2 exact matches pre-checked)


def test_unparsable_replies_are_retried_then_the_rule_stands(tmp_path):
    samples, outputs = [_mv("7")], ["no idea"]
    rule = _rule_verdicts(MathVerseScorer(), samples, outputs)
    engine = CannedJudge([(r"Extracted Answer: $", "seven"), (r"Judgement:$", "I think they are consistent")])
    report = LLMJudge(engine, tmp_path / "j.jsonl", max_attempts=3).run("mathverse", samples, outputs, rule)
    assert engine.temperatures == [0.0, 0.0, 0.5, 1.0]  # one extraction, then three judgement attempts
    assert report.unparsed == 1 and report.verdicts[0].decided_by == "rule:none"
    assert "judge_unparsed" in report.verdicts[0].flags


def test_truncated_and_unscored_items_are_not_judged(tmp_path):
    samples = [_mv("7"), _mv("")]
    scorer = MathVerseScorer()
    rule = [scorer.score_one(samples[0], "", truncated=True), scorer.score_one(samples[1], "x")]
    engine = CannedJudge([])
    report = LLMJudge(engine, tmp_path / "j.jsonl", mode="always").run("mathverse", samples, ["", "x"], rule)
    assert engine.calls == 0 and report.judged == 0


def test_logicvista_letter_lists(tmp_path):
    samples = [Sample(id=f"v1_{i}", task="logicvista", question="Which two? Select from A-E", answer=a)
               for i, a in enumerate(["B, D", "A", "C"])]
    outputs = ["Both the second and the fourth figure fit.", "The first one.", "Hmm."]
    rule = _rule_verdicts(LogicVistaScorer(), samples, outputs)
    engine = CannedJudge([(r"second and the fourth.*Your output: $", "B, D"), (r"first one.*Your output: $", "A"),
                          (r"Hmm.*Your output: $", "Z")])
    report = LLMJudge(engine, tmp_path / "lv.jsonl").run("logicvista", samples, outputs, rule)
    assert [v.correct for v in report.verdicts] == [True, True, False]
    assert [v.extracted for v in report.verdicts] == ["bd", "a", "z"]


def test_mathvista_extraction_and_shortcuts(tmp_path):
    mc = Sample(id="1", task="mathvista", question="What fraction?", answer="8/11", answer_type="choice",
                options=("3/11", "8/11", "6/11", "3/5"), metadata={"question_type": "multi_choice", "query": "Q1"})
    num = Sample(id="2", task="mathvista", question="How many?", answer="5", answer_type="integer",
                 metadata={"question_type": "free_form", "answer_type": "integer", "query": "Q2"})
    outputs = ["The correct answer is (B) 8/11.", "5"]
    rule = [MathVerseScorer().score_one(_mv("x"), "")] * 2  # any rule verdict with no answer
    engine = CannedJudge([(r"correct answer is \(B\) 8/11\.\n\nExtracted answer: $", "Extracted answer: B")])
    report = LLMJudge(engine, tmp_path / "mv.jsonl").run("mathvista", [mc, num], outputs, rule)
    assert engine.calls == 1  # "5" for an integer question is the official shortcut: no call
    assert [v.correct for v in report.verdicts] == [True, True]
    assert [v.extracted for v in report.verdicts] == ["B", "5"]


def test_unknown_benchmark_and_bad_mode(tmp_path):
    with pytest.raises(KeyError, match="no LLM judge for 'mmmu'"):
        LLMJudge(CannedJudge([]), tmp_path / "x.jsonl").run("mmmu", [], [], [])
    with pytest.raises(ValueError):
        LLMJudge(CannedJudge([]), tmp_path / "x.jsonl", mode="sometimes")  # type: ignore[arg-type]


@pytest.mark.parametrize("reply,expected", [
    ("Judgement: 1", 1), ("0", 0), ("1\n", 1), ("**1**", 1), ("Judgement: 0 (different units)", 0),
    ("The judgement is: 1", 1), ("10", None), ("consistent", None), ("", None),
])
def test_parse_judgement(reply, expected):
    assert parse_judgement(reply) == expected


@pytest.mark.parametrize("reply,expected", [
    ("A", "a"), ("B, D", "bd"), ("DB", "bd"), ("Z", "z"), ("A.", "a"), ("The answer is A", None), ("", None),
])
def test_parse_labels(reply, expected):
    assert parse_labels(reply) == expected


def test_prompts_follow_the_official_assembly():
    p = mathverse_extract_prompt("resp")
    assert p.startswith("I am providing you a response")
    assert p.endswith("7.\n\nModel response: 'resp'\nExtracted Answer: ")
    s = mathverse_score_prompt("Q?", "C\nD", "A and C")
    assert "\\frac{x^2}{81}" in s
    assert s.endswith("[Question]: Q?\n[Standard Answer]: C\nD\n[Model_answer] : A and C\nJudgement:")
    v = mathvista_prompt("QUERY", "RESP")
    assert v.count("Extracted answer:") == 6
    assert v.endswith("Extracted answer: B\n\nQUERY\n\nRESP\n\nExtracted answer: ")
    assert parse_extraction("Extracted answer: 14") == "14" and parse_extraction("  ") is None
