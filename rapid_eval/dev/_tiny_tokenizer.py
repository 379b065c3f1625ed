"""A Qwen-style byte-level BPE tokenizer trained offline on a small generated corpus, plus chat templates.

Deterministic: the corpus comes from a seeded ``random.Random`` and BPE training is deterministic, so a rebuild
writes the same ``tokenizer.json`` bytes.
"""

from __future__ import annotations

import random
from typing import Any

PRETOKENIZE_REGEX = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"""
    r"""|\s*[\r\n]+|\s+(?!\S)|\s+"""
)
SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>",
           "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>",
           "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>"]
ADDED = ["<think>", "</think>", "<tool_call>", "</tool_call>"]
VISION_TOKENS = ["<|image_pad|>", "<|video_pad|>", "<|vision_start|>", "<|vision_end|>"]

SCRIPTED_REASONING = "Add the numbers."
SCRIPTED_ANSWER = "The answer is \\boxed{5}"
SCRIPTED_REPLY = f"<think>{SCRIPTED_REASONING}</think>\n\n{SCRIPTED_ANSWER}"
"""What the tiny LLM answers to every prompt (without ``<think>`` when thinking is switched off)."""

_SYSTEM = "{{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' -}}"

LLM_CHAT_TEMPLATE = (
    "{%- for m in messages -%}"
    "{%- if loop.first and m['role'] != 'system' -%}" + _SYSTEM + "{%- endif -%}"
    "{{- '<|im_start|>' + m['role'] + '\\n' -}}"
    "{%- if m['content'] is string -%}{{- m['content'] -}}"
    "{%- else -%}{%- for c in m['content'] -%}{%- if 'text' in c -%}{{- c['text'] -}}{%- endif -%}{%- endfor -%}"
    "{%- endif -%}"
    "{{- '<|im_end|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}"
    "{%- if enable_thinking is defined and enable_thinking is false -%}{{- '<think>\\n\\n</think>\\n\\n' -}}"
    "{%- endif -%}{%- endif -%}"
)
"""ChatML with a default system turn and Qwen3's ``enable_thinking`` switch."""

VLM_CHAT_TEMPLATE = (
    "{%- for m in messages -%}"
    "{%- if loop.first and m['role'] != 'system' -%}" + _SYSTEM + "{%- endif -%}"
    "{{- '<|im_start|>' + m['role'] + '\\n' -}}"
    "{%- if m['content'] is string -%}{{- m['content'] -}}"
    "{%- else -%}{%- for c in m['content'] -%}"
    "{%- if c['type'] == 'image' or 'image' in c or 'image_url' in c -%}"
    "{{- '<|vision_start|><|image_pad|><|vision_end|>' -}}"
    "{%- elif 'text' in c -%}{{- c['text'] -}}{%- endif -%}"
    "{%- endfor -%}{%- endif -%}"
    "{{- '<|im_end|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}"
)
"""ChatML where an image content part renders as one ``<|image_pad|>`` that the processor expands."""

_WORDS = ("chart table bar line plot axis value total sum angle triangle circle radius area figure shows "
          "what is the of in a an and number color red blue green option answer question image describe "
          "count how many largest smallest between difference percent year price graph label point").split()


def corpus(n: int = 2500, seed: int = 0) -> list[str]:
    """A small deterministic corpus: arithmetic with boxed answers, option lists, chart words, chat turns."""
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        a, b = rng.randint(0, 999), rng.randint(0, 99)
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 12)))
        kind = i % 5
        if kind == 0:
            lines.append(f"What is {a} + {b}? The answer is \\boxed{{{a + b}}}.")
        elif kind == 1:
            opts = "\n".join(f"{chr(65 + j)}. {rng.choice(_WORDS)} {rng.randint(1, 90)}" for j in range(4))
            lines.append(f"Question: {words}?\nOptions:\n{opts}\nAnswer: {chr(65 + a % 4)}")
        elif kind == 2:
            lines.append(f"The {words} is {a}.{b} percent, {a * 3} in total; 图表 数值 {b}")
        elif kind == 3:
            lines.append(f"{words}\n{SCRIPTED_REASONING}\n\n{SCRIPTED_ANSWER}\n\n")
        else:
            lines.append(f"Describe the image.\n\nThe figure shows a {words} with {b} points.\n\n")
    return lines


def build_tokenizer() -> Any:
    """Train the BPE and wrap it as a transformers fast tokenizer (eos ``<|im_end|>``, pad ``<|endoftext|>``)."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(PRETOKENIZE_REGEX), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(corpus(), trainers.BpeTrainer(
        vocab_size=1024, min_frequency=2, show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), special_tokens=[]))
    tok.add_special_tokens(SPECIAL)
    hf = PreTrainedTokenizerFast(
        tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>", bos_token=None, unk_token=None,
        additional_special_tokens=SPECIAL, model_max_length=32768, clean_up_tokenization_spaces=False)
    hf.add_tokens(ADDED, special_tokens=False)
    hf.padding_side = "left"
    return hf
