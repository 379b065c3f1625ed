"""The OpenAI engine against a real ``transformers serve`` on 127.0.0.1 with the tiny LLM and VLM."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from rapid_eval.engines.openai_api import OpenAIEngine, ServerUnavailable
from rapid_eval.engines.registry import load_engine
from rapid_eval.types import ChatRequest, Message, SamplingParams


def req(text, *imgs, sampling=SamplingParams(max_new_tokens=40)):
    return ChatRequest((Message("user", text, tuple(imgs)),), sampling)


def test_llm_reasoning_content_and_usage(tiny_server, tiny_models):
    engine = load_engine("openai", str(tiny_models["llm"]), base_url=tiny_server, concurrency=4)
    seen: list[tuple[int, str]] = []
    out = engine.generate([
        req("What is 2+3?", sampling=SamplingParams(temperature=0.6, top_p=0.95, max_new_tokens=64, seed=3)),
        req("What is 2+3?", sampling=SamplingParams(max_new_tokens=64, enable_thinking=False)),
        req("cut", sampling=SamplingParams(max_new_tokens=4)),
    ], lambda i, c: seen.append((i, threading.current_thread().name)))
    assert sorted(i for i, _ in seen) == [0, 1, 2]
    think, plain, cut = out
    assert (think.text, think.reasoning, think.finish_reason) == ("The answer is \\boxed{5}", "Add the numbers.",
                                                                   "stop")
    assert think.prompt_tokens > 0 and think.completion_tokens == 16 and think.error is None
    assert (plain.text, plain.reasoning) == ("The answer is \\boxed{5}", None)
    assert plain.prompt_tokens > think.prompt_tokens  # the empty think block is part of the prompt
    assert cut.finish_reason == "length" and cut.truncated_thinking and cut.text == ""


def test_vlm_with_images(tiny_server, tiny_models, images):
    engine = OpenAIEngine(str(tiny_models["vlm"]), base_url=tiny_server, concurrency=3)
    reqs = [req("What colours?", images["red"], images["blue"]), req("text only"), req("broken", images["corrupt"]),
            req("webp", images["gray"])]
    out = engine.generate(reqs)
    ok = [out[0], out[1], out[3]]
    assert all(c.error is None and c.finish_reason in ("stop", "length") and c.completion_tokens for c in ok)
    assert out[0].prompt_tokens > out[3].prompt_tokens > out[1].prompt_tokens  # image placeholders counted
    assert out[2].finish_reason == "error" and "corrupt.png" in out[2].error
    ident = engine.identity()
    assert ident["server"] == "localhost" and ident["path"] == str(tiny_models["vlm"]) and "api" not in str(ident)


def test_unreachable_server_fails_the_whole_run():
    from rapid_eval.dev.serve import free_port

    engine = OpenAIEngine("m", base_url=f"http://127.0.0.1:{free_port()}/v1")
    with pytest.raises(ServerUnavailable, match="cannot reach"):
        engine.generate([req("hi")])


def test_launcher_pins_the_vlm(tiny_models, images):
    """``python -m rapid_eval.dev.serve MODEL_DIR`` serves the tiny VLM (remote-code processor) pinned to its path."""
    from rapid_eval.dev.serve import serve_local

    with serve_local(tiny_models["vlm"]) as base_url:
        out = OpenAIEngine(str(tiny_models["vlm"]), base_url=base_url).generate([req("colour?", images["green"])])
        other = OpenAIEngine("some-other-model", base_url=base_url).generate([req("hi")])
    assert out[0].error is None and out[0].completion_tokens
    assert other[0].finish_reason == "error" and "HTTP 400" in other[0].error and "pinned" in other[0].error


def test_serve_local_surfaces_the_log(tmp_path):
    from rapid_eval.dev.serve import serve_local

    with pytest.raises(RuntimeError, match="exited with code") as err:
        with serve_local(tmp_path / "no-such-model", timeout=60):
            pass
    assert "no-such-model" in str(err.value)


def test_openai_module_imports_no_heavy_packages():
    code = ("import sys, rapid_eval.engines.openai_api, rapid_eval.engines.registry; "
            "bad = [m for m in ('torch', 'transformers', 'datasets', 'httpx2', 'PIL') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
