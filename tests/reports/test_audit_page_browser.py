"""The audit page (``rapid-eval rescore … --report DIR``) in headless Chromium: the class filter and the
"only disagreements" toggle show exactly the items of the rescore that belong there, an opened item shows its
question, gold, full response and both verdicts, a hostile response stays text, an item's image loads."""

from __future__ import annotations

import json
from pathlib import Path

from test_audit_page import LOGICVISTA, MATHVISION
from test_explorer_browser import _driver
from testlib import FIXTURES

from rapid_eval.reports.audit_page import build_audit_page
from rapid_eval.rescore import rescore

HOSTILE = '<img src=x onerror="window.pwned=1"></script><script>window.pwned=2</script>'


def _visible_ids(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#rows tbody tr.item td:first-child")]


def _open(driver, item_id: str) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    [row] = [tr for tr in driver.find_elements(By.CSS_SELECTOR, "#rows tbody tr.item")
             if tr.find_element(By.CSS_SELECTOR, "td").text == item_id]
    row.click()
    WebDriverWait(driver, 5).until(lambda d: d.find_elements(By.CSS_SELECTOR, "tr.detail"))
    return driver.find_element(By.CSS_SELECTOR, "tr.detail").get_attribute("textContent")


def test_audit_page_in_headless_chromium(tmp_path: Path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    evil = tmp_path / "Evil.jsonl"  # one more item (id 390, gold B), its response hostile markup
    evil.write_text(json.dumps({"id": "390", "response": HOSTILE + " The answer is B.", "model_answer": "B",
                                "correct": False}) + "\n", encoding="utf-8")
    files = [MATHVISION / "Gemini-Pro.jsonl", MATHVISION / "Qwen-VL-Plus.jsonl", evil]
    result = rescore("mathvision", files, data_dir=MATHVISION / "annotations", workers=0, items=True, context=True)
    page = build_audit_page(result, tmp_path / "site")
    items = result.items or []
    of_class = {c: {str(r.id) for r in items if r.cls == c}
                for c in ("format", "stored_extraction_contradicts_response")}
    differ = {str(r.id) for r in items if r.stored is not None and bool(r.stored) != bool(r.ours)}
    assert of_class["format"] and of_class["stored_extraction_contradicts_response"] and {"3013", "390"} <= differ

    lv_result = rescore("logicvista", [LOGICVISTA], data_dir=FIXTURES, workers=0, items=True, context=True)
    lv_page = build_audit_page(lv_result, tmp_path / "lv", data_dir=FIXTURES)

    driver = _driver()
    try:
        driver.get(page.as_uri())
        WebDriverWait(driver, 10).until(lambda d: _visible_ids(d))
        assert sorted(_visible_ids(driver)) == sorted(str(r.id) for r in items)
        assert driver.find_element(By.ID, "count").text == f"{len(items)} of {len(items)} items"
        assert "audit (" in driver.find_element(By.ID, "summary").text
        select = Select(driver.find_element(By.ID, "f-class"))
        for cls, ids in of_class.items():
            select.select_by_value(cls)
            assert set(_visible_ids(driver)) == ids, cls
            assert f"{cls} ({len(ids)} items" in select.first_selected_option.text
        select.select_by_value("")
        driver.find_element(By.ID, "f-differ").click()
        assert set(_visible_ids(driver)) == differ
        select.select_by_value("format")  # both filters at once
        assert set(_visible_ids(driver)) == of_class["format"] & differ

        detail = _open(driver, "3013")
        assert "The answer is 4/3." in detail and "gold answer: \\frac{4}{3}" in detail
        assert "file's verdict: wrong · file's extraction: 4/3" in detail
        assert "rapid-eval's verdict: right · extracted: 4/3 · decided by: rule:mathvision" in detail
        assert "class: format" in detail and "question" in detail

        select.select_by_value("")
        detail = _open(driver, "390")
        assert HOSTILE in detail  # shown as text ...
        assert driver.execute_script("return window.pwned === undefined")  # ... never run
        assert not driver.find_elements(By.CSS_SELECTOR, "img[src='x']")
        logs = driver.get_log("browser")

        driver.get(lv_page.as_uri())
        WebDriverWait(driver, 10).until(lambda d: _visible_ids(d) == ["v1_2"])
        _open(driver, "v1_2")
        WebDriverWait(driver, 5).until(lambda d: d.execute_script(
            "var i = document.querySelector('tr.detail img'); return i && i.complete && i.naturalWidth > 0"))
        logs += driver.get_log("browser")
    finally:
        driver.quit()
    errors = [e for e in logs if e["level"] in ("SEVERE", "ERROR")]
    assert not errors, errors
