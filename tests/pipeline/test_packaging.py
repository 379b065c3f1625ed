"""The wheel carries every task definition and the prompts, and no benchmark items.

A wheel is built (hatchling in-process, offline: no build isolation, no index) from a copy of the checkout to
which one task YAML was added without editing any list, and the wheel's file list is read: the build hook
(``hatch_build.py``) must pick the new task up, ``prompts/`` must be there whole, ``tasks/fixtures`` must not.
"""

from __future__ import annotations

import shutil
import zipfile

from hatchling.builders.wheel import WheelBuilder
from testlib import REPO

BUNDLED = "rapid_eval/_bundled/"


def _copy_checkout(dst):
    for name in ("pyproject.toml", "README.md", "hatch_build.py"):
        shutil.copy2(REPO / name, dst / name)
    for name in ("rapid_eval", "prompts", "tasks"):
        shutil.copytree(REPO / name, dst / name, ignore=shutil.ignore_patterns("__pycache__"))


def test_wheel_carries_every_task_yaml_and_prompt_and_no_fixture(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    _copy_checkout(src)
    (src / "tasks" / "toybench.yaml").write_text("name: toybench\n", encoding="utf-8")

    (wheel,) = WheelBuilder(str(src)).build(directory=str(tmp_path / "dist"), versions=["standard"])
    names = set(zipfile.ZipFile(wheel).namelist())

    bundled = {n.removeprefix(BUNDLED) for n in names if n.startswith(BUNDLED)}
    yamls = {f"tasks/{p.name}" for p in (src / "tasks").glob("*.yaml")}
    prompts = {f"prompts/{p.name}" for p in (src / "prompts").iterdir()}
    assert {"tasks/mathvista.yaml", "tasks/toybench.yaml"} <= yamls and "prompts/reason_joint.jinja" in prompts
    assert bundled == yamls | prompts
    assert any((src / "tasks" / "fixtures").rglob("samples.jsonl"))  # there were items to leave out
    assert not [n for n in names if "fixtures" in n or n.endswith(".jsonl")]
    assert {"rapid_eval/registry.py", "rapid_eval/benchmarks/mathvista/scorer.py"} <= names
