"""How the static explorer copes with a big run: build a run of ~N answers with the scripted engine (the bundled
items cloned under new ids), then time ``build_explorer``, the page's first rows and a filter change in headless
Chromium (selenium + Debian's chromium-driver).

    python bench/bench_explorer.py [N=50000] [WORKDIR]
"""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path


def make_run(root: Path, n_answers: int) -> Path:
    import rapid_eval as rapid
    from rapid_eval.paths import fixtures_dir
    from rapid_eval.perception import VARIANTS
    from rapid_eval.tasks import task_names

    base = rapid.load_tasks([t for t in task_names() if (fixtures_dir() / t / "samples.jsonl").exists()],
                            data_dir=fixtures_dir())
    copies = max(1, n_answers // (len(VARIANTS) * len(base)))
    samples = [dataclasses.replace(s, id=f"{s.id}~{k}", group={kk: v if kk in ("key", "variant", "version")
                                                               else f"{v}~{k}" for kk, v in s.group.items()})
               for k in range(copies) for s in base]  # each copy its own cluster (DynaMath seed, WeMath problem)
    with rapid.load_engine("scripted", "vlm", reply="A red figure. So \\boxed{A}.") as vlm:
        rapid.perceive(samples, vlm, list(VARIANTS), root)
    with rapid.load_engine("scripted", "llm", reply="<think>Reasoning about {last_word}.</think>\\boxed{A}") as llm:
        rapid.reason(root, llm)
    rapid.score(root, workers=2)
    return root


def browser_times(index: Path) -> dict[str, float]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    opts = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    try:
        t0 = time.perf_counter()
        driver.get(index.as_uri())
        WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#rows tbody tr.item"))
        first = time.perf_counter() - t0
        before = driver.find_element(By.ID, "count").text
        t0 = time.perf_counter()
        Select(driver.find_element(By.ID, "f-variant")).select_by_visible_text("direct")
        WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "count").text != before)
        filt = time.perf_counter() - t0
        t0 = time.perf_counter()
        driver.find_element(By.CSS_SELECTOR, "#rows tbody tr.item").click()
        WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "tr.detail"))
        opened = time.perf_counter() - t0
    finally:
        driver.quit()
    return {"first_rows_s": first, "filter_s": filt, "open_row_s": opened}


def main() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
    work = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp(prefix="bench-explorer-"))
    from rapid_eval.reports.explorer import build_explorer

    t0 = time.perf_counter()
    run = make_run(work / "run", n)
    made = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = build_explorer([run], work / "site")
    built = time.perf_counter() - t0
    answers = len((run / "verdicts.jsonl").read_text().splitlines())
    size = sum(f.stat().st_size for f in (work / "site").rglob("*") if f.is_file())
    idx = (work / "site" / "data" / "index.js").stat().st_size
    print(f"answers {answers}; run made in {made:.1f}s; explorer built in {built:.1f}s; site {size / 1e6:.1f} MB "
          f"(index {idx / 1e6:.2f} MB)")
    print("chromium:", {k: round(v, 2) for k, v in browser_times(index).items()})


if __name__ == "__main__":
    main()
