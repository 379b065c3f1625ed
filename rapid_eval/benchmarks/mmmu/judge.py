"""MMMU's LLM judge, for the optional judge (:mod:`rapid_eval.grading.judge`).

MMMU's official scoring is rule-based (no ``official`` LLM protocol); ``JUDGE_VLMEVALKIT`` is VLMEvalKit's MCQ
protocol for ``MMMU_DEV_VAL`` (open questions as two options, ``MMMU_preproc``; see
:func:`rapid_eval.scoring.judge_replay.vlmevalkit_mcq_spec`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rapid_eval.scoring.judge_replay import mcq_replay, vlmevalkit_mcq_spec

JUDGE = None
"""No official LLM judge (MMMU's official scoring is rule-based)."""
JUDGE_VLMEVALKIT = vlmevalkit_mcq_spec("mmmu", mmmu=True)


def replay_vlmevalkit(row: Mapping[str, Any]) -> bool | None:
    """VLMEvalKit's verdict for one row of a judged file, from its stored judge output (None: not replayable)."""
    return mcq_replay(row, mmmu=True)[0]
