"""The bad-input corpus: each broken row is reported with its file and line and skipped, every good row runs,
the command says so in its exit status and ``stats.jsonl``, and nothing aborts the other rows."""

from __future__ import annotations

import json
import subprocess
import sys

import corpus

from rapid_eval import api

WHY = {
    "non_utf8": "not UTF-8",
    "malformed": "broken JSON",
    "not_object": "expected a JSON object",
    "missing_answer": "answer",
    "list_answer": "got list",
    "missing_image": "nope.png",
    "corrupt_image": "unreadable image",
    "empty_image": "unreadable image",
    "huge_image": "too large",
}


def test_every_broken_row_is_named_and_the_good_rows_load(tmp_path):
    where = corpus.build(tmp_path / "data")
    errors: list[str] = []
    samples = api.load_tasks("wemath", data_dir=tmp_path / "data", on_error=errors.append)
    assert len(samples) == where["non_utf8"] - 1  # every good row, none of the broken ones
    assert len(errors) == len(where)
    for kind, line in where.items():
        mine = [e for e in errors if f"samples.jsonl:{line}:" in e or f"samples.jsonl:{line} " in e]
        assert len(mine) == 1 and WHY[kind] in mine[0], (kind, line, errors)


def test_perceive_runs_the_good_rows_and_counts_the_skipped_ones(tmp_path):
    where = corpus.build(tmp_path / "data")
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "rapid_eval.cli", "perceive", "--model", "scripted", "--backend", "scripted",
           "--tasks", "wemath", "--variants", "cap", "--data-dir", str(tmp_path / "data"), "--out", str(out)]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert res.returncode == 1 and f"{len(where)} input row(s) were skipped" in " ".join(res.stderr.split())
    records = [json.loads(x) for x in (out / "perception.jsonl").read_text().splitlines()]
    assert len(records) == where["non_utf8"] - 1 and not any(r.get("error") for r in records)
    stats = [json.loads(x) for x in (out / "stats.jsonl").read_text().splitlines()][-1]
    assert stats["skipped_rows"] == len(where) and len(stats["skipped_reasons"]) == 5
    assert subprocess.run([*cmd, "--allow-incomplete"], capture_output=True, timeout=120).returncode == 0


def test_a_full_disk_names_the_file_it_could_not_write(tmp_path, monkeypatch):
    """ENOSPC in the middle of a run ends it with the record file's path in the message."""
    import errno
    import os

    import pytest

    from rapid_eval.storage.store import RecordStore

    store = RecordStore(tmp_path / "perception.jsonl")
    store.append({"key": "a", "text": "fits"})

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OSError) as err:
        store.append({"key": "b", "text": "does not fit"})
    assert err.value.errno == errno.ENOSPC and str(tmp_path / "perception.jsonl") in str(err.value)


def test_an_unwritable_run_directory_fails_before_any_request_is_sent(tmp_path):
    """``perceive --out`` under a path that cannot be created: exit 2, the path named, zero requests sent."""
    from rapid_eval.dev.fault_server import fault_server

    blocker = tmp_path / "a-file"
    blocker.write_text("x")  # a directory cannot be created under a file, even by root
    out = blocker / "run"
    with fault_server(rate=0.0) as (url, server):
        res = subprocess.run([sys.executable, "-m", "rapid_eval.cli", "perceive", "--model", "vlm", "--base-url",
                              url, "--tasks", "wemath", "--variants", "cap", "--data-dir", str(corpus.FIXTURES),
                              "--out", str(out)], capture_output=True, text=True, timeout=120)
        sent = server.counts["requests"]
    assert res.returncode == 2 and str(out) in res.stderr and "nothing was sent" in res.stderr
    assert sent == 0


def test_a_config_run_with_skipped_rows_exits_1_as_perceive_does(tmp_path):
    """``rapid-eval run CONFIG`` follows the exit-code rule of the stage commands: skipped input rows end it with 1
    (the good rows all run and are saved), ``--allow-incomplete`` with 0."""
    where = corpus.build(tmp_path / "data")
    config = tmp_path / "c.yaml"
    config.write_text(f"""
out: {tmp_path / 'run'}
data_dir: {tmp_path / 'data'}
tasks: [wemath]
perceptors:
  - {{model: vlm, backend: scripted}}
reasoners:
  - {{model: llm, backend: scripted}}
variants: [cap]
tables: []
report: false
""", encoding="utf-8")
    cmd = [sys.executable, "-m", "rapid_eval.cli", "run", str(config)]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert res.returncode == 1 and f"{len(where)} input row(s) were skipped" in " ".join(res.stderr.split())
    records = [json.loads(x) for x in (tmp_path / "run" / "reasoning.jsonl").read_text().splitlines()]
    assert len(records) == where["non_utf8"] - 1
    assert subprocess.run([*cmd, "--allow-incomplete"], capture_output=True, timeout=120).returncode == 0
