"""A new user's first commands (issue 22): results on stdout, progress and errors on stderr, mistakes caught before
any model loads with one line naming the fix and a documented exit code."""

from __future__ import annotations

from testlib import REPO
from typer.testing import CliRunner

from rapid_eval.cli import app

MATHVISION = REPO / "tests" / "data" / "mathvision"


def cli(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_tasks_table_is_on_stdout_with_whole_source_ids() -> None:
    res = cli("tasks")
    assert res.exit_code == 0, res.output
    line = next(ln for ln in res.stdout.splitlines() if "mathvista" in ln)
    assert "AI4Math/MathVista [testmini]" in line  # the split was eaten as rich markup before
    assert "DynaMath/DynaMath_Sample" in res.stdout and "mathvista" not in res.stderr


def test_rescore_summary_is_on_stdout() -> None:
    res = cli("rescore", MATHVISION / "Gemini-Pro.jsonl", "--benchmark", "mathvision", "--data-dir",
              MATHVISION / "annotations")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("mathvision: 30.00 (accuracy, n=10")
    assert "partial file: covers 10 of 31 items" in res.stdout  # issue 24's coverage line stays
    assert "mathvision:" not in res.stderr
