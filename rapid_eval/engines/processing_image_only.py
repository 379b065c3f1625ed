"""Qwen2.5-VL's processor without its video slot, for machines without torchvision.

``Qwen2_5_VLProcessor`` has a ``video_processor`` slot whose only implementation (``Qwen2VLVideoProcessor``) needs
torchvision, and processor slots are type-checked, so ``AutoProcessor.from_pretrained`` of a Qwen2.5-VL directory
raises ``ImportError`` where torchvision is absent. ``ProcessorMixin`` reads a processor's slots from its
``__init__`` signature, so this subclass has no video slot; images still go through the pure-PIL image processor.

This file is self-contained (it imports only ``transformers``) because it serves twice:

- in-process, :func:`rapid_eval.engines._hf_processor.load_vl_processor` falls back to it;
- as *remote code*: ``rapid_eval.dev.tiny_models`` copies this file into the tiny VLM's directory and names it in
  ``processor_config.json``'s ``auto_map``, so any server that loads processors with ``trust_remote_code`` (e.g.
  ``transformers serve --trust-remote-code``, in whatever process it loads them) builds this class through the
  public ``AutoProcessor`` mechanism, with no hook into the server's internals.
"""

from transformers import ProcessorMixin, Qwen2_5_VLProcessor


class Qwen2_5_VLImageOnlyProcessor(Qwen2_5_VLProcessor):
    """``Qwen2_5_VLProcessor`` without the video slot (``ProcessorMixin`` reads slots from ``__init__``)."""

    def __init__(self, image_processor=None, tokenizer=None, chat_template=None, **kwargs):
        """Take the image/video token names and ids from the tokenizer (Qwen2.5-VL's when it has none).

        Registers only the image processor and tokenizer slots: no video processor, so no torchvision.
        """
        self.image_token = getattr(tokenizer, "image_token", None) or "<|image_pad|>"
        self.video_token = getattr(tokenizer, "video_token", None) or "<|video_pad|>"
        self.image_token_id = getattr(tokenizer, "image_token_id", None) or tokenizer.convert_tokens_to_ids(
            self.image_token)
        self.video_token_id = getattr(tokenizer, "video_token_id", None) or tokenizer.convert_tokens_to_ids(
            self.video_token)
        ProcessorMixin.__init__(self, image_processor, tokenizer, chat_template=chat_template)
