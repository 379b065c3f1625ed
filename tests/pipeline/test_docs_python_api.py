"""docs/python-api.md runs as written: every ```python block, in order, in one namespace, from the repository root
(offline: bundled items, scripted engine). If the page and the API drift apart, this fails."""

from __future__ import annotations

import re

from testlib import REPO

PAGE = REPO / "docs" / "python-api.md"


def test_python_api_page_runs_as_written(monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 5
    monkeypatch.chdir(REPO)
    namespace: dict = {}
    for i, code in enumerate(blocks):
        exec(compile(code, f"{PAGE.name}[block {i + 1}]", "exec"), namespace)  # noqa: S102 - our own docs page
    out = capsys.readouterr().out
    assert "perception records" in out and "mathvista" in out
