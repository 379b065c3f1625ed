"""Readers for prediction files made elsewhere (official releases, VLMEvalKit, lmms-eval), for ``rescore``."""

from rapid_eval.scoring.formats.base import FormatError, Predictions, detect_format, register_format

__all__ = ["FormatError", "Predictions", "detect_format", "register_format"]
