"""Hatch build hook: the wheel carries every task definition (``tasks/*.yaml``) under ``rapid_eval/_bundled/tasks``
and the reference numbers (``results/reference/*.csv``) under ``rapid_eval/_bundled/results/reference``.

A hook rather than a ``force-include`` table: hatch's ``exclude`` does not apply to force-included paths, so
force-including the ``tasks`` folder would ship ``tasks/fixtures`` (benchmark items, some non-commercial or
share-alike), and listing each YAML by hand is one more list to edit per benchmark. The glob here is the list.
``prompts/`` is force-included whole in pyproject.toml. Checked by ``tests/pipeline/test_packaging.py``, which
builds a wheel and reads its contents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class TaskYamlHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        for path in sorted((Path(self.root) / "tasks").glob("*.yaml")):
            build_data["force_include"][str(path)] = f"rapid_eval/_bundled/tasks/{path.name}"
        # the papers' numbers the reporters show beside a run's (results/reference/*.csv), where the checkout has them
        for path in sorted((Path(self.root) / "results" / "reference").glob("*.csv")):
            build_data["force_include"][str(path)] = f"rapid_eval/_bundled/results/reference/{path.name}"
