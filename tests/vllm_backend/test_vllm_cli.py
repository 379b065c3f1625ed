"""``rapid-eval reason --backend vllm`` as a user runs it (the installed command, a subprocess) on real bundled
items: records identical to the hf backend's on the same scripted tiny model, and a rerun makes zero calls
without starting vLLM. One engine start."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from testlib import FIXTURES
from vllm_servers import SKIP_REASON, child_env, program

pytest.importorskip("vllm", reason=SKIP_REASON)

from typer.testing import CliRunner  # noqa: E402

from rapid_eval.cli import app  # noqa: E402

pytestmark = pytest.mark.vllm
TASKS = "mathvision,wemath,logicvista,mathverse"
VARIANTS = "cap,sol,cap+sol,none"


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def _invoke(*args: str) -> None:
    res = CliRunner().invoke(app, list(args))
    assert res.exit_code == 0, f"{args[0]} failed: {res.output}\n{res.exception!r}"


def _reason_vllm(run: Path, model: Path) -> subprocess.CompletedProcess:
    cmd = [program("rapid-eval"), "reason", "--reasoner", str(model), "--backend", "vllm", "--run", str(run),
           "--max-new-tokens", "40", "--engine-arg", "dtype=float32", "--engine-arg", "enforce_eager=true"]
    res = subprocess.run(cmd, env=child_env(), capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, f"rapid-eval reason --backend vllm failed:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    return res


def _by_key(records: list[dict]) -> dict[tuple, dict]:
    return {(r["sample_id"], r["variant"]): r for r in records}


def test_reason_backend_vllm_matches_hf_and_reruns_with_zero_calls(tmp_path, vllm_model):
    perceived = tmp_path / "perceived"
    _invoke("perceive", "--model", "scripted", "--backend", "scripted", "--tasks", TASKS, "--variants", VARIANTS,
            "--data-dir", str(FIXTURES), "--limit", "3", "--out", str(perceived))
    hf_run, vllm_run = tmp_path / "hf", tmp_path / "vllm"
    shutil.copytree(perceived, hf_run)
    shutil.copytree(perceived, vllm_run)
    _invoke("reason", "--reasoner", str(vllm_model), "--backend", "hf", "--engine-arg", "device=cpu",
            "--run", str(hf_run), "--max-new-tokens", "40")
    _reason_vllm(vllm_run, vllm_model)

    hf, vl = _lines(hf_run / "reasoning.jsonl"), _lines(vllm_run / "reasoning.jsonl")
    n = len(_lines(perceived / "samples.jsonl")) * len(VARIANTS.split(","))
    assert len(vl) == len(hf) == n and not [r for r in vl if r.get("error")]
    assert [sorted(r) for r in vl] == [sorted(r) for r in hf]  # the same record shape
    same = ("text", "reasoning", "prompt_tokens", "completion_tokens", "finish_reason")
    hf_by, vl_by = _by_key(hf), _by_key(vl)
    assert set(hf_by) == set(vl_by)
    for key, r in vl_by.items():  # the same greedy tokens from the same weights, counted the same way
        assert {f: r.get(f) for f in same} == {f: hf_by[key].get(f) for f in same}, key
    assert all(r["reasoning"] == "Add the numbers." for r in vl)
    gens_hf, gens_vl = _lines(hf_run / "generations.jsonl"), _lines(vllm_run / "generations.jsonl")
    assert [sorted(g) for g in gens_vl] == [sorted(g) for g in gens_hf]
    assert {g["engine"]["backend"] for g in gens_vl if g["stage"] == "reason"} == {"vllm"}
    summary_hf = json.loads((hf_run / "summary.json").read_text())
    summary_vl = json.loads((vllm_run / "summary.json").read_text())
    assert summary_vl["rows"] and [r["score"] for r in summary_vl["rows"]] == [r["score"] for r in summary_hf["rows"]]

    first = _lines(vllm_run / "stats.jsonl")[-1]
    assert (first["command"], first["generated"], first["failed"]) == ("reason", n, 0)
    started = time.monotonic()
    _reason_vllm(vllm_run, vllm_model)
    again = _lines(vllm_run / "stats.jsonl")[-1]
    assert (again["generated"], again["reused"], again["failed"]) == (0, n, 0)
    assert len(_lines(vllm_run / "reasoning.jsonl")) == n  # nothing appended twice
    assert time.monotonic() - started < first["seconds"]  # nothing to generate: vLLM is never started
