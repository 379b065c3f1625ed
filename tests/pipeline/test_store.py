"""The storage layer under damage and concurrency (issue 9, item 2; issue 13): bad lines, readers while a writer
writes, two writers, the latest line per key, lazy reads, the verdict cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from testlib import FIXTURES

import rapid_eval
from rapid_eval.storage.rundir import Run
from rapid_eval.storage.store import RecordStore

TASKS = "mathvista,wemath"
RECORD_FILES = ("samples", "generations", "perception", "reasoning", "verdicts", "verdict_cache", "stats")


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def _build(out: Path) -> None:
    samples = rapid_eval.load_tasks(TASKS, data_dir=FIXTURES)
    with rapid_eval.load_engine("scripted", "vlm", reply="caption of {last_word}") as vlm:
        rapid_eval.perceive(samples, vlm, "cap,sol,direct", out)
    with rapid_eval.load_engine("scripted", "llm") as llm:
        rapid_eval.reason(out, llm, scorer="official")
    rapid_eval.score(out)


def _cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rapid_eval.cli", *args], capture_output=True, text=True, **kw)


def test_an_invalid_utf8_line_in_each_record_file_is_skipped_with_file_and_line(tmp_path):
    out = tmp_path / "run"
    _build(out)
    before = {name: len(_lines(out / f"{name}.jsonl")) for name in RECORD_FILES if (out / f"{name}.jsonl").exists()}
    assert {"samples", "generations", "perception", "reasoning", "verdicts", "stats"} <= set(before)
    for name in before:
        path = out / f"{name}.jsonl"
        lines = path.read_bytes().splitlines(keepends=True)
        lines.insert(1, b'{"key": "bad", "text": "caf\xe9 \xff\xfe"}\n')  # latin-1 bytes: not UTF-8
        path.write_bytes(b"".join(lines))
    samples = ",".join(TASKS.split(","))
    stderr = ""
    for cmd in (("perceive", "--model", "vlm", "--backend", "scripted", "--engine-arg", "reply=caption of {last_word}",
                 "--tasks", samples, "--data-dir", str(FIXTURES), "--variants", "cap,sol,direct", "--out", str(out)),
                ("reason", "--reasoner", "llm", "--backend", "scripted", "--run", str(out)),
                ("score", "--run", str(out))):
        res = _cli(*cmd)
        assert res.returncode == 0, res.stderr
        assert "UnicodeDecodeError" not in res.stderr
        stderr += res.stderr.replace("\n", "")
    for name in ("perception", "reasoning", "samples"):
        assert f"{out / name}.jsonl:2" in stderr and "UTF-8" in stderr
    run = Run(out, create=False)
    assert len(run.table("reasoning")) == before["reasoning"]
    assert len(run.table("perception")) == before["perception"]
    assert len(run.table("verdicts")) == before["verdicts"]
    assert len(run.generations.store) == before["generations"]
    reruns = [json.loads(x) for x in (out / "stats.jsonl").read_bytes().splitlines() if b"\xff" not in x]
    assert [r["generated"] for r in reruns[-3:-1]] == [0, 0]  # perceive and reason reused everything


def test_a_reader_never_touches_a_line_being_written(tmp_path):
    out = tmp_path / "run"
    run = Run(out)
    for i in range(3):
        run.reasoning.append({"key": f"k{i}", "text": "x" * 100})
    run.sync()
    path = out / "reasoning.jsonl"
    line = json.dumps({"key": "k3", "text": "y" * 5000}) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    os.write(fd, line[:2000].encode())  # a writer in the middle of its line
    size = path.stat().st_size
    reader = Run(out, create=False)
    assert len(reader.reasoning) == 3 and len(reader.table("reasoning")) == 3
    assert path.stat().st_size == size, "a reader modified a file it does not hold"
    os.write(fd, line[2000:].encode())
    os.close(fd)
    assert [r["key"] for r in _lines(path)] == ["k0", "k1", "k2", "k3"]
    assert len(Run(out, create=False).table("reasoning")) == 4


WRITER = """
import sys
from rapid_eval.storage.store import RecordStore
s = RecordStore(sys.argv[1])
for i in range(int(sys.argv[2])):
    s.append({"key": f"k{i}", "text": str(i) * 20000})
