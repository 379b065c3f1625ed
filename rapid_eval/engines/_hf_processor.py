"""Load a model's processor or tokenizer, and tell VLMs from text LLMs, without needing torchvision.

Qwen2.5-VL's processor has a video slot whose only implementation needs torchvision, so
``AutoProcessor.from_pretrained`` fails where torchvision is absent. ``load_processor`` falls back to an
image-only subclass (no video slot) in that case; images still go through the pure-PIL image processor.
"""

from __future__ import annotations

from typing import Any


def _image_only_class() -> type[Any]:
    from transformers import ProcessorMixin, Qwen2_5_VLProcessor

    class Qwen2_5_VLImageOnlyProcessor(Qwen2_5_VLProcessor):
        """``Qwen2_5_VLProcessor`` without the video slot (``ProcessorMixin`` reads slots from ``__init__``)."""

        def __init__(self, image_processor=None, tokenizer=None, chat_template=None, **kwargs):
            self.image_token = getattr(tokenizer, "image_token", None) or "<|image_pad|>"
            self.video_token = getattr(tokenizer, "video_token", None) or "<|video_pad|>"
            self.image_token_id = getattr(tokenizer, "image_token_id", None) or tokenizer.convert_tokens_to_ids(
                self.image_token)
            self.video_token_id = getattr(tokenizer, "video_token_id", None) or tokenizer.convert_tokens_to_ids(
                self.video_token)
            ProcessorMixin.__init__(self, image_processor, tokenizer, chat_template=chat_template)

    return Qwen2_5_VLImageOnlyProcessor


def image_only_processor(path: str, *args: Any, **kwargs: Any) -> Any:
    """Qwen2.5-VL's processor without its (torchvision-only) video slot."""
    return _image_only_class().from_pretrained(path, *args, **kwargs)


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
