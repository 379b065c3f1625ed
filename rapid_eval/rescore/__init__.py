"""Rescoring predictions made elsewhere (official releases, VLMEvalKit, lmms-eval) with a benchmark's rules.

``rescore(benchmark, files)`` (:mod:`rapid_eval.rescore.run`) detects each file's format
(:mod:`rapid_eval.rescore.readers`), builds gold Samples through the benchmark's task adapter
(:mod:`rapid_eval.formats.rows`, :mod:`rapid_eval.formats.gold`) and scores with the pure scoring library.
Benchmark-specific readers live in the benchmark's folder (``rapid_eval/benchmarks/<name>/formats.py``); the
general formats live here.
"""

from __future__ import annotations

from rapid_eval.formats.base import Format, FormatError, Predictions
from rapid_eval.rescore.readers import detect_format
from rapid_eval.rescore.run import rescore

__all__ = ["Format", "FormatError", "Predictions", "detect_format", "rescore"]
