"""Load a model's processor or tokenizer, and tell VLMs from text LLMs, without needing torchvision.

Qwen2.5-VL's processor has a video slot whose only implementation needs torchvision, so
``AutoProcessor.from_pretrained`` fails where torchvision is absent. ``load_vl_processor`` falls back to the
image-only subclass of :mod:`rapid_eval.engines.processing_image_only` (no video slot) in that case; images still go
through the pure-PIL image processor.
"""

from __future__ import annotations

from typing import Any


def image_only_processor(path: str, *args: Any, **kwargs: Any) -> Any:
    """Qwen2.5-VL's processor without its (torchvision-only) video slot."""
    from rapid_eval.engines.processing_image_only import Qwen2_5_VLImageOnlyProcessor

    return Qwen2_5_VLImageOnlyProcessor.from_pretrained(path, *args, **kwargs)


def load_vl_processor(path: str, **kwargs: Any) -> Any:
    """The model's ``AutoProcessor``; for Qwen2.5-VL-style processors without torchvision, the image-only one."""
    from transformers import AutoProcessor
    from transformers.utils import is_torchvision_available

    try:
        return AutoProcessor.from_pretrained(path, **kwargs)
    except ImportError:
        if is_torchvision_available():
            raise
        return image_only_processor(path, **kwargs)


def is_vlm_config(config: Any) -> bool:
    """True when the config belongs to an image-text-to-text model (has a vision tower)."""
    from transformers.models.auto.modeling_auto import MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES

    return config.model_type in MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES and hasattr(config, "vision_config")


def tokenizer_of(processor: Any) -> Any:
    """The text tokenizer inside a processor (or the tokenizer itself)."""
    return getattr(processor, "tokenizer", processor)
