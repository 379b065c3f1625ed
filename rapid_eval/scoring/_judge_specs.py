"""What the LLM judge asks per benchmark: stages of (prompt, reply parser), then a verdict from the parsed replies.

A stage's ``prompt`` may return None when no call is needed (an official shortcut already decided, e.g. MathVista's
"the response is one of the choices" or the MathVerse stage-2 exact-match pre-check); it then writes its result
into ``state`` itself. ``decide`` turns the state into (correct, extracted).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rapid_eval.scoring import _judge_prompts as P
from rapid_eval.scoring._meta import meta
from rapid_eval.scoring.mathvista import MathVistaScorer, item_types, official_shortcut
from rapid_eval.types import Sample

State = dict[str, Any]


@dataclass(frozen=True)
class Stage:
    name: str
    prompt: Callable[[Sample, str, State], str | None]
    parse: Callable[[str], Any]


@dataclass(frozen=True)
class JudgeSpec:
    benchmark: str
    stages: tuple[Stage, ...]
    decide: Callable[[Sample, State], tuple[bool, str | None]]


# -- MathVista -------------------------------------------------------------------------------------------------
def _mathvista_prompt(sample: Sample, output: str, state: State) -> str | None:
    short = official_shortcut(output, sample.options, *item_types(sample), quick=False)
    if short is not None:
        state["extract"] = short[0]
        return None
    return P.mathvista_prompt(str(meta(sample, "query", default=sample.question)), output)


def _mathvista_decide(sample: Sample, state: State) -> tuple[bool, str | None]:
    """The extraction goes through MathVista's official normalisation and exact match (``score_extraction``)."""
    extraction = state.get("extract") or ""
    return bool(MathVistaScorer().score_extraction(sample, extraction).correct), extraction


# -- MathVerse -------------------------------------------------------------------------------------------------
def _mathverse_score_prompt(sample: Sample, output: str, state: State) -> str | None:
    extraction = state.get("extract") or ""
    if extraction.strip() == str(sample.answer).strip():
        state["score"] = 1  # VLMEvalKit's pre-check: an exact match needs no judgement
        return None
    question = str(meta(sample, "question_for_eval", default=sample.question) or "")
    return P.mathverse_score_prompt(question, str(sample.answer), extraction)


def _mathverse_decide(sample: Sample, state: State) -> tuple[bool, str | None]:
    return state.get("score") == 1, state.get("extract")


# -- LogicVista ------------------------------------------------------------------------------------------------
def _logicvista_decide(sample: Sample, state: State) -> tuple[bool, str | None]:
    labels = state.get("extract") or "z"
    gold = "".join(sorted("".join(str(sample.answer).split(", ")).replace(",", "").replace(" ", "").lower()))
    return labels == gold, labels


SPECS: dict[str, JudgeSpec] = {
    "mathvista": JudgeSpec("mathvista", (Stage("extract", _mathvista_prompt, P.parse_extraction),), _mathvista_decide),
    "mathverse": JudgeSpec(
        "mathverse",
        (Stage("extract", lambda s, o, st: P.mathverse_extract_prompt(o), P.parse_extraction),
         Stage("score", _mathverse_score_prompt, P.parse_judgement)),
        _mathverse_decide,
    ),
    "logicvista": JudgeSpec(
        "logicvista",
        (Stage("extract", lambda s, o, st: P.logicvista_prompt(s.question, o), P.parse_labels),),
        _logicvista_decide,
    ),
}
