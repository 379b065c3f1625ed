"""rescore's audit: per-item rows (--items), disagreement classes, coverage, LogicVista answers + results CSV."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from testlib import shared_path

from rapid_eval.rescore import rescore
from rapid_eval.rescore.audit import classify, is_empty, norm, states
from rapid_eval.rescore.coverage import coverage, documented_size

DATA = Path(__file__).parents[1] / "data"
LV = DATA / "logicvista"
MATHVISTA = DATA / "mathvista" / "output_gpt4_2shot_code_slice.json"


@pytest.mark.parametrize(("value", "empty"), [
    (None, True), ("", True), ("  ", True), (["zzzzz"], True), ("ZZZZZ", True), ("Z", True), ("[]", True),
    ("Failed to obtain answer via API.", True), ("Sorry, I cannot provide an answer.", True), ("N/A", True),
    ("A", False), (["b"], False), ("0", False), ("No", False), ("none of the above", False),
])
def test_is_empty(value, empty):
    assert is_empty(value) is empty


@pytest.mark.parametrize(("a", "b", "options", "same"), [
    (["b", "a"], "A, B", (), True),
    ("['a', 'b', 'c', 'e']", "B", (), False),
    ("(B)", "b", (), True),
    ("B", "No", ("Yes", "No"), True),
    ("$2\\pi$", "2π", (), True),
    ("0.50", "0.5", (), True),
    ("\\frac{1}{2}", "1/2", (), True),
    ("30^\\circ", "30°", (), True),
    ("C", "145°", ("135°", "140°", "145°"), True),
    ("3", "5", (), False),
])
def test_norm_makes_formatting_equal(a, b, options, same):
    assert (norm(a, options) == norm(b, options)) is same


@pytest.mark.parametrize(("response", "answer", "options", "stated"), [
    ("The answer is **B**.", "B", (), True),
    ("(A) Yes", "A", ("Yes", "No"), True),
    ("So the answer is no, there are not fewer.", "B", ("Yes", "No"), True),
    ("1. B", ["b"], (), True),
    ("A and B are both shapes", ["a"], (), False),  # an article-like capital is no statement
    ("Diagram C shows four cats", ["b", "c"], (), False),
    ("The total is 250 grams.", "250", (), True),
    ("The total is 2500 grams.", "250", (), False),
])
def test_states(response, answer, options, stated):
    assert states(response, answer, options) is stated


def _c(**kw):
    base = dict(stored=False, ours=False, stored_answer="A", has_stored_answer=True, ours_answer="A",
                ours_found=True, gold="B", ours_flags=(), options=(), response="")
    return classify(**{**base, **kw})


@pytest.mark.parametrize(("kw", "expected"), [
    ({}, None),  # same answer, same verdict: nothing to report
    ({"stored": None}, None),  # the file stores no verdict
    ({"ours": None}, "ours_unsure"),
    ({"ours": True, "ours_flags": ("truncated",)}, "ours_unsure"),
    ({"stored_answer": ""}, "stored_extraction_empty"),  # InternVL2-1B: empty extraction, response "(A) Yes"
    ({"stored_answer": ["zzzzz"], "ours": True, "ours_answer": "B"}, "stored_extraction_empty"),  # "G" -> ZZZZZ
    ({"stored_answer": "", "ours_found": False, "ours_answer": None}, None),  # neither side finds an answer
    ({"ours_found": False, "ours_answer": None, "response": "I think it is a cat"}, "judge_inferred"),
    ({"ours_found": False, "ours_answer": None, "response": "The answer is (A)."}, "ours_unsure"),
    ({"stored": True, "ours": False, "stored_answer": "$2\\pi$", "ours_answer": "2π", "gold": "$2\\pi$"}, "format"),
    ({"stored": False, "ours": True, "stored_answer": "2π", "ours_answer": "2\\pi", "gold": "2\\pi"}, "format"),
    ({"stored_answer": "['a', 'b', 'c', 'e']", "ours_answer": "B", "ours": True},  # GPT-4 on "**B**"
     "stored_extraction_contradicts_response"),
    ({"stored_answer": "C", "ours_answer": "A"}, "stored_extraction_contradicts_response"),  # both wrong, differ
    ({"has_stored_answer": False, "stored_answer": None, "ours": True}, "other"),
])
def test_classify(kw, expected):
    assert _c(**kw) == expected


@pytest.mark.parametrize(("ids", "full", "size", "expected"), [
    (["a", "b", "b", "c"], None, 10, {"items": 3, "rows": 4, "duplicates": 1, "expected": 10, "missing": 7}),
    (["a", "b"], {"a", "b", "c"}, 99, {"items": 2, "duplicates": 0, "expected": 3, "missing": 1}),
    (["a", "x"], {"a", "b"}, None, {"items": 2, "expected": 2, "missing": 1, "unknown": 1}),
    (["a"] * 3, None, None, {"items": 1, "duplicates": 2, "expected": None}),
])
def test_coverage(ids, full, size, expected):
    cov = coverage(ids, full_ids=full, expected_size=size)
    assert {k: getattr(cov, k) for k in expected} == expected


def test_documented_size_picks_a_larger_split_only_when_needed():
    assert documented_size(788, {"all": 3940}, 788)[0] == 788
    assert documented_size(788, {"all": 3940}, 3940)[0] == 3940
    assert documented_size(900, {}, 1050)[0] == 900


def test_answers_with_their_results_csv_take_the_csv_headline(tmp_path):
    """miniGPTvicuna7B (first 20 items): given together, the CSV's match? is the headline and its claim is shown;
    the items where GPT-4's letters contradict or miss the response are listed."""
    answers = LV / "answers" / "miniGPTvicuna7B-answers.json"
    csv = LV / "results" / "miniGPTvicuna7B-accuracy-results.csv"
    alone = rescore("logicvista", [answers], workers=0)  # found beside it in ../results
    together = rescore("logicvista", [answers, csv], workers=0, items=True)
    for r in (alone, together):
        assert r.n == 20 and r.headline == "verdicts stored in the file"
        assert r.correct == r.claimed["correct"] == 2 and r.claimed["file"] == csv.name
    assert together.judge_free is not None
    assert together.judge_free.correct == 0  # the rule reads no right answer in these 20 responses
    items = {it.id: it for it in together.items or []}
    assert len(items) == 20
    # v1_0: the response hedges over all four letters; GPT-4's extraction is ZZZZZ (none)
    assert items["v1_0"].cls == "stored_extraction_empty" and items["v1_0"].stored_extracted == ["zzzzz"]
    # v1_5: GPT-4 read c, d; the response concludes d
    assert items["v1_5"].cls == "stored_extraction_contradicts_response"
    # v1_12: "1. B" -> stored b (correct); our rule reads no answer there
    assert (items["v1_12"].stored, items["v1_12"].ours) == (True, False)
    audit, cov = together.audit, together.coverage
    assert audit is not None and cov is not None
    assert audit.differ == 2
    assert audit.counts["stored_extraction_contradicts_response"] >= 1
    assert "v1_5" in audit.examples["stored_extraction_contradicts_response"]
    assert cov.items == 20 and cov.expected == 448


