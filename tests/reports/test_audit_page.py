"""The audit page of a rescored prediction file (``rapid-eval rescore … --report DIR``): the data it is built from
(items, class counts, verdicts, extractions, full responses, images) on the bundled MathVision and LogicVista
files; the browser side is tests/reports/test_audit_page_browser.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

from testlib import FIXTURES, REPO

from rapid_eval.reports.audit_page import NO_CLASS, build_audit_page, page_data
from rapid_eval.rescore import rescore
from rapid_eval.rescore.audit import CLASSES

MATHVISION = REPO / "tests" / "data" / "mathvision"
LOGICVISTA = REPO / "tests" / "data" / "logicvista" / "answers" / "miniGPTvicuna7B-answers.json"


def _mathvision_result() -> dict:
    files = [MATHVISION / "Gemini-Pro.jsonl", MATHVISION / "Qwen-VL-Plus.jsonl"]
    return rescore("mathvision", files, data_dir=MATHVISION / "annotations", workers=0, items=True, context=True)


def _load_js(path: Path) -> list:
    """The arguments of the one loader call a data file makes (``AUDIT.index({...});``)."""
    text = path.read_text(encoding="utf-8")
    m = re.fullmatch(r"AUDIT\.\w+\((.*)\);\n", text, re.S)
    assert m, text[:200]
    return json.loads("[" + m.group(1).replace("<\\/", "</") + "]")


def test_page_data_matches_the_rescore_item_by_item(tmp_path: Path):
    result = _mathvision_result()
    index, details = page_data(result, {}, tmp_path)
    rows = index["rows"]
    assert len(rows) == len(details) == result.n == 16
    audit = result.audit
    assert audit is not None
    counts = {c["name"]: c for c in index["classes"]}
    for cls in CLASSES:  # the filter's counts are the --json audit's, class by class
        assert counts[cls]["items"] == audit.counts[cls], cls
        assert counts[cls]["differ"] == audit.differ_by_class[cls], cls
    assert counts["format"]["items"] == 1 and counts["stored_extraction_contradicts_response"]["items"] == 1
    assert counts[NO_CLASS]["items"] == 16 - sum(audit.counts[c] for c in CLASSES)
    assert sum(r["differ"] for r in rows) == audit.differ == 1

    by_id = {r["id"]: (r, d) for r, d in zip(rows, details, strict=True)}
    row, detail = by_id["3013"]  # Gemini-Pro's 4/3 against the gold \frac{4}{3}: stored wrong, ours right
    assert (row["cls"], row["differ"], row["stored"], row["ours"]) == ("format", True, 0, 1)
    assert row["stored_x"] == "4/3" and row["ours_x"] == "4/3" and row["by"].startswith("rule:mathvision")
    assert row["gold"] == "\\frac{4}{3}" and row["source"].endswith("Gemini-Pro.jsonl")
    stored = {}
    for f in ("Gemini-Pro.jsonl", "Qwen-VL-Plus.jsonl"):
        for line in (MATHVISION / f).read_text(encoding="utf-8").splitlines():
            stored[json.loads(line)["id"]] = json.loads(line)
    gold = {json.loads(x)["id"]: json.loads(x) for x in
            (MATHVISION / "annotations" / "mathvision" / "samples.jsonl").read_text(encoding="utf-8").splitlines()}
    for item_id, (row, detail) in by_id.items():  # the full response and the gold's question, for every item
        assert detail["response"] == stored[item_id]["response"], item_id
        assert gold[item_id]["question"].split("\n")[0] in detail["question"], item_id
        assert row["stored"] == int(stored[item_id]["correct"]), item_id
        assert detail["images"] == []  # the annotations ship no image files


def test_page_copies_the_items_images_from_the_data_dir(tmp_path: Path):
    result = rescore("logicvista", [LOGICVISTA], data_dir=FIXTURES, workers=0, items=True, context=True)
    page = build_audit_page(result, tmp_path / "site", data_dir=FIXTURES)
    assert page.name == "audit.html" and (page.parent / "audit.js").exists()
    [index] = _load_js(page.parent / "data" / "audit.js")
    _, details = _load_js(page.parent / "data" / "d-00000.js")
    assert [r["id"] for r in index["rows"]] == ["v1_2"]
    [src] = details[0]["images"]
    assert (page.parent / src).read_bytes() == (FIXTURES / "logicvista" / "images" / "v1_2.png").read_bytes()
    assert details[0]["response"] == json.loads(LOGICVISTA.read_text(encoding="utf-8"))["v1_2"]["answer"]

    bare = build_audit_page(result, tmp_path / "bare")  # no data dir: no images, the rest unchanged
    _, bare_details = _load_js(bare.parent / "data" / "d-00000.js")
    assert bare_details[0]["images"] == [] and not list((bare.parent / "img").iterdir())
    assert bare_details[0]["response"] == details[0]["response"]


def test_hostile_text_stays_data(tmp_path: Path):
    """A response that closes the script tag cannot end the data file's string early: ``</`` is escaped."""
    hostile = '</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2">'
    pred = tmp_path / "Evil.jsonl"
    pred.write_text(json.dumps({"id": "3013", "response": hostile + " The answer is 4/3.", "model_answer": "4/3",
                                "correct": False}) + "\n", encoding="utf-8")
    result = rescore("mathvision", [pred], data_dir=MATHVISION / "annotations", workers=0, items=True,
                     context=True)
    site = build_audit_page(result, tmp_path / "site").parent
    for f in (site / "data").iterdir():
        assert "</script" not in f.read_text(encoding="utf-8").lower(), f
    _, details = _load_js(site / "data" / "d-00000.js")
    assert details[0]["response"].startswith(hostile)
    js = (site / "audit.js").read_text(encoding="utf-8")  # and the page sets text, never markup
    assert not re.search(r"\.(innerHTML|outerHTML|insertAdjacentHTML)|document\.write", js)


def test_cli_rescore_report_leaves_the_items_file_as_documented(tmp_path: Path):
    from typer.testing import CliRunner

    from rapid_eval.cli import app

    items = tmp_path / "items.jsonl"
    res = CliRunner().invoke(app, ["rescore", "--benchmark", "logicvista", str(LOGICVISTA), "--data-dir",
                                   str(FIXTURES), "--items", str(items), "--report", str(tmp_path / "site"),
                                   "--json"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "site" / "audit.html").exists() and list((tmp_path / "site" / "img").iterdir())
    [row] = [json.loads(x) for x in items.read_text(encoding="utf-8").splitlines()]
    assert set(row) == {"id", "gold", "stored", "ours", "stored_extracted", "ours_extracted", "decided_by", "class",
                        "response", "source"}
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert "contexts" not in out and "items" not in out and out["audit"]["judge_inferred"] == 1
