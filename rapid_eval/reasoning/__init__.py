"""Reasoning: a text-only LLM answers from the question plus the perception output O_p."""

from rapid_eval.reasoning.runner import reason, reasoner_request

__all__ = ["reason", "reasoner_request"]
