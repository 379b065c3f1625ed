"""The vllm backend on a real in-process ``vllm.LLM`` (CPU, the scripted tiny Qwen3): request building and
output translation checked against vLLM's own ``RequestOutput``s and the model's tokenizer; one engine start."""

from __future__ import annotations

import pytest
from vllm_servers import SKIP_REASON

vllm = pytest.importorskip("vllm", reason=SKIP_REASON)

from rapid_eval.dev._tiny_tokenizer import SCRIPTED_ANSWER, SCRIPTED_REASONING, SCRIPTED_REPLY  # noqa: E402
from rapid_eval.engines._vllm_requests import completion_from_output, sampling_kwargs, to_vllm_messages  # noqa: E402
from rapid_eval.engines.registry import load_engine  # noqa: E402
from rapid_eval.types import ChatRequest, Message, SamplingParams  # noqa: E402

pytestmark = pytest.mark.vllm
MAX_LEN = 256


def req(text, *imgs, **sampling):
    return ChatRequest((Message("user", text, tuple(imgs)),), SamplingParams(**{"max_new_tokens": 64, **sampling}))


@pytest.fixture(scope="module")
def engine(vllm_model):
    # option values as `--engine-arg K=V` delivers them: strings
    # a small step budget (a pass-through option of vllm.LLM) makes a stage span several scheduler steps
    with load_engine("vllm", str(vllm_model), dtype="float32", enforce_eager="true", max_model_len=str(MAX_LEN),
                     seed="0", max_num_batched_tokens="512") as e:
        yield e


@pytest.fixture(scope="module")
def tokenizer(vllm_model):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(vllm_model)


def test_engine_starts_lazily_with_typed_options(engine, vllm_model):
    assert engine._llm is None  # nothing started until a request needs the model
    assert engine._llm_kwargs["max_model_len"] == MAX_LEN and engine._llm_kwargs["enforce_eager"] is True
    assert engine._llm_kwargs["enable_chunked_prefill"] is False  # the CPU default (see vllm_engine)
    ident = engine.identity()
    assert (ident["backend"], ident["dtype"], ident["path"]) == ("vllm", "float32", str(vllm_model))
    assert ident["fingerprint"] and "max_model_len" not in ident
    assert engine.llm.llm_engine.model_config.max_model_len == MAX_LEN
    assert engine.llm.llm_engine.vllm_config.scheduler_config.max_num_batched_tokens == 512


def test_head_dim_vllm_cpu_cannot_run_is_refused_before_start(vllm_model, tmp_path):
    import json
    import shutil

    narrow = tmp_path / "narrow"
    shutil.copytree(vllm_model, narrow)
    cfg = json.loads((narrow / "config.json").read_text())
    (narrow / "config.json").write_text(json.dumps({**cfg, "head_dim": 16}))  # the tiny `llm`'s head_dim
    engine = load_engine("vllm", str(narrow), dtype="float32")
    with pytest.raises(ValueError, match=r"head_dim=16 .*llm-vllm"):
        engine.generate([req("hi")])
    assert engine._llm is None


