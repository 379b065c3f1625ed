"""The question text ({q}) of MathVista and MathVision, the per-task prompt_type, and their error paths."""

from __future__ import annotations

import json
import shutil

import pytest
from testlib import FIXTURES, shared_path

from rapid_eval.prompts import VQA_SUFFIX, question_vars
from rapid_eval.tasks import TaskError, load_task, task_names
from rapid_eval.tasks.spec import load_spec
from rapid_eval.types import Sample

HINT_FREE = "Hint: Please answer the question and provide the final answer at the end.\nQuestion: "
HINT_MC = "Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\n"


def _by_id(task, data_dir=FIXTURES, **options):
    res = load_task(task, data_dir=data_dir, options=options or None)
    assert res.errors == []
    return {s.id: s for s in res.samples}


def test_prompt_type_of_every_task():
    kinds = {name: load_spec(name).prompt_type for name in task_names()}
    assert kinds == {
        "mathvista": "vqa", "mathvision": "vqa", "mathverse": "vqa", "dynamath": "vqa", "logicvista": "vqa",
        "wemath": "mcq", "mmmu": "mcq", "realworldqa": "mcq",
    }


def test_question_vars_vqa_keeps_newline_mcq_untouched():
    vqa = Sample(id="1", task="dynamath", question="How many?", answer="3")
    assert question_vars(vqa) == {"question": "How many?", "prompt": "How many?" + VQA_SUFFIX, "problem": "How many?\n"}
    mcq = Sample(id="1", task="wemath", question="Question: Which?\nOptions:\nA. x", answer="A")
    assert set(question_vars(mcq).values()) == {mcq.question}


def test_render_with_question_only_is_suffix_free():
    """Callers that pass only `question` (the trainer's training-data prompts) get the text without any suffix."""
    from rapid_eval.prompts import PromptSet

    prompts = PromptSet()
    assert prompts.render("qcap", question="How many?") == (
        "Question: How many?\nPlease describe the image. DO NOT try to answer the question!"
    )
    assert prompts.render("sol", question="How many?").startswith("How many? Please think step by step.")


def test_mathvista_question_is_official_query_options_kept():
    rows = {r["pid"]: r for r in map(json.loads, (FIXTURES / "mathvista" / "samples.jsonl").read_text().splitlines())}
    by_id = _by_id("mathvista")
    assert {sid: s.question for sid, s in by_id.items()} == {pid: r["query"] for pid, r in rows.items()}
    assert by_id["540"].options == ("3/11", "8/11", "6/11", "3/5")  # still there for scoring


def test_mathvista_row_without_query_is_refused(tmp_path):
    shutil.copytree(FIXTURES / "mathvista", tmp_path / "mathvista")
    path = tmp_path / "mathvista" / "samples.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    rows[1].pop("query")
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    res = load_task("mathvista", data_dir=tmp_path)
    assert [s.id for s in res.samples] == ["106", "540"]
    assert res.errors == [f"{path}:2: sample 225: missing field 'query'"]


def test_mathvision_vlmevalkit_wording_default():
    by_id = _by_id("mathvision")
    free, mc, letters = by_id["1399"], by_id["1831"], by_id["621"]
    assert free.question.startswith(HINT_FREE + "Peter wants to colour") and free.question.endswith("?\n<image1>")
    assert mc.question == (
        HINT_MC + "Question: Two squares with side 1 have a common vertex, and the edge of one of them lies along the "
        "diagonal of the other. What is the area of the overlap between the squares? <image1>\nChoices:\n"
        "(A) $\\sqrt{2}-1$\n(B) $\\frac{\\sqrt{2}}{2}$\n(C) $\\frac{\\sqrt{2}+1}{2}$\n(D) $\\sqrt{2}+1$\n"
        "(E) $\\sqrt{3}-\\sqrt{2}$"
    )
    assert letters.question.startswith(HINT_MC + "Question: John paints")
    assert letters.question.endswith("<image1>\nChoices:\n(A) A\n(B) B\n(C) C\n(D) D\n(E) E")
    assert letters.options == ("A", "B", "C", "D", "E") and mc.answer_type == "choice"


def test_mathvision_undetermined_points_are_options():
    omit = _by_id("mathvision", letter_choices="omit")
    assert omit["621"].question.endswith("\\end{tabular}\n<image1>")  # no Choices block for bare letters
    assert omit["1831"].question.endswith("(E) $\\sqrt{3}-\\sqrt{2}$")  # real option texts are still listed
    strip = _by_id("mathvision", image_tags="strip")
    assert strip["1831"].question.startswith(HINT_MC + "Question: Two squares")
    assert "<image" not in strip["1831"].question and "between the squares?\nChoices:\n(A)" in strip["1831"].question
    assert strip["1399"].question.endswith("achieve this?")
    with pytest.raises(TaskError, match="bad value 'drop' for option 'image_tags'"):
        load_task("mathvision", data_dir=FIXTURES, options={"image_tags": "drop"})


def test_prompt_type_required_in_yaml(tmp_path, monkeypatch):
    home = tmp_path / "home"
    shutil.copytree(FIXTURES.parent, home / "tasks", ignore=shutil.ignore_patterns("fixtures"))
    text = (home / "tasks" / "wemath.yaml").read_text()
    (home / "tasks" / "wemath.yaml").write_text(text.replace("prompt_type: mcq", "prompt_type: vqa-ish"))
    lines = [ln for ln in (home / "tasks" / "mmmu.yaml").read_text().splitlines() if not ln.startswith("prompt_type")]
    (home / "tasks" / "mmmu.yaml").write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("RAPID_EVAL_HOME", str(home))
    load_spec.cache_clear()
    try:
        with pytest.raises(TaskError, match=r"wemath.yaml: malformed task spec .*'vqa-ish' is not one of vqa, mcq"):
            load_spec("wemath")
        with pytest.raises(TaskError, match=r"mmmu.yaml: malformed task spec \(KeyError: 'prompt_type'\)"):
            load_spec("mmmu")
    finally:
        load_spec.cache_clear()


def test_dev_rows_mathvista_query_and_mathvision_hints():
    """All 100 MathVista and 50 MathVision development rows (../shared): the same rules hold on every row."""
    dev = shared_path("benchmarks", "dev")
    vista_rows = [json.loads(x) for x in (dev / "mathvista" / "samples.jsonl").read_text().splitlines()]
    vista = load_task("mathvista", data_dir=dev)
    assert len(vista.samples) + len(vista.errors) == len(vista_rows)
    queries = {r["pid"]: r["query"] for r in vista_rows}
    assert vista.samples and all(s.question == queries[s.id] for s in vista.samples)
    assert {s.id: s for s in vista.samples}["27"].question == (  # the item quoted in issue 14
        "Hint: Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, "
        "at the end.\nQuestion: What is the age gap between these two people in image? (Unit: years)"
    )
    vision = load_task("mathvision", data_dir=dev)
    assert len(vision.samples) >= 40
    for s in vision.samples:
        assert s.question.startswith(HINT_MC + "Question: " if s.options else HINT_FREE), s.id
        assert ("\nChoices:\n(A) " in s.question) == bool(s.options), s.id


def test_samples_of_a_task_without_yaml_keep_their_question_as_it_is():
    """Data built in Python (benches, notebooks, the trainer's own rows) has no task YAML: no VQA suffix."""
    s = Sample(id="1", task="my-own-data", question="What is 2+3?", answer="5", answer_type="integer")
    assert question_vars(s) == {"question": "What is 2+3?", "prompt": "What is 2+3?", "problem": "What is 2+3?"}
