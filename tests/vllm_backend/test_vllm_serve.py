"""The openai engine against a real ``vllm serve`` (CPU, the scripted tiny Qwen3, reasoning parser on):
reasoning split by the server, continuous batching, vLLM's own error bodies; then ``vllm-router`` in front of
two real vLLM servers as one endpoint (the multi-node recipe of README, on 127.0.0.1)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from vllm_servers import SKIP_REASON, metrics, vllm_router, vllm_serve

pytest.importorskip("vllm", reason=SKIP_REASON)

from rapid_eval.dev._tiny_tokenizer import SCRIPTED_ANSWER, SCRIPTED_REASONING  # noqa: E402
from rapid_eval.engines.openai_api import OpenAIEngine  # noqa: E402
from rapid_eval.types import ChatRequest, Message, SamplingParams  # noqa: E402

pytestmark = pytest.mark.vllm


def req(text, **sampling):
    return ChatRequest((Message("user", text),), SamplingParams(**{"max_new_tokens": 64, **sampling}))


def post(base_url: str, body: dict) -> tuple[int, dict]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(base_url + "/chat/completions", data, {"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.fixture(scope="module")
def server(vllm_model):
    with vllm_serve(vllm_model, "--reasoning-parser", "qwen3") as url:
        yield url


def test_reasoning_is_split_by_the_server(server, vllm_model):
    status, raw = post(server, {"model": str(vllm_model), "max_tokens": 64,
                                "messages": [{"role": "user", "content": "What is 2+3?"}]})
    msg = raw["choices"][0]["message"]
    assert status == 200 and (msg.get("reasoning") or msg.get("reasoning_content")) == SCRIPTED_REASONING
    assert "<think>" not in msg["content"] and "</think>" not in msg["content"]  # the parser took the trace out

    engine = OpenAIEngine(str(vllm_model), base_url=server, concurrency=4)
    think, plain, cut, hot = engine.generate([
        req("What is 2+3?"), req("What is 2+3?", enable_thinking=False), req("cut", max_new_tokens=4),
        req("What is 2+3?", temperature=0.6, top_p=0.95, seed=3)])
    assert engine.pin_sampling is True  # /models says owned_by vllm: top_k/min_p/repetition_penalty pinned
    assert (think.reasoning, think.text, think.finish_reason, think.error) == (
        SCRIPTED_REASONING, SCRIPTED_ANSWER, "stop", None)
    assert (think.prompt_tokens, think.completion_tokens) == (raw["usage"]["prompt_tokens"], 16)
    assert (plain.reasoning, plain.text) == (None, SCRIPTED_ANSWER) and plain.prompt_tokens > think.prompt_tokens
    assert (cut.finish_reason, cut.completion_tokens, cut.text, cut.truncated_thinking) == ("length", 4, "", True)
    assert (hot.reasoning, hot.text) == (SCRIPTED_REASONING, SCRIPTED_ANSWER)


def test_concurrent_requests_are_batched_by_the_server(server, vllm_model):
    before = metrics(server)
    n = 48
    engine = OpenAIEngine(str(vllm_model), base_url=server, concurrency=n)
    out = engine.generate([req(f"Question {i}: what is {i} + 3?", temperature=0.6, seed=i) for i in range(n)])
    after = metrics(server)
    assert all((c.text, c.error) == (SCRIPTED_ANSWER, None) for c in out)
    steps = after["vllm:iteration_tokens_total_count"] - before["vllm:iteration_tokens_total_count"]
    done = after["vllm:request_success_total"] - before["vllm:request_success_total"]
    # one request at a time would take n * 16 = 768 engine steps; continuous batching shares them
    assert done == n and steps < n * 16 / 4, steps


def test_errors_are_vllms_own_and_stay_per_request(server, vllm_model):
    engine = OpenAIEngine(str(vllm_model), base_url=server, concurrency=4, max_retries=0)
    out = engine.generate([req("fine"), req("word " * 600), req("also fine")])
    assert out[0].text == out[2].text == SCRIPTED_ANSWER
    assert out[1].finish_reason == "error" and "HTTP 400" in out[1].error
    assert "maximum context length is 512 tokens" in out[1].error  # vLLM's error body, passed through
    other = OpenAIEngine("no-such-model", base_url=server, max_retries=0).generate([req("hi")])[0]
    assert other.finish_reason == "error" and "HTTP 404" in other.error and "does not exist" in other.error


def test_router_in_front_of_two_vllm_servers(server, vllm_model):
    """``vllm-router`` (round robin) over two ``vllm serve`` processes: one endpoint, the work split."""
    with vllm_serve(vllm_model, "--reasoning-parser", "qwen3") as second:
        with vllm_router([server, second], "--policy", "round_robin") as router:
            before = [metrics(server), metrics(second)]
            n = 16
            engine = OpenAIEngine(str(vllm_model), base_url=router, concurrency=8)
            out = engine.generate([req(f"Question {i}", temperature=0.6, seed=i) for i in range(n)])
            after = [metrics(server), metrics(second)]
    assert all((c.reasoning, c.text, c.error) == (SCRIPTED_REASONING, SCRIPTED_ANSWER, None) for c in out)
    assert engine.pin_sampling is True  # the router forwards /models to a vLLM worker
    served = [a["vllm:request_success_total"] - b["vllm:request_success_total"] for a, b in zip(after, before,
                                                                                              strict=True)]
    assert sum(served) == n and min(served) >= n // 4, served  # both servers did part of the work