s.close()
"""


def test_readers_while_a_writer_appends_lose_nothing(tmp_path):
    path = tmp_path / "reasoning.jsonl"
    n = 300
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(n)])
    seen = 0
    while proc.poll() is None:
        if path.exists():
            store = RecordStore(path)
            seen = max(seen, len(store))
            assert all(r["text"] == r["key"][1:] * 20000 for r in store)  # every indexed line is whole
            store.close()
    assert proc.returncode == 0
    assert seen > 0, "the reader never overlapped the writer"
    keys = [r["key"] for r in _lines(path)]
    assert keys == [f"k{i}" for i in range(n)]


def test_a_second_writer_of_a_stage_is_refused_with_the_holders_pid(tmp_path):
    out = tmp_path / "run"
    samples = rapid_eval.load_tasks(TASKS, data_dir=FIXTURES)
    with rapid_eval.load_engine("scripted", "vlm") as vlm:
        rapid_eval.perceive(samples, vlm, "cap,sol", out)
    slow = ("reason", "--reasoner", "llm", "--backend", "scripted", "--engine-arg", "delay=0.5", "--run", str(out))
    first = subprocess.Popen([sys.executable, "-m", "rapid_eval.cli", *slow], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 30
    while b'"stage": "reason"' not in (out / "generations.jsonl").read_bytes():  # the first one is generating
        assert time.time() < deadline and first.poll() is None
        time.sleep(0.02)
    second = _cli(*slow)
    assert second.returncode == 1
    assert f"process {first.pid} is already running `reason`" in second.stderr.replace("\n", " ")
    assert first.wait(60) == 0
    for name in ("reasoning", "generations"):
        keys = Counter(r["key"] for r in _lines(out / f"{name}.jsonl"))
        assert keys and max(keys.values()) == 1, f"duplicate lines in {name}.jsonl"
    # once the holder is gone (exit, or kill -9: the kernel drops the flock) the stage is free again
    again = _cli(*slow[:-4], "--run", str(out))
    assert again.returncode == 0, again.stderr


def test_stage_lock_in_process(tmp_path):
    from rapid_eval.storage.lock import RunLocked, StageLock

    with StageLock(tmp_path, "score"):
        with pytest.raises(RunLocked, match=f"process {os.getpid()} is already running `score`"):
            StageLock(tmp_path, "score").acquire()
        StageLock(tmp_path, "reason").acquire().release()  # stages are independent
    StageLock(tmp_path, "score").acquire().release()


@pytest.mark.parametrize("name", ["perception", "reasoning", "generations", "samples", "verdict_cache", "judge"])
def test_every_table_gives_the_latest_line_per_key(tmp_path, name):
    run = Run(tmp_path / "run")
    store = run.store(name)
    store.append({"key": "a", "text": "", "error": "HTTP 500"})
    store.append({"key": "b", "text": "x"})
    store.append({"key": "a", "text": "retried"})
    assert "a" in store and store.get("a")["text"] == "retried"
    run.sync()
    table = Run(tmp_path / "run").table(name)
    assert sorted(table.key) == ["a", "b"] and list(table[table.key == "a"].text) == ["retried"]


def test_a_store_holds_its_index_not_its_records(tmp_path):
    store = RecordStore(tmp_path / "g.jsonl")
    for i in range(50):
        store.append({"key": f"k{i}", "text": "z" * 10000, "error": "boom" if i % 10 == 0 else None})
    store.close()
    again = RecordStore(tmp_path / "g.jsonl")
    assert len(again) == 50 and "k1" in again and "k0" not in again and again.has("k0")
    assert all(isinstance(v, int) for v in again._idx().values())  # offsets, not dicts
    assert again.get("k7")["text"] == "z" * 10000


def test_a_torn_tail_is_repaired_by_the_next_appender_only(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text('{"key": "a", "text": "x"}\n{"key": "b", "te')
    reader = RecordStore(path)
    assert len(reader) == 1 and path.read_text().endswith('"te')  # a reader leaves it alone
    writer = RecordStore(path)
    writer.append({"key": "c", "text": "y"})
    writer.close()
    assert [r["key"] for r in _lines(path)] == ["a", "c"]


def test_a_rescore_with_no_new_answer_scores_nothing(tmp_path, monkeypatch):
    out = tmp_path / "run"
    _build(out)
    first = json.loads((out / "summary.json").read_text())
    import rapid_eval.grading.runner as runner

    def no_scoring(*a, **k):
        raise AssertionError("an unchanged run was scored again")

    monkeypatch.setattr(runner, "score_all", no_scoring)
    again = rapid_eval.score(out)
    assert again.summary.to_dict()["rows"] == first["rows"]
    # a new reasoner: only its answers are scored
    (out / "summary.json").unlink()  # and a pass that cannot reuse the files reads the verdict cache
    monkeypatch.undo()
    calls = []
    real = runner.score_all
    monkeypatch.setattr(runner, "score_all", lambda sc, samples, *a, **k: calls.append(len(samples)) or
                        real(sc, samples, *a, **k))
    with rapid_eval.load_engine("scripted", "llm2", reply="The answer is \\boxed{B}.") as llm:
        rapid_eval.reason(out, llm, scorer=None)
    result = rapid_eval.score(out)
    new = len([r for r in Run(out).reasoning if r["reasoner"]["model"] == "llm2"])
    assert 0 < sum(calls) <= new and (result.summary.cached_verdicts or 0) >= first["answers"] - new


def test_small_batches_write_the_same_records(tmp_path, monkeypatch):
    import rapid_eval.perception.runner as prunner
    import rapid_eval.reasoning.runner as rrunner

    _build(tmp_path / "one")
    monkeypatch.setattr(prunner, "BATCH", 2)
    monkeypatch.setattr(rrunner, "BATCH", 3)
    _build(tmp_path / "many")
    for name in ("perception", "reasoning", "generations"):
        one = sorted(json.dumps({k: v for k, v in r.items() if k != "created"}, sort_keys=True)
                     for r in _lines(tmp_path / "one" / f"{name}.jsonl"))
        many = sorted(json.dumps({k: v for k, v in r.items() if k != "created"}, sort_keys=True)
                      for r in _lines(tmp_path / "many" / f"{name}.jsonl"))
        assert one == many, name
    stats = [json.loads(x) for x in (tmp_path / "many" / "stats.jsonl").read_text().splitlines()]
    assert [s["generated"] for s in stats[:2]] == [
        json.loads(x)["generated"] for x in (tmp_path / "one" / "stats.jsonl").read_text().splitlines()[:2]]


def test_a_stage_lock_held_by_the_caller_is_reentrant(tmp_path):
    run = Run(tmp_path / "run")
    samples = rapid_eval.load_tasks("mathvista", data_dir=FIXTURES)
    with run.lock("perceive"):
        with rapid_eval.load_engine("scripted", "vlm") as vlm:
            rapid_eval.perceive(samples, vlm, "cap", run)  # takes the same lock inside
        from rapid_eval.storage.lock import RunLocked, StageLock

        with pytest.raises(RunLocked):
            StageLock(run.root, "perceive").acquire()  # still held after the inner release


def test_a_saved_index_is_used_only_while_it_matches_the_file(tmp_path, monkeypatch):
    from rapid_eval.storage import index as store_index

    monkeypatch.setattr(store_index, "MIN_BYTES", 0)
    path = tmp_path / "g.jsonl"
    store = RecordStore(path, persist_index=True)
    for i in range(20):
        store.append({"key": f"k{i}", "text": f"t{i}"})
    store.close()
    assert store_index.index_path(path).exists()
    assert store_index.load(path) is not None
    RecordStore(path, persist_index=True).append({"key": "k3", "text": "new"})  # after the saved index
    again = RecordStore(path, persist_index=True)
    assert len(again) == 20 and again.get("k3")["text"] == "new"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join([lines[0], b'{"key": "k0", "text": "edited"}\n', *lines[2:]]))  # rewritten
    assert store_index.load(path) is None
    fresh = RecordStore(path, persist_index=True)
    assert fresh.get("k0")["text"] == "edited" and "k1" not in fresh and fresh.get("k19")["text"] == "t19"


def test_constant_templates_render_once_and_included_ones_every_time(tmp_path):
    from rapid_eval.prompts import PromptSet

    (tmp_path / "reasoner_system.jinja").write_text("Fixed.")
    (tmp_path / "part.jinja").write_text("Q={{ question }}")
    (tmp_path / "reason_none.jinja").write_text('{% include "part.jinja" %}')
    p = PromptSet(tmp_path)
    assert p.render("reasoner_system", question="a") == p.render("reasoner_system", question="b") == "Fixed."
    assert p.render("reason_none", question="a") == "Q=a" and p.render("reason_none", question="b") == "Q=b"


def test_a_line_damaged_behind_an_intact_key_is_reported_when_read(tmp_path, capsys):
    path = tmp_path / "r.jsonl"
    store = RecordStore(path)
    for k in "abc":
        store.append({"key": k, "text": "x" * 50})
    store.close()
    data = path.read_bytes().replace(b'"text": "xxxx', b'"text"# "xxxx', 1)  # same length, line 1 broken
    path.write_bytes(data)
    again = RecordStore(path)
    assert [r["key"] for r in again] == ["b", "c"]
    assert f"{path}:1: unreadable record" in capsys.readouterr().err.replace("\n", "")
    assert "a" not in again and again.get("a") is None  # forgotten: the stage that owns it computes it again


def test_a_pass_with_unscored_items_is_not_kept_as_it_is(tmp_path):
    out = tmp_path / "run"
    _build(out)
    summary = json.loads((out / "summary.json").read_text())
    summary["rows"][0]["unscored"] = 1  # as if an item could not be decided last time
    (out / "summary.json").write_text(json.dumps(summary))
    again = rapid_eval.score(out).summary
    assert again.rows[0].unscored == 0 and (again.cached_verdicts or 0) > 0


def test_a_kept_pass_reports_the_failed_records_added_since(tmp_path):
    """The unchanged-answers shortcut keeps the verdicts, but its ``incomplete`` counts must be today's: reasoning
    records that failed since the last pass add no answer, yet the run is incomplete."""
    out = tmp_path / "run"
    _build(out)
    assert rapid_eval.score(out).incomplete == {}
    with rapid_eval.load_engine("scripted", "llm-down", fail_on="helpful assistant") as llm:  # every call fails
        assert rapid_eval.reason(out, llm).failed > 0
    failed = sum(1 for r in Run(out).reasoning if r.get("error"))
    again = rapid_eval.score(out)
    assert again.incomplete == {"failed_reasoning": failed}


def test_a_batch_counts_successes_tokens_and_labelled_failures(tmp_path):
    from rapid_eval import api
    from rapid_eval.storage.cache import GenerationCache
    from rapid_eval.types import ChatRequest, Message

    reqs = [ChatRequest(messages=(Message(role="user", text=t),)) for t in ("ok one", "FAIL here", "ok two")]
    with api.load_engine("scripted", "m", reply="fine", fail_on="FAIL") as engine:
        _, stats = GenerationCache(tmp_path / "g.jsonl").run(engine, reqs, "perceive", labels=["a", "b", "c"])
    assert (stats.generated, stats.failed, stats.reused) == (2, 1, 0)
    assert len(stats.errors) == 1 and stats.errors[0].startswith("b: ")
    assert stats.completion_tokens > 0 and stats.prompt_tokens > 0
