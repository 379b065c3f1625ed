"""vLLM request building and output translation (pure functions, no vLLM needed; tests/vllm_backend checks
them against real ``vllm.LLM`` output in the vLLM environment)."""

from __future__ import annotations

import importlib
import importlib.util
from types import SimpleNamespace

import pytest

from rapid_eval.engines._vllm_requests import (
    completion_from_output,
    execute,
    option_value,
    plan,
    sampling_kwargs,
    to_vllm_messages,
)
from rapid_eval.engines.registry import BackendError, load_engine
from rapid_eval.types import REASONER_DEFAULTS, ChatRequest, Message, SamplingParams


def req(text, *imgs, sampling=SamplingParams()):
    return ChatRequest((Message("system", "You are a helpful assistant."), Message("user", text, tuple(imgs))),
                       sampling)


def output(text, n_tokens=5, reason="stop", prompt_len=11):
    return SimpleNamespace(prompt_token_ids=list(range(prompt_len)),
                           outputs=[SimpleNamespace(text=text, token_ids=list(range(n_tokens)), finish_reason=reason)])


def test_messages_put_decoded_images_before_text(images):
    msgs = to_vllm_messages(req("What is shown?", images["blue"], images["red"]))
    assert msgs[0] == {"role": "system", "content": "You are a helpful assistant."}
    parts = msgs[1]["content"]
    assert [p["type"] for p in parts] == ["image_pil", "image_pil", "text"] and parts[2]["text"] == "What is shown?"
    assert [p["image_pil"].size for p in parts[:2]] == [(30, 100), (64, 48)]
    assert all(p["image_pil"].mode == "RGB" for p in parts[:2])


def test_sampling_kwargs_are_explicit():
    greedy = sampling_kwargs(SamplingParams(max_new_tokens=4096))
    assert greedy["temperature"] == 0.0 and greedy["top_p"] == 1.0 and greedy["max_tokens"] == 4096
    hot = sampling_kwargs(REASONER_DEFAULTS)
    assert (hot["temperature"], hot["top_p"], hot["max_tokens"], hot["seed"]) == (0.6, 0.95, 8192, 0)
    assert hot["top_k"] == -1 and hot["min_p"] == 0.0 and hot["repetition_penalty"] == 1.0 and hot["n"] == 1
    assert "stop" not in hot and hot["skip_special_tokens"] is True


def test_plan_groups_by_thinking_switch_and_isolates_bad_images(images):
    reqs = [req("a"), req("b", sampling=SamplingParams(enable_thinking=False)), req("c", images["corrupt"]),
            req("d", images["red"]), req("e", sampling=SamplingParams(enable_thinking=False))]
    groups, errors = plan(reqs)
    assert [(g.chat_template_kwargs, g.indices) for g in groups] == [
        (None, [0, 3]), ({"enable_thinking": False}, [1, 4])]
    assert len(errors) == 1 and errors[0][0] == 2 and "corrupt.png" in errors[0][1]
    assert all(len(g.messages) == len(g.sampling) == len(g.indices) for g in groups)


def test_outputs_become_completions():
    c = completion_from_output(output("<think>add</think>\n\nThe answer is 5", n_tokens=9), seconds=0.5)
    assert (c.text, c.reasoning, c.finish_reason, c.prompt_tokens, c.completion_tokens) == (
        "The answer is 5", "add", "stop", 11, 9)
    cut = completion_from_output(output("<think>still going", reason="length"))
    assert cut.truncated_thinking and cut.text == "" and cut.finish_reason == "length"
    aborted = completion_from_output(output("", reason="abort"))
    assert aborted.finish_reason == "error" and "abort" in aborted.error


def test_execute_one_call_per_group_and_fallback_on_failure(images):
    calls = []

    def chat(conversations, params, template_kwargs):
        calls.append((len(conversations), template_kwargs))
        texts = [conv[-1]["content"] if isinstance(conv[-1]["content"], str) else conv[-1]["content"][-1]["text"]
                 for conv in conversations]
        if "too long" in texts:
            raise ValueError("prompt longer than max_model_len")
        return [output(f"echo {t} T={p['temperature']}") for t, p in zip(texts, params, strict=True)]

    reqs = [req("a"), req("too long"), req("b", images["red"], sampling=SamplingParams(temperature=0.7)),
            req("c", sampling=SamplingParams(enable_thinking=True)), req("d", images["missing"])]
    seen = {}
    execute(reqs, chat, lambda kw: kw, lambda i, c: seen.setdefault(i, c))
    assert sorted(seen) == [0, 1, 2, 3, 4]
    assert seen[0].text == "echo a T=0.0" and seen[2].text == "echo b T=0.7" and seen[3].text == "echo c T=0.0"
    assert seen[1].finish_reason == "error" and "max_model_len" in seen[1].error
    assert seen[4].finish_reason == "error" and "does-not-exist" in seen[4].error
    # the default group fails, then is bisected: [a] ok, [too long, b] fails, [too long] fails, [b] ok;
    # one call for the thinking group
    assert calls == [(3, None), (1, None), (2, None), (1, None), (1, None), (1, {"enable_thinking": True})]


def test_one_bad_prompt_keeps_the_rest_batched():
    calls = []

    def chat(conversations, params, template_kwargs):
        calls.append(len(conversations))
        texts = [conv[-1]["content"] for conv in conversations]
        if "bad" in texts:
            raise ValueError("prompt longer than max_model_len")
        return [output(t) for t in texts]

    reqs = [req("bad" if i == 700 else f"q{i}") for i in range(1000)]
    seen = {}
    execute(reqs, chat, lambda kw: kw, lambda i, c: seen.setdefault(i, c))
    assert sorted(seen) == list(range(1000))
    assert [i for i, c in seen.items() if c.error] == [700] and seen[3].text == "q3"
    assert len(calls) <= 2 * 10 + 1 and sum(calls) < 3000  # bisection, not 1000 single calls


@pytest.mark.skipif(importlib.util.find_spec("vllm") is not None, reason="vLLM is installed here")
def test_missing_vllm_names_the_extra():
    with pytest.raises(ImportError, match=r'pip install "rapid-eval\[vllm\]"'):
        importlib.import_module("rapid_eval.engines.vllm_engine")
    with pytest.raises(BackendError, match=r"rapid-eval\[vllm\]"):
        load_engine("vllm", "some/model")


def test_command_line_options_are_typed_for_vllm():
    assert [option_value(v) for v in ["2", "0.85", "true", "False", "null", "None", "float32", "mp"]] == [
        2, 0.85, True, False, None, None, "float32", "mp"]
    assert option_value('{"image": 4}') == {"image": 4} and option_value(3) == 3 and option_value([1]) == [1]


def test_a_dead_engine_fails_the_whole_call():
    class EngineDead(RuntimeError):
        pass

    calls = []

    def chat(conversations, params, template_kwargs):
        calls.append(len(conversations))
        raise EngineDead("EngineCore encountered an issue")

    seen = {}
    with pytest.raises(EngineDead):
        execute([req(f"q{i}") for i in range(8)], chat, lambda kw: kw, lambda i, c: seen.setdefault(i, c),
                fatal=(EngineDead,))
    assert calls == [8] and seen == {}  # no retries, no per-request errors recorded as if the prompts were bad
