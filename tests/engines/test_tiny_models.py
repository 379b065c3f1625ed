"""The tiny model builder: deterministic bytes, idempotent, loadable, and the LLM's scripted reply."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from rapid_eval.dev._tiny_tokenizer import LLM_CHAT_TEMPLATE, SCRIPTED_REPLY
from rapid_eval.dev.tiny_models import MARKER, build_tiny_models


def _digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_rebuild_is_byte_identical(tiny_models, tmp_path):
    first = tiny_models["vlm"].parent
    again = build_tiny_models(tmp_path / "again")
    assert set(again) == {"vlm", "llm"}
    a, b = _digests(first), _digests(tmp_path / "again")
    assert a == b
    assert {"vlm/model.safetensors", "llm/model.safetensors", "vlm/preprocessor_config.json",
            "vlm/processor_config.json", "llm/tokenizer.json", f"llm/{MARKER}"} <= set(a)


def test_complete_build_is_reused_and_incomplete_one_rebuilt(tmp_path):
    paths = build_tiny_models(tmp_path)
    weights = paths["llm"] / "model.safetensors"
    mtime = weights.stat().st_mtime_ns
    assert build_tiny_models(tmp_path) == paths
    assert weights.stat().st_mtime_ns == mtime  # reused, not rewritten
    (paths["vlm"] / MARKER).unlink()  # e.g. an interrupted build
    (paths["vlm"] / "config.json").write_text("{}")
    build_tiny_models(tmp_path)
    assert json.loads((paths["vlm"] / "config.json").read_text())["model_type"] == "qwen2_5_vl"
    assert weights.stat().st_mtime_ns == mtime


def test_configs_and_templates(tiny_models):
    vlm = json.loads((tiny_models["vlm"] / "config.json").read_text())
    llm = json.loads((tiny_models["llm"] / "config.json").read_text())
    assert vlm["model_type"] == "qwen2_5_vl" and llm["model_type"] == "qwen3"
    assert vlm["vision_config"]["out_hidden_size"] == vlm["text_config"]["hidden_size"]
    gen = json.loads((tiny_models["vlm"] / "generation_config.json").read_text())
    assert gen["suppress_tokens"] and vlm["image_token_id"] in gen["suppress_tokens"]
    assert (tiny_models["llm"] / "chat_template.jinja").read_text() == LLM_CHAT_TEMPLATE


def test_llm_chat_template_thinking_switch(tiny_models):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_models["llm"])
    msgs = [{"role": "user", "content": "What is 2+3?"}]
    default = tok.apply_chat_template(msgs, add_generation_prompt=True, tokenize=False)
    off = tok.apply_chat_template(msgs, add_generation_prompt=True, tokenize=False, enable_thinking=False)
    assert default.startswith("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n")
    assert default.endswith("<|im_start|>user\nWhat is 2+3?<|im_end|>\n<|im_start|>assistant\n")
    assert off == default + "<think>\n\n</think>\n\n"
    ids = tok.encode(SCRIPTED_REPLY, add_special_tokens=False)
    assert tok.decode(ids) == SCRIPTED_REPLY


def test_vllm_variant_is_wider_and_follows_the_same_script(tiny_models, tmp_path):
    """``llm-vllm`` (head_dim 64, which vLLM's CPU attention accepts) replies like ``llm`` through transformers."""
    import pytest

    from rapid_eval.engines.registry import load_engine
    from rapid_eval.types import ChatRequest, Message, SamplingParams

    with pytest.raises(ValueError, match="unknown tiny model"):
        build_tiny_models(tmp_path, ("llm", "nope"))
    paths = build_tiny_models(tmp_path, ("llm-vllm",))
    assert set(paths) == {"llm-vllm"} and not (tmp_path / "llm").exists()
    cfg = json.loads((paths["llm-vllm"] / "config.json").read_text())
    assert cfg["head_dim"] == 64 and cfg["hidden_size"] == 128 and cfg["model_type"] == "qwen3"
    assert (paths["llm-vllm"] / "tokenizer.json").read_bytes() == (tiny_models["llm"] / "tokenizer.json").read_bytes()
    req = ChatRequest((Message("user", "What is 2+3?"),), SamplingParams(max_new_tokens=32))
    with load_engine("hf", str(paths["llm-vllm"]), device="cpu") as engine:
        out = engine.generate([req])[0]
    assert (out.reasoning, out.text, out.completion_tokens) == ("Add the numbers.", "The answer is \\boxed{5}", 16)