def test_items_file_has_one_line_per_item(tmp_path):
    out = tmp_path / "items.jsonl"
    proc = subprocess.run([sys.executable, "-m", "rapid_eval.cli", "rescore", "--benchmark", "mathvista",
                           str(MATHVISTA), "--items", str(out), "--json"], capture_output=True, text=True,
                          check=True)
    result = json.loads(proc.stdout)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == result["n"] == 20 and "items" not in result
    assert {"id", "gold", "stored", "ours", "stored_extracted", "ours_extracted", "decided_by", "class",
            "response"} <= set(rows[0])
    stored = json.loads(MATHVISTA.read_text())
    for row in rows:
        assert row["stored"] == stored[row["id"]]["true_false"]
        assert row["stored_extracted"] == stored[row["id"]]["extraction"]
    assert result["coverage"] == {**result["coverage"], "items": 20, "expected": 1000, "missing": 980}
    assert "audit" in result and result["audit"]["items"] == 20


def test_blanked_extractions_are_counted_as_empty(tmp_path):
    """The InternVL2-1B case on real records: an empty stored extraction where the response states an answer."""
    data = json.loads(MATHVISTA.read_text())
    before = rescore("mathvista", [MATHVISTA], workers=0, items=True)
    stated = [it.id for it in before.items or [] if it.ours_extracted]
    assert len(stated) >= 5
    for pid in stated:
        data[pid]["extraction"] = ""
    blank = tmp_path / "output_blanked.json"
    blank.write_text(json.dumps(data))
    after = rescore("mathvista", [blank], workers=0)
    assert before.audit is not None and after.audit is not None
    assert before.audit.counts["stored_extraction_empty"] == 0
    assert after.audit.counts["stored_extraction_empty"] == len(stated)


def test_partial_file_shows_its_coverage_beside_the_claim():
    from rapid_eval.rescore.result import summary_lines

    lines = summary_lines(rescore("logicvista", [LV / "results" / "LLAVA13B-accuracy-results.csv"], workers=0))
    assert any(line.startswith("partial file: covers 20 of 448 items (428 missing") for line in lines), lines


