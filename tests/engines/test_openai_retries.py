"""The OpenAI engine against a scripted loopback HTTP server: retries, Retry-After, request bodies, secrets,
and throughput next to a bare asyncio client."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections import defaultdict

import pytest
from loopback import LoopbackServer, Reply, chat_json

from rapid_eval.engines.openai_api import OpenAIEngine, ServerUnavailable
from rapid_eval.types import ChatRequest, Message, SamplingParams

FAST_RETRY = dict(backoff_base=0.01, backoff_max=0.05)
CLIENTS = ["fast", "httpx"]


def req(text, *imgs, sampling=SamplingParams(max_new_tokens=16)):
    return ChatRequest((Message("user", text, tuple(imgs)),), sampling)


def scripted(plan: dict[str, list[Reply]], models_owner: str = "test"):
    """A handler that answers each prompt text with its planned replies in turn, then with success."""
    seen: dict[str, int] = defaultdict(int)

    async def handler(r):
        if r.path.endswith("/models"):
            return Reply(body={"object": "list", "data": [{"id": "m", "owned_by": models_owner}]})
        text = r.json()["messages"][-1]["content"]
        text = text if isinstance(text, str) else text[-1]["text"]
        n = seen[text]
        seen[text] += 1
        replies = plan.get(text, [])
        return replies[n] if n < len(replies) else Reply(body=chat_json(f"answer to {text}"))

    return handler


@pytest.mark.parametrize("client", CLIENTS)
def test_transient_failures_are_retried(client):
    good = json.dumps(chat_json("x")).encode()
    plan = {
        "rate": [Reply(429, {"error": "slow down"}, {"Retry-After": "1"})],
        "boom": [Reply(500, {"error": "oops"}), Reply(503, {"error": "busy"})],
        "trunc": [Reply(200, good[:25])],
        "cut": [Reply(200, good, close_after=10)],
        "nochoice": [Reply(200, {"error": {"message": "overloaded"}})],
    }
    with LoopbackServer(scripted(plan)) as srv:
        engine = OpenAIEngine("m", base_url=srv.base_url, http_client=client, **FAST_RETRY)
        done: dict[int, float] = {}
        t0 = time.perf_counter()
        out = engine.generate([req(t) for t in [*plan, "plain"]], lambda i, c: done.setdefault(
            i, time.perf_counter() - t0))
    assert [c.text for c in out] == [f"answer to {t}" for t in [*plan, "plain"]]
    assert all(c.error is None and c.finish_reason == "stop" for c in out)
    assert done[0] >= 1.0  # Retry-After honoured
    assert done[5] < 0.9  # other requests did not wait for it
    counts = defaultdict(int)
    for r in srv.requests:
        if r.path.endswith("/chat/completions"):
            counts[r.json()["messages"][-1]["content"]] += 1
    assert dict(counts) == {"rate": 2, "boom": 3, "trunc": 2, "cut": 2, "nochoice": 2, "plain": 1}


def test_final_failures_become_error_completions():
    plan = {"always": [Reply(503, {"error": "down"})] * 10, "bad": [Reply(400, {"detail": "no such field"})]}
    with LoopbackServer(scripted(plan)) as srv:
        engine = OpenAIEngine("m", base_url=srv.base_url, max_retries=2, **FAST_RETRY)
        out = engine.generate([req("always"), req("bad"), req("fine")])
    assert out[0].finish_reason == "error" and "HTTP 503" in out[0].error and "after 3 attempts" in out[0].error
    assert out[1].finish_reason == "error" and "HTTP 400" in out[1].error and "attempts" not in out[1].error
    assert out[2].text == "answer to fine"
    posts = [r for r in srv.requests if r.path.endswith("/chat/completions")]
    assert len(posts) == 3 + 1 + 1


def test_request_body_fields(images):
    with LoopbackServer(scripted({})) as srv:
        engine = OpenAIEngine("served-name", base_url=srv.base_url)
        engine.generate([
            req("plain", sampling=SamplingParams(temperature=0.6, top_p=0.95, max_new_tokens=99, seed=5)),
            req("think-off", sampling=SamplingParams(enable_thinking=False, repetition_penalty=1.1)),
            req("pics", images["red"], images["blue"]),
        ])
    posts = [r.json() for r in srv.requests if r.method == "POST"]
    by_text = {json.dumps(b["messages"][-1]["content"]): b for b in posts}
    plain, off = by_text['"plain"'], by_text['"think-off"']
    pics = next(b for b in posts if isinstance(b["messages"][-1]["content"], list))
    assert plain["model"] == "served-name" and plain["max_tokens"] == 99 and plain["seed"] == 5
    assert (plain["temperature"], plain["top_p"]) == (0.6, 0.95)
    assert not {"stop", "top_k", "n", "chat_template_kwargs", "repetition_penalty"} & set(plain)
    assert off["chat_template_kwargs"] == {"enable_thinking": False} and off["repetition_penalty"] == 1.1
    parts = pics["messages"][-1]["content"]
    assert [p["type"] for p in parts] == ["image_url", "image_url", "text"] and parts[2]["text"] == "pics"
    png, jpg = (p["image_url"]["url"] for p in parts[:2])
    assert png.startswith("data:image/png;base64,") and jpg.startswith("data:image/jpeg;base64,")
    assert base64.b64decode(png.split(",", 1)[1]) == open(images["red"], "rb").read()
    assert pics["messages"][0]["role"] == "user"


@pytest.mark.parametrize("client", CLIENTS)
def test_per_request_timeout(client):
    async def handler(r):
        slow = r.path.endswith("/chat/completions") and r.json()["messages"][-1]["content"] == "slow"
        return Reply(body=chat_json("done"), delay=2.0 if slow else 0.0)

    with LoopbackServer(handler) as srv:
        engine = OpenAIEngine("m", base_url=srv.base_url, timeout=0.3, max_retries=1, http_client=client,
                              **FAST_RETRY)
        t0 = time.perf_counter()
        out = engine.generate([req("slow"), req("quick")])
        elapsed = time.perf_counter() - t0
    assert out[0].finish_reason == "error" and "timed out" in out[0].error and "2 attempts" in out[0].error
    assert out[1].text == "done"
    assert elapsed < 1.5


def test_generate_inside_a_running_event_loop():
    async def main():
        return engine.generate([req("a"), req("b")])

    with LoopbackServer(scripted({})) as srv:
        engine = OpenAIEngine("m", base_url=srv.base_url)
        out = asyncio.run(main())
    assert [c.text for c in out] == ["answer to a", "answer to b"]


def test_vllm_servers_get_pinned_sampling():
    with LoopbackServer(scripted({}, models_owner="vllm")) as srv:
        OpenAIEngine("m", base_url=srv.base_url).generate([req("x")])
    body = next(r.json() for r in srv.requests if r.method == "POST")
    assert body["top_k"] == -1 and body["repetition_penalty"] == 1.0 and body["min_p"] == 0.0


def test_reasoning_fields_and_think_tags():
    replies = {"rc": [Reply(body=chat_json("final", reasoning="trace"))],
               "tags": [Reply(body=chat_json("<think>inner</think>\n\nouter"))],
               "cut": [Reply(body={**chat_json("", reasoning="half a thought", finish="length")})]}
    with LoopbackServer(scripted(replies)) as srv:
        out = OpenAIEngine("m", base_url=srv.base_url).generate([req(t) for t in replies])
    assert (out[0].text, out[0].reasoning) == ("final", "trace")
    assert (out[1].text, out[1].reasoning) == ("outer", "inner")
    assert out[2].truncated_thinking and out[2].finish_reason == "length"
    assert (out[0].prompt_tokens, out[0].completion_tokens) == (7, 3)


def test_api_key_comes_from_env_and_never_leaks(monkeypatch):
    secret = "sk-test-" + "s3cr3t" * 4
    monkeypatch.setenv("MY_KEY", secret)

    async def handler(r):
        if r.path.endswith("/models"):
            return Reply(body={"data": []})
        return Reply(400, {"detail": f"bad key {r.headers['authorization']}"})

    with LoopbackServer(handler) as srv:
        engine = OpenAIEngine("m", base_url=srv.base_url, api_key_env="MY_KEY")
        out = engine.generate([req("x")])
    assert all(r.headers["authorization"] == f"Bearer {secret}" for r in srv.requests)
    assert out[0].finish_reason == "error" and secret not in out[0].error and "***" in out[0].error
    assert secret not in json.dumps(engine.identity()) and secret not in json.dumps(engine.options)


def test_rejected_key_fails_the_whole_run(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)

    async def handler(r):
        return Reply(401, {"error": "invalid api key"})

    with LoopbackServer(handler) as srv:
        with pytest.raises(ServerUnavailable, match="OPENAI_API_KEY"):
            OpenAIEngine("m", base_url=srv.base_url).generate([req("x")])
        assert srv.requests[0].headers["authorization"] == "Bearer EMPTY"


def test_throughput_matches_a_bare_asyncio_client():
    """400 requests, 50 ms server latency, default concurrency: within reach of a raw keep-alive client."""
    body = json.dumps(chat_json("The answer is 5")).encode()

    async def handler(r):
        return Reply(body=body, delay=0.0 if r.path.endswith("/models") else 0.05)

    n = 400
    reqs = [req(f"question {i}") for i in range(n)]
    with LoopbackServer(handler) as srv:
        engine = OpenAIEngine("m", base_url=srv.base_url)
        payload = json.dumps({"model": "m", "messages": [{"role": "user", "content": "q"}]}).encode()
        head = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: {len(payload)}\r\n\r\n").encode()

        async def bare() -> None:
            todo = iter(range(n))

            async def worker() -> None:
                r, w = await asyncio.open_connection("127.0.0.1", srv.port)
                for _ in todo:
                    w.write(head + payload)
                    await w.drain()
                    await r.readline()
                    size = 0
                    while (h := await r.readline()) != b"\r\n":
                        if h.lower().startswith(b"content-length"):
                            size = int(h.split(b":")[1])
                    json.loads(await r.readexactly(size))
                w.close()

            await asyncio.gather(*(worker() for _ in range(engine.concurrency)))

        def timed(fn) -> float:
            t0 = time.perf_counter()
            fn()
            return time.perf_counter() - t0

        ours = min(timed(lambda: engine.generate(reqs)) for _ in range(2))
        raw = min(timed(lambda: asyncio.run(bare())) for _ in range(2))
    assert engine.concurrency >= 32
    assert ours <= raw / 0.8, f"engine {n / ours:.0f} req/s vs bare client {n / raw:.0f} req/s"


def test_extra_body_is_part_of_the_cache_identity():
    """GPT-OSS's reasoning effort travels in extra_body: answers at 'high' must never be reused for 'low'."""
    url = "http://127.0.0.1:9/v1"
    plain = OpenAIEngine("openai/gpt-oss-120b", base_url=url, check_server=False).identity()
    high = OpenAIEngine("openai/gpt-oss-120b", base_url=url, check_server=False,
                        extra_body={"reasoning_effort": "high"}).identity()
    low = OpenAIEngine("openai/gpt-oss-120b", base_url=url, check_server=False,
                       extra_body={"reasoning_effort": "low"}).identity()
    assert "extra_body" not in plain  # runs made without extra fields keep their keys
    assert high["extra_body"] == {"reasoning_effort": "high"} and len({json.dumps(i) for i in (plain, high, low)}) == 3
