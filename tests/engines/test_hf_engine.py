"""The in-process transformers engine on the real tiny models (CPU)."""

from __future__ import annotations

import shutil

import pytest

from rapid_eval.engines.registry import load_engine
from rapid_eval.types import ChatRequest, Message, SamplingParams

GREEDY = SamplingParams(max_new_tokens=12)


def req(text, *imgs, sampling=GREEDY):
    return ChatRequest((Message("user", text, tuple(imgs)),), sampling)


@pytest.fixture(scope="module")
def vlm(tiny_models):
    with load_engine("hf", str(tiny_models["vlm"]), device="cpu", batch_size=8) as engine:
        yield engine


@pytest.fixture(scope="module")
def llm(tiny_models):
    with load_engine("hf", str(tiny_models["llm"]), device="cpu") as engine:
        yield engine


def test_vlm_mixed_batch_images_and_text(vlm, images):
    assert vlm.vision
    reqs = [req("Two images", images["blue"], images["green"]), req("text only, a bit longer than the others"),
            req("One image", images["red"]), req("webp", images["gray"]), req("short")]
    calls = []
    out = vlm.generate(reqs, lambda i, c: calls.append(i))
    assert sorted(calls) == list(range(len(reqs)))
    assert all(c.error is None and c.finish_reason in ("stop", "length") for c in out)
    for c in out:  # "length" exactly at the budget; "stop" counts the eos token within it
        assert c.completion_tokens == 12 if c.finish_reason == "length" else 1 <= c.completion_tokens <= 12
    # prompt tokens: the unpadded length, image placeholders included
    singles = [vlm.generate([r])[0] for r in reqs]
    assert [c.prompt_tokens for c in out] == [c.prompt_tokens for c in singles]
    assert out[0].prompt_tokens > out[2].prompt_tokens > out[4].prompt_tokens
    assert out[1].prompt_tokens > out[4].prompt_tokens


def test_vlm_batching_does_not_change_greedy_output(vlm, images):
    reqs = [req("One image", images["red"]), req("a text-only question that is longer"), req("x", images["blue"])]
    batched = vlm.generate(reqs)
    single = [vlm.generate([r])[0] for r in reqs]
    assert [c.text for c in batched] == [c.text for c in single]


def test_bad_images_fail_only_their_request(vlm, images):
    reqs = [req("ok", images["red"]), req("bad", images["corrupt"]), req("gone", images["missing"]), req("text")]
    out = vlm.generate(reqs)
    assert out[0].error is None and out[3].error is None
    assert out[1].finish_reason == "error" and "corrupt.png" in out[1].error
    assert out[2].finish_reason == "error" and "does-not-exist.png" in out[2].error


def test_sampling_is_seeded(vlm, images):
    hot = SamplingParams(temperature=1.0, top_p=0.9, max_new_tokens=10, seed=7)
    reqs = [req("describe", images["red"], sampling=hot), req("hello", sampling=hot)]
    a, b = vlm.generate(reqs), vlm.generate(reqs)
    assert [c.text for c in a] == [c.text for c in b]
    other = vlm.generate([req("describe", images["red"], sampling=SamplingParams(
        temperature=1.0, top_p=0.9, max_new_tokens=10, seed=8))])
    greedy = vlm.generate([req("describe", images["red"], sampling=SamplingParams(max_new_tokens=10))])
    assert {other[0].text, greedy[0].text} != {a[0].text}  # a different seed or greedy decoding differs


def test_llm_reasoning_is_split(llm):
    thinking = SamplingParams(temperature=0.6, top_p=0.95, max_new_tokens=64)
    out = llm.generate([
        req("What is 2+3?", sampling=thinking),
        req("What is 2+3? " * 8, sampling=SamplingParams(max_new_tokens=64, enable_thinking=False)),
        req("cut short", sampling=SamplingParams(max_new_tokens=4)),
    ])
    full, no_think, cut = out
    assert (full.text, full.reasoning, full.finish_reason) == ("The answer is \\boxed{5}", "Add the numbers.", "stop")
    assert full.completion_tokens == len(llm.tokenizer.encode("<think>Add the numbers.</think>\n\nThe answer is "
                                                              "\\boxed{5}", add_special_tokens=False)) + 1
    assert (no_think.text, no_think.reasoning, no_think.finish_reason) == ("The answer is \\boxed{5}", None, "stop")
    assert no_think.prompt_tokens > full.prompt_tokens
    assert cut.finish_reason == "length" and cut.completion_tokens == 4
    assert cut.truncated_thinking and cut.text == ""


def test_llm_rejects_images_per_request(llm, images):
    long = SamplingParams(max_new_tokens=40)
    out = llm.generate([req("look", images["red"], sampling=long), req("What is 1+4?", sampling=long)])
    assert out[0].finish_reason == "error" and "vision" in out[0].error
    assert out[1].text == "The answer is \\boxed{5}"


def test_identity_tracks_model_files(tiny_models, tmp_path):
    copy = tmp_path / "llm"
    shutil.copytree(tiny_models["llm"], copy)
    a = load_engine("hf", str(copy), device="cpu").identity()
    assert a["backend"] == "hf" and a["path"] == str(copy.resolve()) and a["fingerprint"]
    (copy / "generation_config.json").write_text((copy / "generation_config.json").read_text() + "\n")
    b = load_engine("hf", str(copy), device="cpu").identity()
    assert b["fingerprint"] != a["fingerprint"]


def test_missing_model_is_a_clear_engine_error(tmp_path):
    with pytest.raises(RuntimeError, match="cannot load model"):
        load_engine("hf", str(tmp_path / "nope"), device="cpu")
