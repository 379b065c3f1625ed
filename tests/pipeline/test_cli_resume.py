"""The CLI end to end with the scripted backend: kill -9 mid-run then resume, rerun = zero calls, bad rows."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from testlib import FIXTURES

TASKS = "dynamath,mathverse,wemath"


def _cmd(out: Path, data_dir: Path = FIXTURES, delay: float = 0.0) -> list[str]:
    return [sys.executable, "-m", "rapid_eval.cli", "perceive", "--model", "scripted", "--backend", "scripted",
            "--engine-arg", f"delay={delay}", "--tasks", TASKS, "--variants", "cap,qcap,sol,qcap+sol,none",
            "--data-dir", str(data_dir), "--out", str(out)]


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()] if path.exists() else []


def _stats(run: Path) -> list[dict]:
    return _lines(run / "stats.jsonl")


def test_kill_9_then_resume_gives_the_uninterrupted_records(tmp_path):
    ref, run = tmp_path / "ref", tmp_path / "run"
    subprocess.run(_cmd(ref), check=True, capture_output=True)
    total = _stats(ref)[-1]["generated"]
    assert total > 10

    proc = subprocess.Popen(_cmd(run, delay=0.05), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while len(_lines(run / "generations.jsonl")) < 5 and time.time() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(_lines(run / "generations.jsonl"))
    assert 5 <= done_before < total, "the kill must land mid-run"

    subprocess.run(_cmd(run), check=True, capture_output=True)
    stats = _stats(run)[-1]
    assert stats["reused"] == done_before and stats["generated"] == total - done_before

    gens = _lines(run / "generations.jsonl")
    assert not [k for k, n in Counter(g["key"] for g in gens).items() if n > 1], "duplicated model calls"
    assert {(g["key"], g["text"]) for g in gens} == {(g["key"], g["text"]) for g in _lines(ref / "generations.jsonl")}
    per = _lines(run / "perception.jsonl")
    assert len({r["key"] for r in per}) == len(per) == len(_lines(ref / "perception.jsonl"))

    subprocess.run(_cmd(run), check=True, capture_output=True)
    again = _stats(run)[-1]
    assert again["generated"] == 0 and again["reused"] == total
    assert len(_lines(run / "perception.jsonl")) == len(per)  # nothing appended on a rerun


def test_bad_rows_are_reported_and_the_rest_runs(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "wemath", data / "wemath")
    rows = (data / "wemath" / "samples.jsonl").read_text().splitlines()
    bad = json.loads(rows[0])
    bad["_image_file"] = "images/does-not-exist.png"
    rows[0] = json.dumps(bad)
    rows.append("{not json")
    (data / "wemath" / "samples.jsonl").write_text("\n".join(rows) + "\n")
    out = tmp_path / "run"
    cmd = _cmd(out, data_dir=data)
    cmd[cmd.index("--tasks") + 1] = "wemath"
    res = subprocess.run(cmd, capture_output=True, text=True)
    assert res.returncode == 1, res.stderr  # skipped input rows are not a silent success (issue 9, D10)
    err = " ".join(res.stderr.split())
    assert "samples.jsonl:1" in err and f"samples.jsonl:{len(rows)}" in err and "2 input row(s)" in err
    ids = {r["sample_id"] for r in _lines(out / "perception.jsonl")}
    assert len(ids) == len(rows) - 2
    logged = _stats(out)[-1]
    assert logged["skipped_rows"] == 2 and any("samples.jsonl:1" in r for r in logged["skipped_reasons"])
    again = subprocess.run([*cmd, "--allow-incomplete"], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
