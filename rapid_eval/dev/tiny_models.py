"""Build tiny, real-architecture Qwen models offline: a random Qwen2.5-VL (``vlm``) and a scripted Qwen3 (``llm``),
plus on request a wider scripted Qwen3 that vLLM accepts (``llm-vllm``).

``build_tiny_models(out_dir)`` writes ``out_dir/vlm`` and ``out_dir/llm``, both loadable with
``from_pretrained``. Without torchvision the VLM's processor loads through ``trust_remote_code=True`` (the
directory ships :mod:`rapid_eval.engines.processing_image_only` as ``processing_image_only.py`` and names it in
``processor_config.json``'s ``auto_map``, so ``transformers serve --trust-remote-code`` serves it with no hook) or
through the torchvision-free loader in ``engines/_hf_processor.py``;
``build_tiny_models(out_dir, ("llm-vllm",))`` writes ``out_dir/llm-vllm``. The build is deterministic (same bytes
on rebuild) and idempotent (a complete build is reused).

- The **VLM** has random weights (seeded), a random vision tower included, except that its decoder is scripted
  like the LLM's (below), weakly: greedy decoding replies ``VLM_REPLY`` and stops (a random decoder runs to
  ``max_new_tokens`` on most prompts, which made a default perceive run take hours), while sampling at
  temperature 1 leaves the script within a few tokens, so seeds still matter. Its ``generation_config``
  suppresses the vision placeholder and tool-call tokens.
- The **LLM** is a Qwen3 whose layers write nothing into the residual stream (``o_proj``/``down_proj`` zero), so
  its next token depends only on the current token. Embedding and output rows are set so that after a prompt
  ending in the generation prompt it deterministically replies ``SCRIPTED_REPLY``
  (``<think>Add the numbers.</think>\\n\\nThe answer is \\boxed{5}``), or only the answer part when
  ``enable_thinking=False`` (the template then ends the prompt after an empty think block). That gives tests a
  real reasoning trace to split and a parseable answer, at no training cost.
- **llm-vllm** is the same scripted Qwen3 (same tokenizer, template and reply) with head_dim 64 (hidden 128,
  2 heads): vLLM's CPU attention rejects head_dim 16 (``Unsupported CPU attention configuration``), so the
  ``llm`` above cannot run on vLLM; this one does. It is separate so the hf tests keep the smaller model.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from rapid_eval.dev._tiny_tokenizer import (
    LLM_CHAT_TEMPLATE,
    SCRIPTED_REPLY,
    VISION_TOKENS,
    VLM_CHAT_TEMPLATE,
    build_tokenizer,
)

BUILD_VERSION = "tiny-qwen-v3"
"""Bump when the recipe changes: a complete build with another version is rebuilt."""
MARKER = ".rapid-tiny-complete"
REMOTE_PROCESSOR_FILE = "processing_image_only.py"
"""The VLM's torchvision-free processor, shipped as remote code beside its weights."""
HIDDEN, INTER, LAYERS, HEADS, KV_HEADS = 64, 128, 2, 4, 2
VLLM_HIDDEN, VLLM_HEADS, VLLM_KV_HEADS = 128, 2, 1
"""``llm-vllm``: head_dim = 128 / 2 = 64 (vLLM's CPU attention needs head_dim >= 32)."""
DEFAULT_MODELS = ("vlm", "llm")
VLM_REPLY = "A figure with labels; the answer is \\boxed{5}."
"""What the tiny VLM answers greedily to every prompt (caption, solution or direct answer alike)."""


def _complete(d: Path) -> bool:
    marker = d / MARKER
    return marker.is_file() and marker.read_text().strip() == BUILD_VERSION


def _vocab_size(tok: Any) -> int:
    return (len(tok) + 63) // 64 * 64


def _ids(tok: Any) -> dict[str, int]:
    c = tok.convert_tokens_to_ids
    return {"eos": c("<|im_end|>"), "pad": c("<|endoftext|>"), "image": c("<|image_pad|>"),
            "video": c("<|video_pad|>"), "vstart": c("<|vision_start|>"), "vend": c("<|vision_end|>")}


def _generation_config(ids: dict[str, int], suppress: list[int] | None = None) -> Any:
    from transformers import GenerationConfig

    kw: dict[str, Any] = {"suppress_tokens": suppress} if suppress else {}
    return GenerationConfig(eos_token_id=[ids["eos"], ids["pad"]], pad_token_id=ids["pad"],
                            bos_token_id=ids["pad"], do_sample=False, **kw)


