"""rapid-eval: evaluation harness for decoupled perception and reasoning (RAPID).

Pipeline: tasks -> perception -> reasoning -> scoring -> reports, with engines (and the trainer) beside.
The Python API (:mod:`rapid_eval.api`) is re-exported here lazily: ``import rapid_eval`` stays cheap (no torch,
transformers, pandas or datasets), and ``rapid_eval.perceive`` imports the pipeline on first use.

    >>> import rapid_eval
    >>> samples = rapid_eval.load_tasks("wemath", data_dir="tasks/fixtures")      # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rapid_eval.types import ChatRequest, Completion, Message, Sample, SamplingParams

if TYPE_CHECKING:
    from rapid_eval.api import (
        ScoreResult,
        StageResult,
        export_run,
        import_run,
        load_engine,
        load_tasks,
        perceive,
        perceive_and_reason,
        reason,
        rescore,
        score,
    )
    from rapid_eval.storage.rundir import Run

__version__ = "0.1.0"
_API = ("ScoreResult", "StageResult", "export_run", "import_run", "load_engine", "load_tasks", "perceive",
        "perceive_and_reason", "reason", "rescore", "score")
__all__ = [
    "ChatRequest", "Completion", "Message", "Run", "Sample", "SamplingParams", "ScoreResult", "StageResult",
    "__version__", "export_run", "import_run", "load_engine", "load_tasks", "perceive", "perceive_and_reason",
    "reason", "rescore", "score",
]


def __getattr__(name: str) -> Any:
    if name in _API:
        from rapid_eval import api

        return getattr(api, name)
    if name == "Run":
        from rapid_eval.storage.rundir import Run

        return Run
    raise AttributeError(f"module 'rapid_eval' has no attribute '{name}'")