def test_translation_matches_raw_vllm_output(engine, tokenizer):
    reqs = [req("What is 2+3?"), req("What is 2+3?", enable_thinking=False), req("cut", max_new_tokens=4),
            req("hot", temperature=0.6, top_p=0.95, seed=3)]
    out = engine.generate(reqs)
    eos = tokenizer.convert_tokens_to_ids("<|im_end|>")
    for r, c in zip(reqs, out, strict=True):
        kwargs = None if r.sampling.enable_thinking is None else {"enable_thinking": r.sampling.enable_thinking}
        raw = engine.llm.chat([to_vllm_messages(r)], [vllm.SamplingParams(**sampling_kwargs(r.sampling))],
                              use_tqdm=False, chat_template_kwargs=kwargs)[0]
        expected = completion_from_output(raw)
        assert (c.text, c.reasoning, c.prompt_tokens, c.completion_tokens, c.finish_reason,
                c.truncated_thinking, c.error) == (
            expected.text, expected.reasoning, expected.prompt_tokens, expected.completion_tokens,
            expected.finish_reason, expected.truncated_thinking, None)
        # vLLM's prompt is the model's chat template, token for token
        prompt = tokenizer.apply_chat_template([{"role": "user", "content": r.messages[0].text}],
                                               add_generation_prompt=True, tokenize=True, **(kwargs or {}))
        prompt = prompt["input_ids"] if hasattr(prompt, "keys") else prompt
        assert list(raw.prompt_token_ids) == list(prompt) and c.prompt_tokens == len(prompt)
    think, plain, cut, hot = out
    assert (think.reasoning, think.text, think.finish_reason) == (SCRIPTED_REASONING, SCRIPTED_ANSWER, "stop")
    reply_ids = tokenizer.encode(SCRIPTED_REPLY, add_special_tokens=False)
    assert think.completion_tokens == len(reply_ids) + 1  # the reply and its eos
    assert (plain.reasoning, plain.text) == (None, SCRIPTED_ANSWER) and plain.prompt_tokens > think.prompt_tokens
    assert (cut.finish_reason, cut.completion_tokens, cut.text, cut.truncated_thinking) == ("length", 4, "", True)
    assert hot.text == SCRIPTED_ANSWER  # the script is sharp enough to survive sampling at 0.6
    raw = engine.llm.chat([to_vllm_messages(reqs[0])], [vllm.SamplingParams(**sampling_kwargs(reqs[0].sampling))],
                          use_tqdm=False)[0]
    assert list(raw.outputs[0].token_ids) == reply_ids + [eos]


def test_a_stage_is_one_call_per_template_setting_and_errors_stay_per_request(engine, images):
    calls = []
    chat = engine._chat

    def counting(conversations, params, template_kwargs):
        calls.append((len(conversations), template_kwargs))
        return chat(conversations, params, template_kwargs)

    engine._chat = counting
    try:
        # seeded sampling over more prompt tokens than one step takes (24 x ~100 > 512): the case that crashed
        # vLLM's CPU worker with chunked prefill on
        good = [req(f"Question {i}: " + "what is the total of the values in the table? " * 8, temperature=0.6,
                    seed=i) for i in range(24)]
        off = [req(f"Quick {i}", enable_thinking=False) for i in range(6)]
        out = engine.generate(good + off)
        assert calls == [(24, None), (6, {"enable_thinking": False})]
        assert all((c.reasoning, c.text, c.error) == (SCRIPTED_REASONING, SCRIPTED_ANSWER, None) for c in out[:24])
        assert all((c.reasoning, c.text) == (None, SCRIPTED_ANSWER) for c in out[24:])

        calls.clear()
        bad = [req("word " * 400), req("an image for a text model", images["red"]), req("broken", images["corrupt"])]
        mixed = good[:8] + bad[:1] + good[8:16] + bad[1:]
        out = engine.generate(mixed)
    finally:
        engine._chat = chat
    errors = {i: c.error for i, c in enumerate(out) if c.error}
    assert sorted(errors) == [8, 17, 18] and all(out[i].finish_reason == "error" for i in errors)
    assert f"maximum context length is {MAX_LEN} tokens" in errors[8]  # vLLM's own validation message
    assert "not a multimodal model" in errors[17]
    assert "cannot prepare request" in errors[18] and "corrupt.png" in errors[18]
    assert all(out[i].text == SCRIPTED_ANSWER for i in range(len(mixed)) if i not in errors)
    # bisection: 2 bad prompts among 18 cost at most 1 + 2 * 2 * ceil(log2(18)) calls, not 18 single ones
    assert calls[0] == (18, None) and len(calls) <= 21 and max(n for n, _ in calls[1:]) >= 4


def test_close_shuts_the_engine_core_down(engine):
    import psutil

    def vllm_children():  # vLLM titles its processes VLLM::EngineCore, VLLM::Worker...
        procs = []
        for p in psutil.Process().children(recursive=True):
            try:
                if "VLLM" in p.name() + " ".join(p.cmdline()):
                    procs.append(p)
            except psutil.NoSuchProcess:
                pass
        return procs

    engine.start()
    assert vllm_children()  # the engine core runs in a spawned process
    engine.close()
    gone, alive = psutil.wait_procs(vllm_children(), timeout=30)
    assert not alive
    with pytest.raises(RuntimeError, match="closed"):
        engine.generate([req("after close")])
    engine.close()  # twice is fine
