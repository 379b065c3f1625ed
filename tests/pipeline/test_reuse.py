"""Perceive -> reason orchestration through the scripted engine: composition, reuse, failures, torn lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rapid_eval.engines.scripted import ScriptedEngine
from rapid_eval.perception import VARIANTS, perceive
from rapid_eval.prompts import PromptSet
from rapid_eval.reasoning import reason
from rapid_eval.storage.rundir import Run
from rapid_eval.types import PERCEPTOR_DEFAULTS, REASONER_DEFAULTS, Sample

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


@pytest.fixture
def samples(tmp_path: Path) -> list[Sample]:
    img, img2 = tmp_path / "img.png", tmp_path / "img2.png"
    img.write_bytes(PNG)
    img2.write_bytes(PNG + b"\0")  # other bytes: another image as far as the content hash is concerned
    return [
        Sample(id="1", task="mathvista", question="What is 2+3?", answer="5", answer_type="integer",
               images=(str(img),)),
        Sample(id="2", task="mathvista", question="Pick one.", answer="B", answer_type="choice",
               options=("x", "y"), images=(str(img2),)),
        Sample(id="3", task="mathvista", question="Text only: 1+1?", answer="2", answer_type="integer"),
    ]


def _perceive(run, samples, engine=None, variants=tuple(VARIANTS)):
    engine = engine or ScriptedEngine("vlm", reply="caption of {last_word}")
    return perceive(run, engine, samples, list(variants), PromptSet(), PERCEPTOR_DEFAULTS)


def test_combos_are_composed_and_none_makes_no_call(tmp_path, samples):
    run = Run(tmp_path / "run")
    n, stats = _perceive(run, samples)
    assert n == len(samples) * len(VARIANTS)
    # calls: cap, qcap, sol for the two image items; sol only for the text-only item; direct shares sol's request
    assert stats.generated == 2 * 3 + 1
    recs = {(r["sample_id"], r["variant"]): r for r in run.perception}
    assert recs[("1", "cap+sol")]["parts"]["cap"] == recs[("1", "cap")]["parts"]["cap"]
    assert recs[("1", "qcap+sol")]["parts"]["sol"] == recs[("1", "sol")]["parts"]["sol"]
    assert recs[("1", "direct")]["parts"]["direct"] == recs[("1", "sol")]["parts"]["sol"]
    assert recs[("1", "none")]["parts"] == {} and recs[("1", "none")]["caption"] is None
    assert recs[("3", "cap")]["caption"] == ""  # no image: no caption call
    assert recs[("1", "cap")]["caption"] == "caption of detail."


def test_identical_requests_share_one_generation(tmp_path, samples):
    same = [samples[0], Sample(id="9", task="mathvista", question="Other?", answer="1", images=samples[0].images)]
    _, stats = _perceive(Run(tmp_path / "run"), same, variants=("cap",))
    assert stats.generated == 1 and stats.reused == 0  # the generic caption does not see the question


def test_rerun_and_second_reasoner_make_no_perception_calls(tmp_path, samples):
    run = Run(tmp_path / "run")
    _perceive(run, samples)
    lines_before = (run.root / "perception.jsonl").read_text().count("\n")
    n, stats = _perceive(Run(run.root), samples)
    assert stats.generated == 0 and stats.reused == 7
    assert (run.root / "perception.jsonl").read_text().count("\n") == lines_before  # nothing appended

    r1 = ScriptedEngine("reasoner-a")
    n1, s1, skipped = reason(Run(run.root), r1, PromptSet(), REASONER_DEFAULTS)
    assert n1 == len(samples) * (len(VARIANTS) - 1) and not skipped
    # items without an image get the plain prompt for every variant: identical requests are generated once
    assert s1.generated == 2 * 6 + 1
    n1b, s1b, _ = reason(Run(run.root), r1, PromptSet(), REASONER_DEFAULTS)
    assert s1b.generated == 0 and n1b == n1
    _, s2, _ = reason(Run(run.root), ScriptedEngine("reasoner-b"), PromptSet(), REASONER_DEFAULTS)
    assert s2.generated == s1.generated  # a new reasoner is called, the perceptor is not
    reasoners = {r["reasoner"]["model"] for r in Run(run.root).reasoning}
    assert reasoners == {"reasoner-a", "reasoner-b"}


def test_reasoner_sees_caption_and_solution(tmp_path, samples):
    run = Run(tmp_path / "run")
    _perceive(run, samples, ScriptedEngine("vlm", reply="TEXT-{last_word}"), variants=("qcap+sol",))
    reason(run, ScriptedEngine("llm"), PromptSet(), REASONER_DEFAULTS)
    gens = [g for g in run.generations.store if g["stage"] == "reason"]
    prompt = next(g["messages"][1]["text"] for g in gens if "What is 2+3?" in g["messages"][1]["text"])
    assert "### The detailed caption of the provided image: TEXT-question!" in prompt
    assert "### A tentaive model response.  TEXT-\\boxed{}." in prompt
    assert prompt.endswith("The final answer MUST BE put in \\boxed{}.")


def test_failed_requests_are_recorded_then_retried(tmp_path, samples):
    run = Run(tmp_path / "run")
    _, stats = _perceive(run, samples, ScriptedEngine("vlm", fail_on="Pick one."), variants=("sol",))
    assert stats.failed == 1 and stats.generated == 2
    assert any("mathvista/2 [sol]" in e for e in stats.errors)
    failed = [r for r in run.perception if r.get("error")]
    assert [r["sample_id"] for r in failed] == ["2"]
    # the same engine identity, now healthy (a server back up): only the failed call is made again
    run2 = Run(run.root)
    _, stats2 = _perceive(run2, samples, ScriptedEngine("vlm"), variants=("sol",))
    assert stats2.generated == 1 and stats2.reused == 2 and stats2.failed == 0
    assert not [r for r in run2.perception if r.get("error")]


def test_torn_last_line_is_repaired_and_recomputed(tmp_path, samples):
    run = Run(tmp_path / "run")
    _perceive(run, samples, variants=("sol",))
    gen = run.root / "generations.jsonl"
    data = gen.read_bytes()
    gen.write_bytes(data[: len(data) - 25])  # a crash mid-write of the last record
    run2 = Run(run.root)
    _, stats = _perceive(run2, samples, variants=("sol",))
    assert stats.generated == 1 and stats.reused == 2
    keys = [json.loads(line)["key"] for line in gen.read_text().splitlines()]
    assert len(keys) == len(set(keys)) == 3
