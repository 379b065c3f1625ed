"""RealWorldQA's LLM judge, for the optional judge (:mod:`rapid_eval.grading.judge`).

xAI published no scorer, so there is no ``official`` protocol; ``JUDGE_VLMEVALKIT`` is VLMEvalKit's MCQ protocol
(``open-compass/VLMEvalKit:vlmeval/dataset/utils/multiple_choice.py``; see
:func:`rapid_eval.scoring.judge_replay.vlmevalkit_mcq_spec`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rapid_eval.scoring.judge_replay import mcq_replay, vlmevalkit_mcq_spec

JUDGE = None
"""No official LLM judge (xAI published no scorer)."""
JUDGE_VLMEVALKIT = vlmevalkit_mcq_spec("realworldqa")


def replay_vlmevalkit(row: Mapping[str, Any]) -> bool | None:
    """VLMEvalKit's verdict for one row of a judged file, from its stored judge output (None: not replayable)."""
    return mcq_replay(row)[0]
