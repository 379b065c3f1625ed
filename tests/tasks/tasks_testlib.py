"""The root test helpers (``tests/conftest.py``: REPO, FIXTURES, shared_path) under a unique module name.

``from conftest import ...`` resolves to whichever ``conftest`` module pytest imported last, so a sibling
folder's ``conftest.py`` can shadow the root one; loading it by path keeps these tests independent of that.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_PATH = Path(__file__).resolve().parents[1] / "conftest.py"
_SPEC = importlib.util.spec_from_file_location("_rapid_eval_tests_root_conftest", _PATH)
assert _SPEC is not None and _SPEC.loader is not None
_ROOT = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_ROOT)

REPO: Path = _ROOT.REPO
FIXTURES: Path = _ROOT.FIXTURES
shared_path = _ROOT.shared_path
