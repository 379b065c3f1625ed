"""rapid-eval: evaluation harness for decoupled perception and reasoning (RAPID).

Pipeline: tasks -> perception -> reasoning -> scoring -> reports, with engines (and the trainer) beside.
Import is cheap: heavy backends (torch, transformers, vllm) load only when chosen.
"""

from rapid_eval.types import ChatRequest, Completion, Message, Sample, SamplingParams

__version__ = "0.1.0"
__all__ = ["ChatRequest", "Completion", "Message", "Sample", "SamplingParams", "__version__"]
