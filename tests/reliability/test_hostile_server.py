"""Attacks from a hostile OpenAI-compatible server (``rapid_eval.dev.hostile_server``) on 127.0.0.1: a reply of
the wrong shape or with poisoned values is one failed (or cleaned) call with the good replies around it kept; an
endless or huge body is refused at ``max_response_bytes`` without growing memory; a server's error text cannot
drive the terminal; a poisoned ``usage`` already in a run's cache cannot break a rerun."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from testlib import FIXTURES

from rapid_eval.dev.fault_server import fault_server
from rapid_eval.dev.hostile_server import MEMORY, SHAPES, VALUES, hostile_server
from rapid_eval.engines.openai_api import OpenAIEngine
from rapid_eval.types import ChatRequest, Message, SamplingParams

QUICK = dict(backoff_base=0.01, backoff_max=0.02, timeout=5.0, stall_timeout=0, concurrency=3)


def _requests(n: int) -> list[ChatRequest]:
    return [ChatRequest((Message("user", f"question {i}"),), SamplingParams(max_new_tokens=8)) for i in range(n)]


def _storable(c) -> None:
    """What the cache would write: strict JSON (no NaN), encodable as UTF-8."""
    json.dumps(c.to_dict(), allow_nan=False, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("mode", SHAPES)
def test_a_wrong_shape_reply_is_a_failed_call_and_the_good_ones_are_kept(mode):
    with hostile_server(mode, every=3) as (url, server):
        engine = OpenAIEngine("m", base_url=url, http_client="fast", max_retries=0, **QUICK)
        out = engine.generate(_requests(12))
    failed = [c for c in out if c.error]
    assert len(failed) == server.counts[mode] == 4
    assert all(c.finish_reason == "error" for c in failed)
    assert sum(1 for c in out if not c.error and "boxed" in c.text) == 8
    for c in out:
        _storable(c)


def test_wrong_shapes_are_retried_until_a_good_reply_comes():
    with hostile_server("content_int", every=3) as (url, _):
        out = OpenAIEngine("m", base_url=url, http_client="fast", max_retries=3, **QUICK).generate(_requests(20))
    assert all(not c.error and "boxed" in c.text for c in out)


@pytest.mark.parametrize("mode", VALUES)
def test_poisoned_usage_and_lone_surrogates_are_cleaned_before_storing(mode):
    with hostile_server(mode, every=1) as (url, _):
        out = OpenAIEngine("m", base_url=url, http_client="fast", max_retries=0, **QUICK).generate(_requests(2))
    for c in out:
        assert c.error is None and "boxed" in c.text
        _storable(c)
        for n in (c.prompt_tokens, c.completion_tokens):
            assert n is None or (type(n) is int and 0 <= n < 10**9 and not math.isnan(n))
    if mode == "surrogate":
        assert "\ufffd The answer" in out[0].text
    else:
        assert out[0].prompt_tokens is None


def test_a_servers_error_text_cannot_drive_the_terminal():
    with hostile_server("escape_error", every=1) as (url, _):
        out = OpenAIEngine("m", base_url=url, http_client="fast", max_retries=0, **QUICK).generate(_requests(1))
    assert out[0].error and "\x1b" not in out[0].error and "\\x1b[2J" in out[0].error


@pytest.mark.parametrize("client", ["fast", "httpx"])
@pytest.mark.parametrize("mode", MEMORY)
def test_endless_and_huge_bodies_are_refused_at_the_limit_without_growing_memory(mode, client):
    if client == "httpx" and mode == "endless_headers":
        pytest.skip("h11 bounds headers itself")
    tracemalloc.start()
    try:
        with hostile_server(mode, every=2, size=40 << 20) as (url, _):
            engine = OpenAIEngine("m", base_url=url, http_client=client, max_retries=2, **QUICK)
            t0 = time.perf_counter()
            out = engine.generate(_requests(4))
            took = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    bad = [c for c in out if c.error]
    assert len(bad) == 2 and all("max_response_bytes" in c.error or "header" in c.error for c in bad), bad
    assert sum(1 for c in out if "boxed" in c.text) == 2
    assert peak < 64 << 20, f"peak {peak >> 20} MiB"
    assert took < 4.0


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rapid_eval.cli", *args], capture_output=True, text=True,
                          timeout=120)


def test_a_poisoned_usage_in_the_cache_does_not_break_a_rerun(tmp_path: Path):
    fast = ["--engine-arg", "backoff_base=0.01", "--engine-arg", "max_retries=0", "--engine-arg", "concurrency=4"]
    run = tmp_path / "run"
    args = ["perceive", "--model", "vlm", "--tasks", "wemath", "--variants", "cap", "--data-dir", str(FIXTURES),
            "--out", str(run), *fast]
    with hostile_server("usage_abc", every=2) as (url, _):
        first = _cli(*args, "--base-url", url)
    assert first.returncode == 0, first.stderr[-2000:]
    gens = run / "generations.jsonl"
    stored = [json.loads(x) for x in gens.read_text().splitlines()]
    assert stored and all(r["prompt_tokens"] in (None, 10) for r in stored)
    # a cache written before usage was checked (or edited by hand): the same bytes, poisoned
    gens.write_text(gens.read_text().replace('"prompt_tokens": 10', '"prompt_tokens": []'))
    (run / "perception.jsonl").unlink()
    with fault_server(rate=0.0) as (url, _):
        again = _cli(*args, "--base-url", url)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "Traceback" not in again.stderr
    per = [json.loads(x) for x in (run / "perception.jsonl").read_text().splitlines()]
    assert per and all(isinstance(r["prompt_tokens"], int) and not r.get("error") for r in per)