def test_coverage_against_the_full_id_set_of_the_gold():
    r = rescore("mathvision", [DATA / "mathvision" / "Gemini-Pro.jsonl"], data_dir=DATA / "mathvision" / "annotations",
                workers=0)
    cov = r.coverage
    assert cov is not None and cov.expected_from.startswith("full id set") and cov.expected is not None
    assert cov.items == r.n and cov.missing == cov.expected - r.n


@pytest.mark.parametrize("model", ["miniGPTvicuna7B", "BLIP2", "LLAVA13B"])
def test_real_answers_files_audit_against_their_results_csv(model):
    path = shared_path("benchmarks", "predictions", "logicvista", "answers", f"{model}-answers.json")
    r = rescore("logicvista", [path], workers=0, items=True)
    assert r.headline == "verdicts stored in the file" and r.score == r.claimed["score"]
    assert r.items is not None and r.coverage is not None and r.audit is not None and r.stored is not None
    assert len(r.items) == 448 and r.coverage.complete
    differ = [it for it in r.items if it.stored != it.ours]
    assert len(differ) == r.audit.differ == r.stored.differ
    assert all(it.cls for it in differ)  # every disagreement gets a class


def test_real_mathvista_file_every_disagreement_is_classified():
    path = shared_path("benchmarks", "predictions", "mathvista", "lupantech_MathVista", "bard", "output_bard.json")
    r = rescore("mathvista", [path], workers=0, items=True)
    assert r.items is not None and r.audit is not None
    differ = [it for it in r.items if it.stored is not None and it.stored != it.ours]
    assert differ and all(it.cls for it in differ)
    assert sum(r.audit.differ_by_class.values()) == len(differ)


def test_answers_and_a_results_csv_from_elsewhere_are_paired(tmp_path):
    """The model's CSV is not beside the answers (only another model's, which gives the gold): given together on
    the command line they are still one set of 20 items, not 40."""
    (tmp_path / "answers").mkdir()
    (tmp_path / "results").mkdir()
    answers = tmp_path / "answers" / "miniGPTvicuna7B-answers.json"
    answers.write_text((LV / "answers" / "miniGPTvicuna7B-answers.json").read_text())
    other = LV / "results" / "LLAVA13B-accuracy-results.csv"
    (tmp_path / "results" / other.name).write_text(other.read_text())
    csv = LV / "results" / "miniGPTvicuna7B-accuracy-results.csv"
    assert rescore("logicvista", [answers], workers=0).headline == "rule on the responses"
    r = rescore("logicvista", [answers, csv], workers=0)
    assert r.n == 20 and r.correct == 2 and r.headline == "verdicts stored in the file"
    assert "+" in r.format


def test_sliced_judged_file_says_it_is_partial_beside_its_claim():
    """The bundled 14-item slice of a VLMEvalKit LogicVista file whose _score.csv claims 46.76 over all items."""
    from rapid_eval.rescore.result import summary_lines

    r = rescore("logicvista", [DATA / "vlmevalkit" / "Qwen2.5-VL-7B-Instruct_LogicVista_gpt4o-mini.csv"], workers=0)
    assert r.claimed["score"] == pytest.approx(46.76, abs=0.01) and r.n == 14
    assert r.coverage is not None and r.coverage.items == 14 and r.coverage.missing == 448 - 14
    lines = summary_lines(r)
    claim = next(i for i, line in enumerate(lines) if line.startswith("claimed:"))
    assert lines[claim + 1].startswith("partial file: covers 14 of 448 items")


def test_empty_judge_extraction_in_a_judged_file_is_reported(tmp_path):
    """A VLMEvalKit judged MathVista row whose res cell is empty: the judge failed while the response answers."""
    import csv

    src = DATA / "vlmevalkit" / "Qwen2.5-VL-7B-Instruct_MathVista_MINI_gpt-4o-mini.csv"
    with open(src, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    before = rescore("mathvista", [src], workers=0, items=True)
    answered = next(it.id for it in before.items or [] if it.ours_extracted)
    for row in rows:
        if row["index"] == answered:
            row["res"] = ""
    out = tmp_path / src.name
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    after = rescore("mathvista", [out], workers=0, items=True)
    assert before.audit is not None and after.audit is not None
    assert after.audit.counts["stored_extraction_empty"] == before.audit.counts["stored_extraction_empty"] + 1
    assert answered in after.audit.examples["stored_extraction_empty"]