def _save_tokenizer(tok: Any, d: Path, template: str) -> None:
    tok.chat_template = template
    tok.save_pretrained(d)


def _build_vlm(tok: Any, d: Path) -> None:
    import torch
    from transformers import Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

    ids = _ids(tok)
    text = dict(vocab_size=_vocab_size(tok), hidden_size=HIDDEN, intermediate_size=INTER,
                num_hidden_layers=LAYERS, num_attention_heads=HEADS, num_key_value_heads=KV_HEADS,
                max_position_embeddings=4096,
                rope_parameters={"rope_type": "default", "rope_theta": 1e6, "mrope_section": [2, 3, 3]},
                bos_token_id=ids["pad"], eos_token_id=ids["eos"], pad_token_id=ids["pad"])
    vision = dict(depth=2, hidden_size=HIDDEN, intermediate_size=INTER, num_heads=HEADS, patch_size=14,
                  spatial_merge_size=2, temporal_patch_size=2, window_size=112, out_hidden_size=HIDDEN,
                  fullatt_block_indexes=[1], tokens_per_second=2)
    torch.manual_seed(1234)
    cfg = Qwen2_5_VLConfig(text_config=text, vision_config=vision, image_token_id=ids["image"],
                           video_token_id=ids["video"], vision_start_token_id=ids["vstart"],
                           vision_end_token_id=ids["vend"], tie_word_embeddings=False)
    model = Qwen2_5_VLForConditionalGeneration(cfg)
    lm = model.model.language_model
    _script(lm.embed_tokens.weight, model.lm_head.weight, lm.layers, _script_chain(tok, VLM_REPLY), strength=0.75)
    # vision placeholders break re-encoding; a random <tool_call> makes servers try to parse a tool call (HTTP 500)
    suppress = sorted(tok.convert_tokens_to_ids(VISION_TOKENS + ["<tool_call>", "</tool_call>"]))
    model.generation_config = _generation_config(ids, suppress)
    model.save_pretrained(d)

    Qwen2VLImageProcessorPil(min_pixels=28 * 28 * 4, max_pixels=28 * 28 * 64, patch_size=14,
                             temporal_patch_size=2, merge_size=2).save_pretrained(d)
    pre = d / "preprocessor_config.json"
    cfg_json = json.loads(pre.read_text())
    cfg_json.update(image_processor_type="Qwen2VLImageProcessor", processor_class="Qwen2_5_VLProcessor")
    pre.write_text(json.dumps(cfg_json, indent=2, sort_keys=True) + "\n")
    _save_tokenizer(tok, d, VLM_CHAT_TEMPLATE)
    _save_image_only_processor_code(d)


def _save_image_only_processor_code(d: Path) -> None:
    """Ship the torchvision-free processor as remote code (``auto_map``), loadable by any process or server."""
    from rapid_eval.engines import processing_image_only

    shutil.copyfile(processing_image_only.__file__, d / REMOTE_PROCESSOR_FILE)
    auto = f"{Path(REMOTE_PROCESSOR_FILE).stem}.{processing_image_only.Qwen2_5_VLImageOnlyProcessor.__name__}"
    config = {"processor_class": "Qwen2_5_VLProcessor", "auto_map": {"AutoProcessor": auto}}
    (d / "processor_config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")


def _script_chain(tok: Any, reply: str = SCRIPTED_REPLY) -> list[int]:
    """Token ids ``[last prompt token, reply..., eos]``; every id but the last must be distinct."""
    chain = [tok.convert_tokens_to_ids(tok.tokenize("\n"))[0]]
    chain += tok.encode(reply, add_special_tokens=False) + [_ids(tok)["eos"]]
    sources = chain[:-1]
    nn = tok.encode("\n\n", add_special_tokens=False)
    thinking = "\n\n" in reply  # enable_thinking=False resumes the script after the template's "\n\n"
    if len(set(sources)) != len(sources) or (thinking and (len(nn) != 1 or nn[0] not in sources)):
        raise RuntimeError(f"tiny LLM script is not a chain of distinct tokens: {chain} (\\n\\n -> {nn})")
    return chain


def _script(emb: Any, head: Any, layers: Any, chain: list[int], strength: float = 4.0) -> None:
    """Make a decoder's next token depend on the current token only, following ``chain``.

    Layers write nothing into the residual stream; chain token k embeds as the unit vector k, whose normed
    hidden state (8 in dim k) gives the next chain token a logit of ``8 * strength`` and every other token 0.
    """
    import torch

    n = len(chain) - 1
    with torch.no_grad():
        for layer in layers:
            layer.self_attn.o_proj.weight.zero_()
            layer.mlp.down_proj.weight.zero_()
        emb[:, :n] = 0.0  # other tokens live in dims n.. and never trigger the script
        head[:, :n] = 0.0
        for k, (src, dst) in enumerate(zip(chain[:-1], chain[1:], strict=True)):
            emb[src] = 0.0
            emb[src, k] = 1.0
            head[dst, k] = strength


