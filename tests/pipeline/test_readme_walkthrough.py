"""README's "Your first evaluation" block runs as written (offline: tiny models, bundled items), each command in a
fresh process from the repository root, the run directory moved to a temporary folder."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import pytest
from testlib import REPO


def _first_evaluation() -> list[list[str]]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Your first evaluation"):]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None, "README: no bash block under 'Your first evaluation'"
    return [shlex.split(line, comments=True) for line in block.group(1).splitlines() if line.strip()]


@pytest.mark.slow
def test_readme_first_evaluation_runs_as_written(tiny_models, tmp_path):
    commands = _first_evaluation()
    assert [c[:2] for c in commands] == [["rapid-eval", "tasks"], ["rapid-eval", "variants"],
                                         ["rapid-eval", "perceive"], ["rapid-eval", "reason"],
                                         ["rapid-eval", "table"]]
    env = {**os.environ, "RAPID_EVAL_TINY_MODELS": str(tiny_models["vlm"].parent), "HF_HUB_OFFLINE": "1"}
    run = str(tmp_path / "first")
    outputs = []
    for argv in commands:
        argv = [run if a == "runs/first" else a for a in argv]
        proc = subprocess.run([sys.executable, "-m", "rapid_eval.cli", *argv[1:]], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, f"{shlex.join(argv)}:\n{proc.stderr[-2000:]}"
        outputs.append(proc.stdout)
    assert "mathvista" in outputs[0] and "qcap+sol" in outputs[1]
    table = outputs[-1]
    header = next(line for line in table.splitlines() if line.startswith("| row |"))  # markdown, ready to paste
    assert "| MathVista |" in header and "| WeMath |" in header and "|---|" in table
    assert (tmp_path / "first" / "summary.json").exists() and not (REPO / "runs" / "first" / "run.json").exists()
