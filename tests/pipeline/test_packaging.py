"""The wheel carries every task definition and the prompts, and no benchmark items."""

from __future__ import annotations

import tomllib

from testlib import REPO


def test_wheel_force_includes_every_task_yaml_and_no_fixture():
    conf = tomllib.loads((REPO / "pyproject.toml").read_text())
    included = conf["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    yamls = {f"tasks/{p.name}" for p in (REPO / "tasks").glob("*.yaml")}
    assert yamls and yamls <= set(included)
    assert "prompts" in included
    assert not [k for k in included if "fixtures" in k]
