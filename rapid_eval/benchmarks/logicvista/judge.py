"""LogicVista's LLM answer extraction, for the optional judge (:mod:`rapid_eval.grading.judge`).

Two protocols (``score --judge-protocol``):

- ``official`` (``JUDGE``, the default): an extraction prompt modelled on VLMEvalKit's (its examples and "Z"
  convention, with wording that also admits digit labels) and a tolerant label parser. The original repository's
  GPT-4 prompt goes through a langchain output parser instead.
- ``vlmevalkit`` (``JUDGE_VLMEVALKIT``): VLMEvalKit's own prompt and post-processing, character for character
  (``open-compass/VLMEvalKit:vlmeval/dataset/utils/logicvista.py``, unchanged since 2025-01; the protocol of
  RAPID's published numbers, with gpt-4o-mini): a reply is used only when it is all upper-case letters (else it
  is retried at a higher temperature), and the item is correct iff its letters, sorted, equal the gold letters.
  Replaying the replies stored in real VLMEvalKit judged files through it reproduces their ``hit`` on every item.
The wording is data: keep it character for character.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rapid_eval.scoring.judge_replay import logicvista_accepts, logicvista_replay
from rapid_eval.scoring.judge_spec import JudgeSpec, Stage, State, parse_labels
from rapid_eval.types import Sample

_EXAMPLES = (  # VLMEvalKit build_prompt_logicvista's five examples, the last one the query
    'Example 1: \n'
    'Question: <start>\nWhat is the main object in image?\nOptions: A. teddy bear B. rabbit C. cat D. dog\n<end>\n'
    'Answer: <start>\na cute teddy bear\n<end>\nYour output: A\n'
    'Example 2: \n'
    'Question: <start>\nWhat is the main object in image?\nOptions: A. teddy bear B. rabbit C. cat D. dog\n<end>\n'
    'Answer: <start>\nSpider\n<end>\nYour output: Z\n'
    'Example 3: \n'
    'Question: <start>\nWhich figure is a rotation of the object?\n<end>\n'
    'Answer: <start>\nThe figure on the right, labeled "D," is a rotation of the object shown in the top left corner.\n<end>\nYour output: D\n'  # noqa: E501
    'Example 4: \n'
    'Question: <start>\nWhich of the boxes comes next in the sequence? Select from A-E\n<end>\n'
    'Answer: <start>\nThe sequence of the boxes is A, B, C, D, E.\n<end>\nYour output: ABCDE\n'
    'Example 5: \n'
    'Question: <start>\n{}\n<end>\nAnswer: <start>\n{}\n<end>\nYour output: '
)

LOGICVISTA_TEMPLATE = (
    "You are an information extractor that extracts multiple-choice answers "
    "from a paragraph that contains the answer choice and sometimes explaination of why that "
    "choice is correct to the given question.\n"
    "What option did the following answer choose? If the answer did not select an answer choice, "
    "first try to infer the answer based off the given choices.\n"
    "If it does not seem like the given answer corresponds to an answer choice OR if there is no selected answer, "
    "please just respond with Z.\n"
    "Make sure you answer with ONLY the option labels chosen (letters or numbers).\n"
) + _EXAMPLES


def logicvista_prompt(question: str, response: str) -> str:
    """The ``official`` protocol's extraction prompt: :data:`LOGICVISTA_TEMPLATE` with question and response."""
    return LOGICVISTA_TEMPLATE.format(question, response)


def _logicvista_decide(sample: Sample, state: State) -> tuple[bool, str | None]:
    labels = state.get("extract") or "z"
    gold = "".join(sorted("".join(str(sample.answer).split(", ")).replace(",", "").replace(" ", "").lower()))
    return labels == gold, labels


JUDGE = JudgeSpec(
    "logicvista",
    (Stage("extract", lambda s, o, st: logicvista_prompt(s.question, o), parse_labels),),
    _logicvista_decide,
)


VLMEVALKIT_TEMPLATE = (
    "You are a information extractor that extracts multiple choice letter answer choices "
    "from a paragraph that contains the answer choice and sometimes explaination of why that "
    "choice is correct to the given question.\n"
    "What letter did the following answer choose? If the answer did not select a letter answer choice, "
    "first try to infer the answer based off the given choices.\n"
    "If it does not seem like the given answer corresponds to an answer choice OR if there is no selected answer, please just respond with Z.\n"  # noqa: E501
    "Make sure you answer with ONLY the letters chosen.\n"
) + _EXAMPLES


def vlmevalkit_prompt(question: str, response: str) -> str:
    """VLMEvalKit ``build_prompt_logicvista``."""
    return VLMEVALKIT_TEMPLATE.format(question, response)


def parse_vlmevalkit_reply(reply: str) -> str | None:
    """The reply as VLMEvalKit uses it (stripped), or None (not all upper-case letters: VLMEvalKit retries)."""
    text = (reply or "").strip()
    return text if logicvista_accepts(text) else None


def vlmevalkit_decide(sample: Sample, state: State) -> tuple[bool, str | None]:
    """VLMEvalKit's ``hit``: the reply's letters, lower-cased and sorted, equal the gold's (split on ", ")."""
    reply = state.get("extract") or ""
    gold = "".join(sorted(a.lower() for a in str(sample.answer).split(", ")))
    return "".join(sorted(c.lower() for c in reply)) == gold, reply or None


JUDGE_VLMEVALKIT = JudgeSpec(
    "logicvista",
    (Stage("extract", lambda s, o, st: vlmevalkit_prompt(s.question, o), parse_vlmevalkit_reply),),
    vlmevalkit_decide,
)


def replay_vlmevalkit(row: Mapping[str, Any]) -> bool | None:
    """VLMEvalKit's verdict for one row of a judged file, from its stored judge output (None: not replayable:
    a row without a ``log`` was never judged)."""
    return logicvista_replay(row) if row.get("log") is not None else None
