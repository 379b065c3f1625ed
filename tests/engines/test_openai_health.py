"""Bounded give-up and counted retries of the OpenAI engine, against a real HTTP server on 127.0.0.1:
a server failing everything the same way trips the circuit breaker, a hung chat endpoint is detected by the
stall watchdog in seconds, a slow but alive server is not, and retries are counted by cause."""

from __future__ import annotations

import random
import time

import pytest
from loopback import LoopbackServer, Reply, chat_json

from rapid_eval.engines.openai_api import OpenAIEngine, ServerUnavailable
from rapid_eval.types import ChatRequest, Message, SamplingParams

FAST_RETRY = dict(backoff_base=0.01, backoff_max=0.05)


def req(text):
    return ChatRequest((Message("user", text),), SamplingParams(max_new_tokens=16))


def prompt_of(r) -> str:
    return r.json()["messages"][-1]["content"]


def models_or(answer):
    async def handler(r):
        if r.path.endswith("/models"):
            return Reply(body={"object": "list", "data": [{"id": "m", "owned_by": "test"}]})
        return await answer(r)

    return handler


def posts(srv) -> int:
    return sum(r.path.endswith("/chat/completions") for r in srv.requests)


def test_a_server_failing_everything_the_same_way_opens_the_circuit():
    async def broken(r):
        return Reply(500, {"error": {"message": "model weights not loaded"}})

    done = []
    with LoopbackServer(models_or(broken)) as srv:
        engine = OpenAIEngine("m", base_url=srv.base_url, concurrency=8, breaker_threshold=16, breaker_window=0.3,
                              max_retries=50, **FAST_RETRY)
        t0 = time.perf_counter()
        with pytest.raises(ServerUnavailable) as err:
            engine.generate([req(f"q{i}") for i in range(200)], lambda i, c: done.append(i))
        took = time.perf_counter() - t0
    message = str(err.value)
    assert "\n" not in message and "model weights not loaded" in message and "in a row" in message
    assert posts(srv) < 400  # the breaker stopped sending within its window; 200 x 51 attempts were never made
    assert took < 5 and done == []
    assert engine.counters()["retries_by_cause"] == {"http_500": engine.counters()["retries"]}


def test_a_hung_chat_endpoint_is_detected_in_seconds_and_answers_so_far_are_kept():
    async def hangs_after_two(r):
        if prompt_of(r).startswith("fast"):
            return Reply(body=chat_json("ok"))
        return Reply(body=chat_json("late"), delay=60)

    done: list[int] = []
    with LoopbackServer(models_or(hangs_after_two)) as srv:
        engine = OpenAIEngine("m", base_url=srv.base_url, concurrency=4, stall_timeout=1.0, probe_timeout=1.0)
        t0 = time.perf_counter()
        with pytest.raises(ServerUnavailable, match="looks hung") as err:
            engine.generate([req("fast 1"), req("fast 2"), req("slow 1"), req("slow 2"), req("slow 3")],
                            lambda i, c: done.append(i))
        took = time.perf_counter() - t0
    assert sorted(done) == [0, 1]  # the answers that came back were delivered (and so saved by the runner)
    assert took < 6, took
    assert engine.counters()["probes"] == 1 and "\n" not in str(err.value)


def test_a_slow_but_alive_server_is_probed_not_abandoned():
    async def slow(r):
        if prompt_of(r) == "ping":
            return Reply(body=chat_json("p"))
        return Reply(body=chat_json("ok"), delay=1.2)

    with LoopbackServer(models_or(slow)) as srv:
        engine = OpenAIEngine("m", base_url=srv.base_url, concurrency=2, stall_timeout=0.5, probe_timeout=1.0)
        out = engine.generate([req("a"), req("b"), req("c"), req("d")])
    assert [c.text for c in out] == ["ok"] * 4
    assert engine.counters()["probes"] >= 1


def test_retries_are_counted_by_cause_and_random_faults_never_trip_the_breaker():
    rng = random.Random(7)
    faults = [Reply(429, {"error": "slow down"}), Reply(500, {"error": "oops"}), Reply(503, {"error": "busy"}),
              Reply(200, b'{"choices": [')]

    async def flaky(r):
        if rng.random() < 0.3:
            return rng.choice(faults)
        return Reply(body=chat_json(prompt_of(r)))

    with LoopbackServer(models_or(flaky)) as srv:
        engine = OpenAIEngine("m", base_url=srv.base_url, concurrency=16, max_retries=8, **FAST_RETRY)
        out = engine.generate([req(f"q{i}") for i in range(300)])
    assert [c.text for c in out] == [f"q{i}" for i in range(300)]
    counts = engine.counters()
    assert counts["attempts"] == posts(srv) and counts["retries"] == posts(srv) - 300 > 0
    assert set(counts["retries_by_cause"]) <= {"http_429", "http_500", "http_503", "malformed"}
    assert sum(counts["retries_by_cause"].values()) == counts["retries"]


def test_connect_and_read_timeouts_are_separate_options():
    engine = OpenAIEngine("m", base_url="http://127.0.0.1:9/v1", timeout=300, connect_timeout=2)
    assert (engine._transport().timeout, engine._transport().connect_timeout) == (300, 2)


def test_a_short_burst_of_identical_failures_does_not_open_the_circuit():
    """At concurrency 16, a 429 storm fails every request in flight the same way at once; within the breaker's
    time window that is a burst to retry, not a dead server."""
    import asyncio

    storm = {"until": 0.0}

    async def stormy(r):
        now = asyncio.get_running_loop().time()
        if not storm["until"]:
            storm["until"] = now + 0.4
        if now < storm["until"]:
            return Reply(429, {"error": {"message": "rate limited"}})
        return Reply(body=chat_json(prompt_of(r)))

    with LoopbackServer(models_or(stormy)) as srv:
        engine = OpenAIEngine("m", base_url=srv.base_url, concurrency=16, breaker_threshold=16, breaker_window=5,
                              max_retries=20, **FAST_RETRY)
        out = engine.generate([req(f"q{i}") for i in range(64)])
    assert [c.text for c in out] == [f"q{i}" for i in range(64)]
    assert engine.counters()["retries_by_cause"]["http_429"] >= 16  # the streak passed the count, not the window
