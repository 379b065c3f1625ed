"""End to end on tiny real models: perceive -> reason -> scores through `hf`, and through `openai` against a
real `transformers serve` on 127.0.0.1 (images included). Reruns make zero model calls; no key reaches disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from testlib import FIXTURES
from typer.testing import CliRunner

from rapid_eval.cli import app

TASKS = "mathverse,wemath,mathvision,dynamath,logicvista"
VARIANTS = "cap,qcap,sol,cap+sol,qcap+sol,none,direct"


def _invoke(*args: str) -> None:
    res = CliRunner().invoke(app, list(args))
    assert res.exit_code == 0, f"{args[0]} failed: {res.output}\n{res.exception!r}"


def _last_stats(run: Path) -> dict:
    return json.loads((run / "stats.jsonl").read_text().splitlines()[-1])


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def _pipeline(run: Path, vlm: str, llm: str, *backend: str) -> None:
    _invoke("perceive", "--model", vlm, *backend, "--tasks", TASKS, "--variants", VARIANTS,
            "--data-dir", str(FIXTURES), "--out", str(run), "--max-new-tokens", "12")
    _invoke("reason", "--reasoner", llm, *backend, "--run", str(run), "--max-new-tokens", "40")


def _check_run(run: Path) -> None:
    samples = _lines(run / "samples.jsonl")
    per = _lines(run / "perception.jsonl")
    assert len(per) == len(samples) * 7
    reasoning = _lines(run / "reasoning.jsonl")
    assert len(reasoning) == len(samples) * 6 and not [r for r in reasoning if r.get("error")]
    # the scripted tiny Qwen3 thinks, then answers \boxed{5}: the trace is split out, the answer extracted
    assert all(r["reasoning"] == "Add the numbers." for r in reasoning)
    verdicts = _lines(run / "verdicts.jsonl")
    assert len(verdicts) == len(reasoning) + len(samples)  # + one direct answer per sample
    free = [v for v in verdicts if v["reasoner"] != "-" and v["task"] == "mathvision" and v["extracted"]]
    assert free and all("5" in v["extracted"] for v in free)
    summary = json.loads((run / "summary.json").read_text())
    cells = {(r["task"], r["variant"]) for r in summary["rows"]}
    assert cells == {(t, v) for t in TASKS.split(",") for v in VARIANTS.split(",")}
    gens = _lines(run / "generations.jsonl")
    with_image = [g for g in gens if g["stage"] == "perceive" and g["messages"][1]["images"]]
    assert with_image and all(g["prompt_tokens"] > 20 for g in with_image)


def test_hf_backend_end_to_end_and_rerun(tmp_path, tiny_models):
    run = tmp_path / "run"
    vlm, llm = str(tiny_models["vlm"]), str(tiny_models["llm"])
    _pipeline(run, vlm, llm, "--backend", "hf")
    _check_run(run)
    first = {s["command"]: s for s in _lines(run / "stats.jsonl")}
    assert first["perceive"]["generated"] > 0 and first["reason"]["generated"] > 0
    _pipeline(run, vlm, llm, "--backend", "hf")
    stats = _lines(run / "stats.jsonl")[-2:]
    assert [s["generated"] for s in stats] == [0, 0]
    assert [s["reused"] for s in stats] == [first["perceive"]["generated"], first["reason"]["generated"]]
    _invoke("score", "--run", str(run))  # recomputes from records alone
    scored = _lines(run / "stats.jsonl")[-1]
    assert scored["command"] == "score" and scored["generated"] == 0
    assert scored["records"] == len(_lines(run / "verdicts.jsonl"))


def test_openai_backend_against_transformers_serve(tmp_path, tiny_models, tiny_server, monkeypatch):
    secret = "sk-test-0123456789-never-on-disk"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    run = tmp_path / "run"
    vlm, llm = str(tiny_models["vlm"]), str(tiny_models["llm"])
    _pipeline(run, vlm, llm, "--base-url", tiny_server)
    _check_run(run)
    _pipeline(run, vlm, llm, "--base-url", tiny_server)
    assert [s["generated"] for s in _lines(run / "stats.jsonl")[-2:]] == [0, 0]
    for f in run.rglob("*"):
        if f.is_file():
            assert secret not in f.read_text(errors="ignore"), f"API key written to {f}"


@pytest.mark.parametrize("bad", ["nope"])
def test_unknown_backend_is_one_clear_line(tmp_path, bad):
    res = CliRunner().invoke(app, ["perceive", "--model", "m", "--backend", bad, "--tasks", "wemath",
                                   "--data-dir", str(FIXTURES), "--out", str(tmp_path / "r")])
    assert res.exit_code == 2  # a usage error, found before anything loads
    assert "unknown backend 'nope'" in res.stderr and not (tmp_path / "r").exists()
