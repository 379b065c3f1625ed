"""The OpenAI engine against the fault-injecting server on 127.0.0.1 (every fault kind at 20 %): every
request completes with the faultless answer, and the retries the engine counts are exactly the faults the
server injected."""

from __future__ import annotations

from rapid_eval.dev.fault_server import FAULTS, fault_server, good_answer
from rapid_eval.engines.openai_api import OpenAIEngine
from rapid_eval.types import ChatRequest, Message, SamplingParams


def test_every_request_survives_twenty_percent_faults():
    prompts = [f"question {i}" for i in range(300)]
    with fault_server(rate=0.2, seed=3, hang=0.6, retry_after=0.05) as (base_url, server):
        engine = OpenAIEngine("m", base_url=base_url, concurrency=16, timeout=0.3, max_retries=8,
                              backoff_base=0.01, backoff_max=0.05)
        out = engine.generate([ChatRequest((Message("user", p),), SamplingParams(max_new_tokens=8))
                               for p in prompts])
    counts = dict(server.counts)
    failing = sum(counts.get(k, 0) for k in FAULTS if k != "huge")
    assert all(c.error is None for c in out), [c.error for c in out if c.error][:3]
    assert [c.text[-40:] for c in out] == [good_answer(p)[-40:] for p in prompts]
    assert sum(len(c.text) > 1 << 20 for c in out) == counts.get("huge", 0) > 0  # 1 MB answers kept whole
    assert engine.counters()["retries"] == failing > 30
    assert engine.counters()["attempts"] == counts["requests"]
