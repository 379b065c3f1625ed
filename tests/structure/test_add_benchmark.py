"""The "Adding a benchmark" page (docs/adding-a-benchmark.md, moved verbatim from README), followed as written in a
copy of the repository.

The section's ``File `path`:`` blocks are written into a temporary copy of the checkout (every one a new file:
adding a benchmark edits no list), then its bash blocks run there with ``rapid-eval`` and ``python`` being this
interpreter and the copy first on ``PYTHONPATH``. The toy benchmark must then be listed, perceived, reasoned and
scored by its own scorer with the numbers the section states. If the page and code drift apart, this fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

from testlib import REPO

SECTION = "## Adding a benchmark"
FILE_BLOCK = re.compile(r"[Ff]ile\s+`([^`]+)`:\n\n```\w*\n(.*?)```", re.S)
BASH_BLOCK = re.compile(r"```bash\n(.*?)```", re.S)


def _section() -> str:
    text = (REPO / "docs" / "adding-a-benchmark.md").read_text(encoding="utf-8")
    assert SECTION in text, f"docs/adding-a-benchmark.md has no '{SECTION}' section"
    body = text[text.index(SECTION) + len(SECTION):]
    return body[: body.index("\n## ")] if "\n## " in body else body


def _copy_checkout(dst):
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, dst / name)
    skip = shutil.ignore_patterns("__pycache__", "fixtures")
    for name in ("rapid_eval", "prompts", "tasks"):
        shutil.copytree(REPO / name, dst / name, ignore=skip)


def _env(root, tmp_path) -> dict[str, str]:
    shims = tmp_path / "bin"
    shims.mkdir()
    cli = shims / "rapid-eval"
    cli.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c "from rapid_eval.cli import main; main()" "$@"\n')
    cli.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPID_EVAL_")}
    env.update(PYTHONPATH=str(root), RAPID_EVAL_CACHE=str(tmp_path / "cache"), OMP_NUM_THREADS="1",
               PATH=os.pathsep.join([str(shims), os.path.dirname(sys.executable), env.get("PATH", "")]),
               COLUMNS="200")
    return env


def test_readme_adding_a_benchmark_walkthrough_runs_as_written(tmp_path):
    section = _section()
    files = FILE_BLOCK.findall(section)
    commands = "\n".join(BASH_BLOCK.findall(section))
    paths = [p for p, _ in files]
    assert "tasks/dotcount.yaml" in paths and "rapid_eval/benchmarks/dotcount/adapter.py" in paths
    assert "rapid-eval score" in commands

    root = tmp_path / "repo"
    root.mkdir()
    _copy_checkout(root)
    for rel, content in files:
        target = root / rel
        assert not target.exists(), f"README step edits an existing file: {rel}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")

    done = subprocess.run(["bash", "-euo", "pipefail", "-c", commands], cwd=root, env=_env(root, tmp_path),
                          capture_output=True, text=True, timeout=120)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-6000:]

    assert re.search(r"^│ dotcount\s+│ example/dotcount", out, re.M), out[-6000:]  # `rapid-eval tasks` lists it
    summary = json.loads((root / "runs" / "dotcount" / "summary.json").read_text(encoding="utf-8"))
    rows = {r["variant"]: r for r in summary["rows"] if r["task"] == "dotcount"}
    assert sorted(rows) == ["none", "qcap+sol"]
    for row in rows.values():
        assert (row["scorer"], row["metric"], row["n"], row["correct"], row["score"]) == \
            ("dotcount", "accuracy", 3, 2, 66.67)
    verdicts = [json.loads(line) for line in (root / "runs" / "dotcount" / "verdicts.jsonl").read_text().splitlines()]
    assert len(verdicts) == 6
    assert {(v["sample_id"], v["extracted"], v["correct"], v["decided_by"]) for v in verdicts} == {
        ("1", "3", True, "rule:boxed"), ("2", "3", False, "rule:boxed"), ("3", "3", True, "rule:boxed")}
    perception = (root / "runs" / "dotcount" / "perception.jsonl").read_text().splitlines()
    assert len(perception) == 6  # 3 items x 2 variants
