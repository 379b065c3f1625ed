"""The terminal summary says what a headline leaves out: answers vs groups (†), a headline split (†), and cells
where the benchmark's official random pick decided answers (*)."""

from __future__ import annotations

from rich.console import Console
from testlib import FIXTURES

import rapid_eval
from rapid_eval.reports.tables import summary_tables


def _render(rows) -> str:
    console = Console(width=200, record=True)
    for table in summary_tables(rows):
        console.print(table)
    return " ".join(console.export_text().split())  # captions wrap to the table's width


def test_groups_splits_and_random_picks_are_marked_and_explained(tmp_path):
    run = tmp_path / "run"
    with rapid_eval.load_engine("scripted", "vlm") as vlm:
        rapid_eval.perceive(rapid_eval.load_tasks("mmmu,wemath", data_dir=FIXTURES), vlm, "cap", run)
    with rapid_eval.load_engine("scripted", "llm", reply="I cannot tell.") as llm:
        rows = {r.task: r for r in rapid_eval.reason(run, llm).scores.rows}

    assert rows["wemath"].items == 3 and rows["wemath"].n == 1  # one problem group of three answers
    assert rows["mmmu"].items == 2 and rows["mmmu"].n == 1 and "validation split: 1 of 2" in rows["mmmu"].note
    assert rows["mmmu"].flags.get("random_fallback") == 1  # the validation item had no parsable choice

    text = _render(rows.values())
    assert "3†" in text and "2†" in text
    assert "† wemath: n = 3 answers; the metric counts 1 group(s) of them" in text
    assert "† mmmu: headline over the validation split: 1 of 2 items" in text
    assert f"{rows['mmmu'].score:.1f}*" in text and "* mmmu: " in text and "official random pick" in text
