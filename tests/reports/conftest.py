"""A scored run made with the scripted engine on the bundled real items: two reasoners that answer A and B."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_runs import make_run


@pytest.fixture(scope="session")
def scripted_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs") / "scripted")
