"""Option values converted without pydantic (rapid_eval/cli_coerce.py) equal typer's own conversion."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer

from rapid_eval.cli_coerce import _fast, install

ROOT = Path(__file__).resolve().parents[2]

CASES = [
    (str, ["x", "", " a b ", "ünï", "0"]),
    (int, ["0", "7", "-3", "123456789012345678", "007", "+5", " 5", "5.0", "1_000", "x", "", 4]),
    (float, ["0", "0.6", "-1.25", "3", ".5", "1e-3", "inf", "nan", " 0.5", "x", 0.25, 2]),
    (bool, [True, False, "true", "0"]),
    (list[str], [("a", "b=c"), ["x"], ()]),
]


def _typer_value(annotation, value):
    from typer._adapters import try_build_adapter
    from typer.models import OptionInfo

    adapter = try_build_adapter(annotation, OptionInfo())
    try:
        return "ok", adapter.validate_python(value)
    except Exception as e:  # noqa: BLE001 - any rejection counts as one outcome
        return "error", type(e).__name__


@pytest.mark.skipif(not install(), reason="this typer has no per-option coercion layer")
@pytest.mark.parametrize(("annotation", "values"), CASES, ids=[str(a) for a, _ in CASES])
def test_fast_values_equal_typers(annotation, values):
    decided = 0
    for value in values:
        ok, converted = _fast(annotation, value)
        if not ok:
            continue  # typer's own adapter handles it
        decided += 1
        outcome, expected = _typer_value(annotation, value)
        assert outcome == "ok", f"{annotation} {value!r}: typer rejects what the fast path accepted"
        assert converted == expected and type(converted) is type(expected), (annotation, value, converted, expected)
    assert decided >= 2, f"the fast path decided too few {annotation} values to mean anything"


def test_a_command_line_run_imports_no_pydantic(tmp_path):
    code = ("import sys\nfrom rapid_eval import cli\nsys.argv = ['rapid-eval', 'reason', '--reasoner', 'x', '--run', "
            f"{str(tmp_path / 'missing')!r}, '--workers', '2', '--temperature', '0.5', '--engine-arg', 'a=b']\n"
            "try:\n    cli.main()\nexcept SystemExit:\n    pass\nprint('pydantic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "no such run directory" in out.stderr  # the options were parsed and the command ran
    assert out.stdout.strip() == "False"


def test_a_malformed_number_gets_typers_own_error(tmp_path):
    out = subprocess.run([sys.executable, "-m", "rapid_eval.cli", "reason", "--reasoner", "x", "--run",
                          str(tmp_path), "--workers", "two"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "--workers" in out.stderr and "valid integer" in out.stderr, out.stderr


def test_install_is_idempotent():
    if not install():
        pytest.skip("this typer has no per-option coercion layer")
    from typer import core

    first = core.build_runtime_param
    assert install() and core.build_runtime_param is first
    assert typer.__version__
