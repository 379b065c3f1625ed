"""A new user's first commands (issue 22): results on stdout, progress and errors on stderr, mistakes caught before
any model loads with one line naming the fix and a documented exit code."""

from __future__ import annotations

import time

import pytest
from testlib import FIXTURES, REPO
from typer.testing import CliRunner

from rapid_eval.cli import app

MATHVISION = REPO / "tests" / "data" / "mathvision"


def cli(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_tasks_table_is_on_stdout_with_whole_source_ids() -> None:
    res = cli("tasks")
    assert res.exit_code == 0, res.output
    line = next(ln for ln in res.stdout.splitlines() if "mathvista" in ln)
    assert "AI4Math/MathVista [testmini]" in line  # the split was eaten as rich markup before
    assert "DynaMath/DynaMath_Sample" in res.stdout and "mathvista" not in res.stderr


def test_rescore_summary_is_on_stdout() -> None:
    res = cli("rescore", MATHVISION / "Gemini-Pro.jsonl", "--benchmark", "mathvision", "--data-dir",
              MATHVISION / "annotations")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("mathvision: 30.00 (accuracy, n=10")
    assert "partial file: covers 10 of 31 items" in res.stdout  # issue 24's coverage line stays
    assert "mathvision:" not in res.stderr


def _perceive(tmp_path, *extra: str):
    return cli("perceive", "--model", "s", "--backend", "scripted", "--tasks", "mathvista", "--data-dir", FIXTURES,
               "--out", tmp_path / "run", *extra)


@pytest.mark.parametrize(("extra", "says"), [
    (["--variants", "qcap+sols"], "--variants: unknown variant(s) qcap+sols"),
    (["--limit", "0"], "--limit 0: give at least 1"),
    (["--tasks", "mathvistaa"], "did you mean 'mathvista'?"),
    (["--data-dir", "no/such/dir"], "--data-dir no/such/dir: no such folder (the bundled items: --data-dir"),
    (["--backend", "hf", "--model", "./no-such-model"], "--model ./no-such-model: no such model folder"),
    (["--model", "tiny:xl"], "use tiny:vlm (perceptor) or tiny:llm (reasoner)"),
])
def test_mistakes_are_usage_errors_before_any_model_loads(tmp_path, extra, says) -> None:
    started = time.perf_counter()
    res = _perceive(tmp_path, *extra)
    assert res.exit_code == 2, res.output
    assert says in " ".join(res.stderr.split()) and "Error" not in res.stderr  # one line, no class names
    assert not (tmp_path / "run").exists()  # no empty run directory left behind
    assert time.perf_counter() - started < 3


def test_device_cuda_without_cuda_is_an_error_naming_cuda(tmp_path) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this torch sees a GPU")
    res = _perceive(tmp_path, "--backend", "hf", "--model", "tiny:vlm", "--engine-arg", "device=cuda")
    assert res.exit_code == 2 and "device=cuda: no CUDA device" in " ".join(res.stderr.split())
    assert not (tmp_path / "run").exists()


def test_a_model_that_cannot_load_leaves_no_empty_run(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    res = _perceive(tmp_path, "--backend", "hf", "--model", "no-such-org/no-such-model", "--limit", "1")
    assert res.exit_code == 2 and "cannot load no-such-org/no-such-model" in res.stderr
    assert not (tmp_path / "run").exists()


def test_wrong_order_names_the_command_to_run_first(tmp_path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    res = cli("reason", "--reasoner", "s", "--backend", "scripted", "--run", empty)
    assert res.exit_code == 2 and "run `rapid-eval perceive --run" in " ".join(res.stderr.split())
    assert _perceive(tmp_path, "--variants", "cap", "--limit", "1").exit_code == 0
    run = tmp_path / "run"
    for args in (["score", "--run", run], ["table", "variants", "--run", run]):
        res = cli(*args)
        assert res.exit_code == 2 and f"run `rapid-eval reason --run {run}" in " ".join(res.stderr.split())
        assert res.stdout == ""
    res = cli("score", "--run", tmp_path / "missing")
    assert res.exit_code == 2 and "no such run directory" in res.stderr
    res = cli("reason", "--reasoner", "s", "--backend", "scripted", "--run", run, "--perceptor", "nosuch")
    said = " ".join(res.stderr.split())
    assert res.exit_code == 2 and "--perceptor nosuch: no perception record of that model" in said
    assert "its perceptors: " in said and not (run / "reasoning.jsonl").exists()


def test_version_variants_listing_and_help_that_is_not_cut() -> None:
    from rapid_eval import __version__

    res = cli("--version")
    assert res.exit_code == 0 and res.stdout.startswith(f"rapid-eval {__version__}")
    res = cli("variants")
    assert [ln.split()[0] for ln in res.stdout.splitlines()] == ["none", "cap", "qcap", "sol", "cap+sol",
                                                                 "qcap+sol", "direct"]
    top = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "80"}).stdout
    assert "Exit codes: 0 done; 1" in " ".join(top.split()) and "--install-completion" in top
    grpo = CliRunner().invoke(app, ["train-grpo", "--help"], env={"COLUMNS": "80"}).stdout
    assert "…" not in grpo and "--max-completion-length" in grpo
    perceive = CliRunner().invoke(app, ["perceive", "--help"], env={"COLUMNS": "80"}).stdout
    assert "none,cap,qcap,sol,cap+sol,qcap+sol,direct" in perceive and "--run, --out" in perceive


def test_a_scripted_run_prints_its_table_and_records_provenance(tmp_path) -> None:
    import json

    run = tmp_path / "run"
    assert _perceive(tmp_path, "--variants", "cap", "--limit", "2").exit_code == 0  # --out
    res = cli("reason", "--reasoner", "r", "--backend", "scripted", "--run", run)
    assert res.exit_code == 0, res.output
    assert "mathvista" in res.stdout and "cap" in res.stdout and "mathvista" not in res.stderr
    prov = json.loads((run / "summary.json").read_text())["provenance"]
    assert prov["command"][0] == "rapid-eval" and prov["at"]  # the rest is sys.argv (pytest's, in process)
    assert prov["versions"]["rapid-eval"] and prov["versions"]["python"] and "torch" in prov["versions"]
    stats = [json.loads(x) for x in (run / "stats.jsonl").read_text().splitlines()]
    assert all(s["versions"]["rapid-eval"] for s in stats)
    again = cli("perceive", "--model", "s", "--backend", "scripted", "--tasks", "mathvista", "--data-dir", FIXTURES,
                "--run", run, "--variants", "cap", "--limit", "2")  # --run is the same option as --out
    assert again.exit_code == 0 and "0 generated, 2 reused" in " ".join(again.stderr.split())


def test_limit_says_when_groups_are_kept_whole_and_the_hub_error_points_to_the_bundled_items(tmp_path,
                                                                                            monkeypatch) -> None:
    res = cli("perceive", "--model", "s", "--backend", "scripted", "--tasks", "wemath", "--data-dir", FIXTURES,
              "--run", tmp_path / "run", "--limit", "2", "--variants", "cap")
    assert res.exit_code == 0 and "wemath: 3 samples" in res.stderr and "--limit 2: its scoring groups are kept " \
        "whole" in " ".join(res.stderr.split())
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    res = cli("perceive", "--model", "s", "--backend", "scripted", "--tasks", "mathvista", "--run", tmp_path / "hub",
              "--limit", "1")
    assert res.exit_code == 2 and "--data-dir tasks/fixtures" in " ".join(res.stderr.split())


@pytest.mark.parametrize("extra, message", [
    (("--shard", "2/2"), "--shard expects I/N with 0 <= I < N (e.g. 0/4), got '2/2'"),
    (("--shard", "x"), "--shard expects I/N"),
])
def test_a_malformed_shard_is_a_usage_error_before_any_work(tmp_path, extra, message) -> None:
    res = _perceive(tmp_path, *extra)
    assert res.exit_code == 2 and message in res.stderr and not (tmp_path / "run").exists()


def test_an_unknown_scorer_is_a_usage_error_naming_the_modes(tmp_path) -> None:
    assert _perceive(tmp_path, "--variants", "direct").exit_code == 0
    res = cli("score", "--run", tmp_path / "run", "--scorer", "strict")
    assert res.exit_code == 2 and "--scorer strict: choose official" in res.stderr
    assert not (tmp_path / "run" / "verdicts.jsonl").exists()
