"""The hf engine loads its model on the first cache miss only: a rerun that makes zero calls never imports torch;
a path that cannot be a model fails in the constructor, before any load."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from testlib import FIXTURES

import rapid_eval
from rapid_eval.engines.registry import load_engine

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("make", ["missing", "no_config"])
def test_bad_model_path_fails_before_any_load(tmp_path, make):
    path = tmp_path / "model"
    if make == "no_config":
        path.mkdir()
        (path / "weights.bin").write_bytes(b"x")
    with pytest.raises(RuntimeError, match="cannot load model") as e:
        load_engine("hf", str(path))
    assert str(path) in str(e.value)


def _python(code: str) -> str:
    res = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr[-3000:]
    return res.stdout


def test_zero_call_rerun_never_loads_the_model(tmp_path, tiny_models):
    run = tmp_path / "run"
    samples = rapid_eval.load_tasks("mathvision", data_dir=FIXTURES, limit=2)
    with load_engine("scripted", "vlm", reply="a caption") as vlm:
        rapid_eval.perceive(samples, vlm, "cap", run)
    llm = str(tiny_models["llm"])
    with load_engine("hf", llm, device="cpu") as engine:
        assert engine.net is None  # built, not loaded
        first = rapid_eval.reason(run, engine, max_new_tokens=8)
        assert first.stats.generated == 2 and engine.net is not None
    out = _python(f"""
        import sys
        import rapid_eval
        with rapid_eval.load_engine("hf", {llm!r}, device="cpu") as engine:
            res = rapid_eval.reason({str(run)!r}, engine, max_new_tokens=8)
            print(res.stats.generated, res.stats.reused, engine.net is None, "torch" in sys.modules)
    """)
    assert out.split() == ["0", "2", "True", "False"]
