"""MMMU's LLM judge, for the optional judge (:mod:`rapid_eval.grading.judge`).

MMMU's official scoring is rule-based (no ``official`` LLM protocol); ``JUDGE_VLMEVALKIT`` is VLMEvalKit's MCQ
protocol for ``MMMU_DEV_VAL`` (open questions as two options, ``MMMU_preproc``; see
:func:`rapid_eval.scoring.judge_replay.vlmevalkit_mcq_spec`).
"""

from __future__ import annotations

from rapid_eval.scoring.judge_replay import vlmevalkit_mcq_spec

JUDGE = None
"""No official LLM judge (MMMU's official scoring is rule-based)."""
JUDGE_VLMEVALKIT = vlmevalkit_mcq_spec("mmmu", mmmu=True)
