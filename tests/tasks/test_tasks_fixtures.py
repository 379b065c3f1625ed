"""Every benchmark loads from the bundled fixtures (tasks/fixtures), with the documented field mapping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from testlib import FIXTURES

from rapid_eval.tasks import load_task, task_names
from rapid_eval.types import Sample

ANSWER_TYPES = {"choice", "multi_choice", "integer", "float", "text", "list"}


def _load(task: str, **kw):
    res = load_task(task, data_dir=FIXTURES, **kw)
    assert res.errors == []
    assert res.source == f"jsonl:{FIXTURES / task / 'samples.jsonl'}"
    return res.samples, {s.id: s for s in res.samples}


@pytest.mark.parametrize("task", task_names())
def test_every_fixture_loads_with_images_on_disk(task):
    samples, by_id = _load(task)
    assert samples and len(by_id) == len(samples)  # ids unique
    for s in samples:
        assert s.task == task and s.question.strip() and s.answer_type in ANSWER_TYPES
        assert s.images, f"{s.id} has no image"
        assert all(Path(p).is_absolute() and Path(p).is_file() for p in s.images)
        assert Sample.from_dict(json.loads(json.dumps(s.to_dict()))) == s  # plain JSON all the way down


def test_mathvista_choices_layout_and_types():
    samples, by_id = _load("mathvista")
    assert [s.id for s in samples] == ["106", "225", "540"]
    mc = by_id["540"]
    assert mc.question == (  # the official query (VLMEvalKit's TSV question, what RAPID sent)
        "Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\n"
        "Question: What fraction of the shape is blue?\nChoices:\n(A) 3/11\n(B) 8/11\n(C) 6/11\n(D) 3/5"
    )
    assert (mc.answer_type, mc.answer, mc.options) == ("choice", "3/11", ("3/11", "8/11", "6/11", "3/5"))
    assert mc.metadata["answer_letter"] == "A" and mc.metadata["answer_type"] == "text"
    assert (by_id["106"].answer_type, by_id["106"].answer) == ("integer", "0")
    assert by_id["225"].answer_type == "list" and by_id["225"].answer.startswith("[0, 2")
    assert by_id["106"].question == (
        "Hint: Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, "
        "at the end.\nQuestion: How many bars have values smaller than 1?"
    )
    assert by_id["106"].metadata["skills"] == ["statistical reasoning"]
    assert by_id["540"].images[0].endswith("mathvista/images/540.png")


def test_mathverse_vision_only_uses_query_wo():
    samples, _ = _load("mathverse")
    (s,) = samples
    assert s.id == "2200" and s.group == {"problem": "440", "version": "Vision Only"}
    assert s.question.startswith("According to the question shown in the image, please directly answer")
    assert (s.answer_type, s.answer, s.options) == ("multi_choice", "C\nD", ())
    assert s.images[0].endswith("images_version_6/image_440.png")


def test_mathverse_version_all_and_text_only():
    samples, by_id = _load("mathverse", options={"version": "all"})
    assert [s.group["version"] for s in samples] == [
        "Text Dominant",
        "Text Lite",
        "Vision Intensive",
        "Vision Dominant",
        "Vision Only",
    ]
    assert [s.id for s in samples] == ["2196", "2197", "2198", "2199", "2200"]
    lite = by_id["2197"]
    assert (
        lite.question.startswith("Which two of the following expressions") and "Choices:\nA:" in lite.question
    )
    assert lite.options[0] == r"$\tan (\pi+\theta)$" and len(lite.options) == 4
    assert lite.metadata["subject"] == "Plane Geometry" and lite.metadata["version"] == "Text Lite"
    text_only, _ = _load("mathverse", options={"version": "Text Only"})
    assert [(s.id, s.images) for s in text_only] == [("text_only_440", ())]
    single, _ = _load("mathverse", options={"version": "vision_dominant"})
    assert [s.id for s in single] == ["2199"]


def test_mathvision_options_appended_like_official_prompt():
    _, by_id = _load("mathvision", options={"prompt": "official"})
    mc = by_id["1831"]
    assert mc.answer_type == "choice" and len(mc.options) == 5
    assert mc.question.endswith(
        "\n(A) $\\sqrt{2}-1$\n(B) $\\frac{\\sqrt{2}}{2}$\n(C) $\\frac{\\sqrt{2}+1}{2}$\n"
        "(D) $\\sqrt{2}+1$\n(E) $\\sqrt{3}-\\sqrt{2}$"
    )
    letters_only = by_id["621"]  # options are the bare letters: nothing appended
    assert letters_only.options == ("A", "B", "C", "D", "E") and letters_only.question.endswith("<image1>")
    free = by_id["1399"]
    assert (free.answer_type, free.answer, free.options) == ("integer", "5", ())
    assert free.metadata["subject"] and free.metadata["level"] in range(1, 6)


def test_wemath_group_ids_and_mcq_prompt():
    samples, by_id = _load("wemath")
    assert [s.id for s in samples] == ["2steps_48_1", "2steps_48_2", "2steps_48_multi"]
    assert [s.group for s in samples] == [
        {"ID": "2steps_48", "key": f"2steps_{k}"} for k in ("1", "2", "multi")
    ]
    assert samples[0].question == (
        "Question: To get from point A to point B, in which direction should you go?\nOptions:\n"
        "A. Northeast\nB. North-South\nC. Northwest\nD. North\nE. No correct answer\n"
        "Please select the correct answer from the options above."
    )
    multi = by_id["2steps_48_multi"]  # official option string carries stray ";C." inside options
    assert multi.options == (
        "First head northeast to B, then north to ;C.",
        "First head northwest to B, then west to ;C.",
        "First head southeast to B, then west to ;C.",
        "No correct answer",
    )
    assert multi.answer_type == "choice" and multi.metadata["steps"] == 2


def test_dynamath_whole_seed_with_variants():
    samples, _ = _load("dynamath")
    assert [s.id for s in samples] == [f"29-v{k}" for k in range(1, 11)]
    assert [s.group for s in samples] == [{"seed": "29", "variant": str(k)} for k in range(1, 11)]
    assert len({s.images[0] for s in samples}) == 10 and samples[9].images[0].endswith(
        "variant10/image/image29.png"
    )
    s = samples[0]
    assert (
        s.question == "Is the number of square even or odd? choice: (A) even (B) odd"
    )  # raw, no JSON instruction
    assert (s.answer_type, s.options, s.metadata["level"]) == ("choice", ("even", "odd"), "elementary school")


def test_logicvista_letter_sets():
    _, by_id = _load("logicvista")
    assert set(by_id) == {"v1_2", "v1_196", "v1_241"}
    assert (by_id["v1_2"].answer, by_id["v1_2"].answer_type) == ("B, D", "multi_choice")
    assert by_id["v1_196"].answer_type == "choice" and by_id["v1_2"].metadata["skill"] == ["inductive"]


def test_mmmu_ids_images_and_prompt():
    samples, by_id = _load("mmmu")
    assert [s.id for s in samples] == ["validation_Energy_and_Power_2", "test_Music_251"]
    music = by_id["test_Music_251"]
    assert [Path(p).name for p in music.images] == [f"test_Music_251_{k}.png" for k in range(1, 6)]
    assert music.options == ("<image 4>", "<image 2>", "<image 5>", "<image 3>")
    assert music.question == (
        "Question: <image 1> is a substitution for how many parts of the basic division?\nOptions:\n"
        "A. <image 4>\nB. <image 2>\nC. <image 5>\nD. <image 3>\n"
        "Please select the correct answer from the options above."
    )
    energy = by_id["validation_Energy_and_Power_2"]
    assert energy.metadata["subject"] == "Energy_and_Power" and energy.metadata["origin"] == "validation"
    assert (energy.answer, energy.answer_type, len(energy.options)) == ("D", "choice", 10)


def test_realworldqa_synthetic_items():
    samples, by_id = _load("realworldqa")
    assert list(by_id) == ["0", "1"] and all(s.metadata == {"synthetic": True} for s in samples)
    assert (by_id["0"].answer_type, by_id["0"].answer) == ("integer", "3")
    assert by_id["1"].answer_type == "choice" and by_id["1"].options == ("Left", "Right", "Up")
    assert by_id["1"].question.endswith("only the letter of the correct option and nothing else.")
