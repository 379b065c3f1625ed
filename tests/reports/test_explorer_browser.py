"""The static explorer in headless Chromium (Debian's chromium + chromium-driver, driven by selenium): it loads
with no console error, a filter changes the visible rows, a row opens its trace, the screenshot is not blank."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


def _driver():
    webdriver = pytest.importorskip("selenium.webdriver")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_bin = shutil.which("chromedriver")
    if not chromium or not driver_bin:
        pytest.skip("Chromium or chromedriver not installed (.ci/run installs Debian's chromium, chromium-driver)")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,900", "--allow-file-access-from-files"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver_bin), options=opts)


def _visible_rows(driver) -> int:
    from selenium.webdriver.common.by import By

    return len(driver.find_elements(By.CSS_SELECTOR, "#rows tbody tr.item"))


def test_explorer_in_headless_chromium(scripted_run: Path, tmp_path: Path):
    from PIL import Image
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from rapid_eval.reports.build import BootOptions
    from rapid_eval.reports.explorer import build_explorer
    from rapid_eval.reports.summary import summary_html

    out = tmp_path / "site"
    index = build_explorer([scripted_run], out, summary_html([scripted_run], out, BootOptions(50)))
    driver = _driver()
    try:
        driver.get(index.as_uri())
        WebDriverWait(driver, 10).until(lambda d: _visible_rows(d) > 0)
        n = len((scripted_run / "verdicts.jsonl").read_text().splitlines())
        assert driver.find_element(By.ID, "count").text == f"{n} of {n} answers"
        before = _visible_rows(driver)
        Select(driver.find_element(By.ID, "f-variant")).select_by_visible_text("direct")
        WebDriverWait(driver, 5).until(lambda d: _visible_rows(d) != before)
        after = _visible_rows(driver)
        assert 0 < after < before
        cells = driver.find_elements(By.CSS_SELECTOR, "#rows tbody tr.item td:nth-child(3)")
        assert cells and all(td.text == "direct" for td in cells)
        Select(driver.find_element(By.ID, "f-variant")).select_by_visible_text("none")
        Select(driver.find_element(By.ID, "f-reasoner")).select_by_visible_text("llmA")
        driver.find_element(By.CSS_SELECTOR, "#rows tbody tr.item").click()
        WebDriverWait(driver, 5).until(lambda d: d.find_elements(By.CSS_SELECTOR, "tr.detail"))
        detail = driver.find_element(By.CSS_SELECTOR, "tr.detail").get_attribute("textContent")
        assert "reasoning trace" in detail and "Let me see." in detail and "gold answer" in detail
        assert "decided by" in detail
        shot = tmp_path / "shot.png"
        driver.save_screenshot(str(shot))
        logs = driver.get_log("browser")
        driver.get((out / "summary.html").as_uri())
        WebDriverWait(driver, 5).until(lambda d: d.find_elements(By.CSS_SELECTOR, "table.report"))
        logs += driver.get_log("browser")
    finally:
        driver.quit()
    errors = [e for e in logs if e["level"] in ("SEVERE", "ERROR")]
    assert not errors, errors
    img = Image.open(shot).convert("L")
    hist = img.histogram()
    assert max(hist) < 0.97 * sum(hist), "screenshot is (nearly) one colour"
    assert sum(hist[:128]) > 500, "no dark pixels (text) in the screenshot"
