"""Perception: the MLLM turns image + question into text O_p (caption, query-conditioned caption, solution)."""

from rapid_eval.perception.runner import perceive
from rapid_eval.variants import PARTS, VARIANTS, parse_variants

__all__ = ["PARTS", "VARIANTS", "parse_variants", "perceive"]