def _build_llm(tok: Any, d: Path, hidden: int = HIDDEN, heads: int = HEADS, kv_heads: int = KV_HEADS) -> None:
    import torch
    from transformers import Qwen3Config, Qwen3ForCausalLM

    ids = _ids(tok)
    torch.manual_seed(4321)
    cfg = Qwen3Config(vocab_size=_vocab_size(tok), hidden_size=hidden, intermediate_size=INTER,
                      num_hidden_layers=LAYERS, num_attention_heads=heads, num_key_value_heads=kv_heads,
                      head_dim=hidden // heads, max_position_embeddings=4096,
                      rope_parameters={"rope_type": "default", "rope_theta": 1e6}, tie_word_embeddings=False,
                      bos_token_id=ids["pad"], eos_token_id=ids["eos"], pad_token_id=ids["pad"])
    model = Qwen3ForCausalLM(cfg)
    _script(model.model.embed_tokens.weight, model.lm_head.weight, model.model.layers, _script_chain(tok))
    model.generation_config = _generation_config(ids)
    model.save_pretrained(d)
    _save_tokenizer(tok, d, LLM_CHAT_TEMPLATE)


def _build_llm_vllm(tok: Any, d: Path) -> None:
    _build_llm(tok, d, VLLM_HIDDEN, VLLM_HEADS, VLLM_KV_HEADS)


BUILDERS = {"vlm": _build_vlm, "llm": _build_llm, "llm-vllm": _build_llm_vllm}


TINY_PREFIX = "tiny:"
"""How configs and ``--model`` name the tiny models: ``tiny:vlm``, ``tiny:llm``."""


def default_root() -> Path:
    """Where the tiny models are built by default: ``$RAPID_EVAL_TINY_MODELS``, else the user cache."""
    from rapid_eval.paths import cache_dir

    return Path(os.environ.get("RAPID_EVAL_TINY_MODELS") or cache_dir() / "tiny-models")


def tiny_model(spec: str, root: str | Path | None = None) -> Path:
    """The folder of ``tiny:vlm`` / ``tiny:llm`` (built on first use); ValueError for any other ``tiny:`` name."""
    name = spec.removeprefix(TINY_PREFIX)
    if name not in DEFAULT_MODELS:
        raise ValueError(f"unknown tiny model '{spec}': use {TINY_PREFIX}vlm (perceptor) or {TINY_PREFIX}llm "
                         "(reasoner)")
    return build_tiny_models(root or default_root(), (name,))[name]


def build_tiny_models(out_dir: str | Path, names: tuple[str, ...] | list[str] = DEFAULT_MODELS) -> dict[str, Path]:
    """Build (or reuse) ``out_dir/<name>`` for each name (default ``vlm`` and ``llm``; ``llm-vllm`` on request);
    return ``{name: path}``."""
    unknown = sorted(set(names) - set(BUILDERS))
    if unknown:
        raise ValueError(f"unknown tiny model(s) {unknown}; choose from {sorted(BUILDERS)}")
    out = Path(out_dir).resolve()
    paths = {name: out / name for name in names}
    if all(_complete(p) for p in paths.values()):
        return paths
    out.mkdir(parents=True, exist_ok=True)
    from transformers.utils import logging as hf_logging

    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        _build_missing(paths)
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    return paths


def _build_missing(paths: dict[str, Path]) -> None:
    tok = build_tokenizer()
    for name, final in paths.items():
        if _complete(final):
            continue
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=final.parent))
        tmp.chmod(0o755)
        try:
            BUILDERS[name](tok, tmp)
            (tmp / MARKER).write_text(BUILD_VERSION + "\n")
            if final.exists():
                shutil.rmtree(final)
            os.replace(tmp, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    """``python -m rapid_eval.dev.tiny_models OUT_DIR [NAME ...]``: build and print the model paths (names:
    vlm, llm, llm-vllm; default vlm and llm)."""
    import sys

    if len(sys.argv) < 2:
        raise SystemExit(f"usage: python -m rapid_eval.dev.tiny_models OUT_DIR [{' | '.join(BUILDERS)} ...]")
    for name, path in build_tiny_models(sys.argv[1], tuple(sys.argv[2:]) or DEFAULT_MODELS).items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
