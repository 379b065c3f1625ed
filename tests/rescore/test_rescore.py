"""rescore(): one clear line naming the file on bad input; cheap imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rapid_eval.formats.base import FormatError
from rapid_eval.rescore import rescore

DATA = Path(__file__).parents[1] / "data"
MATHVISTA = DATA / "mathvista" / "output_gpt4_2shot_code_slice.json"


def test_unknown_benchmark_names_the_file():
    with pytest.raises(ValueError, match=r"output_gpt4_2shot_code_slice.json: unknown benchmark 'mathvistaa'"):
        rescore("mathvistaa", [MATHVISTA])


def test_file_of_another_benchmark():
    with pytest.raises(FormatError,
                       match=r"output_gpt4_2shot_code_slice.json: unknown prediction format for benchmark 'mmmu'"):
        rescore("mmmu", [MATHVISTA])


@pytest.mark.parametrize(("path", "benchmark", "named"), [
    (DATA / "vlmevalkit" / "Qwen2.5-VL-7B-Instruct_MathVista_MINI_gpt-4o-mini.csv", "logicvista", "mathvista"),
    (DATA / "lmms_eval" / "20261130_194332_samples_mmmu_local.jsonl", "mathvista", "mmmu"),
])
def test_a_file_named_for_another_benchmark_is_refused(path, benchmark, named):
    with pytest.raises(ValueError, match=rf"{path.name}: the file name names benchmark '{named}', not '{benchmark}'"):
        rescore(benchmark, [path])
    assert rescore(named, [path], workers=0).n > 0  # the benchmark it names reads it


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(FormatError, match="no such file"):
        rescore("mathvista", [tmp_path / "nope.json"])
    bad = tmp_path / "output_x.json"
    bad.write_text("{not json")
    with pytest.raises(FormatError, match=r"output_x.json: unknown prediction format"):
        rescore("mathvista", [bad])
    with pytest.raises(ValueError, match="no prediction files"):
        rescore("mathvista", [])


def test_bad_record_names_the_pid(tmp_path):
    data = json.loads(MATHVISTA.read_text())
    pid = next(iter(data))
    del data[list(data)[1]]["answer"]
    f = tmp_path / "output_broken.json"
    f.write_text(json.dumps(data))
    with pytest.raises(FormatError, match=r"output_broken.json: record '\d+' lacks"):
        rescore("mathvista", [f])
    assert pid


def test_the_same_file_twice_is_refused_not_counted_twice():
    with pytest.raises(FormatError, match="appears more than once .already in"):
        rescore("mathvista", [MATHVISTA, MATHVISTA], workers=0)


def test_importing_scoring_is_cheap():
    code = ("import sys, rapid_eval.scoring, rapid_eval.rescore; "
            "print(sorted(m for m in ('sympy', 'math_verify', 'pandas', 'latex2sympy2_extended') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_stored_verdicts_without_responses():
    """DynaMath result tables hold verdicts only: the headline aggregates them."""
    r = rescore("dynamath", [DATA / "dynamath" / "GPT4o-result.csv"], workers=0)
    assert r.headline == "verdicts stored in the file" and r.n == 40 and r.score is not None


def test_the_cli_json_is_the_api_result(tmp_path):
    """``rescore --json`` prints the API's typed result, field for field (the wall time aside), the per-item rows
    going to ``--items`` instead."""
    api = rescore("mathvista", [MATHVISTA], workers=0, items=True)
    items = tmp_path / "items.jsonl"
    proc = subprocess.run([sys.executable, "-m", "rapid_eval.cli", "rescore", "--benchmark", "mathvista",
                           str(MATHVISTA), "--json", "--workers", "0", "--items", str(items)],
                          capture_output=True, text=True, check=True)
    cli = json.loads(proc.stdout)
    expected = json.loads(json.dumps({**api.to_dict(), "seconds": cli["seconds"]}, default=str))
    del expected["items"]
    assert cli == expected and api.stored is not None and api.judge_free is not None
    rows = [row.to_dict() for row in api.items or []]
    assert [json.loads(line) for line in items.read_text().splitlines()] == json.loads(json.dumps(rows))
