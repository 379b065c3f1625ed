"""MathVista's official LLM answer extraction, for the optional judge (:mod:`rapid_eval.grading.judge`).

Prompt: ``lupantech/MathVista:evaluation/prompts/ext_ans.py`` (five demos: testmini pids 852, 104, 824, 506, 540)
assembled as in ``extract_answer.py``: demo, blank line, ``{query}\n\n{response}``, "Extracted answer: ".
The wording is data: keep it character for character. The official shortcut (the response is one of the
choices, or already a number) decides without a call; the extraction then goes through the official
normalisation and exact match (``MathVistaScorer.score_extraction``). This is the ``official`` protocol (the
default of ``score --judge-protocol``).

``JUDGE_VLMEVALKIT`` is VLMEvalKit's protocol (``open-compass/VLMEvalKit:vlmeval/dataset/utils/mathvista.py``,
the one RAPID's published numbers used, with gpt-4o-mini): its prefetch (``post_check(prefetch=True)``: an option
letter ``can_infer`` finds, or a number already equal to the answer) decides without a call; otherwise its prompt
(task description, the same five examples in its own layout, the question, ``Model respone: `` sic, then
``Extracted answer:``); the verdict is its ``post_check`` on the extraction (no Levenshtein, no rounding to
``precision``, lists never score) — :mod:`rapid_eval.scoring.judge_replay`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rapid_eval.benchmarks.mathvista.scorer import MathVistaScorer, item_types, official_shortcut
from rapid_eval.scoring.judge_replay import mathvista_post_check, mathvista_prefetch
from rapid_eval.scoring.judge_spec import JudgeSpec, Stage, State, parse_extraction
from rapid_eval.scoring.meta import meta
from rapid_eval.types import Sample

MATHVISTA_DEMO = """
Please read the following example. Then extract the answer from the model response and type it at the end of the prompt.

Hint: Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, at the end.
Question: Which number is missing?

Model response: The number missing in the sequence is 14.

Extracted answer: 14

Hint: Please answer the question requiring a floating-point number with one decimal place and provide the final value, e.g., 1.2, 1.3, 1.4, at the end.
Question: What is the fraction of females facing the camera?

Model response: The fraction of females facing the camera is 0.6, which means that six out of ten females in the group are facing the camera.

Extracted answer: 0.6

Hint: Please answer the question requiring a floating-point number with two decimal places and provide the final value, e.g., 1.23, 1.34, 1.45, at the end.
Question: How much money does Luca need to buy a sour apple candy and a butterscotch candy? (Unit: $)

Model response: Luca needs $1.45 to buy a sour apple candy and a butterscotch candy.

Extracted answer: 1.45

Hint: Please answer the question requiring a Python list as an answer and provide the final list, e.g., [1, 2, 3], [1.2, 1.3, 1.4], at the end.
Question: Between which two years does the line  graph saw its maximum peak?

Model response: The line graph saw its maximum peak between 2007 and 2008.

Extracted answer: [2007, 2008]

Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.
Question: What fraction of the shape is blue?\nChoices:\n(A) 3/11\n(B) 8/11\n(C) 6/11\n(D) 3/5

Model response: The correct answer is (B) 8/11.

Extracted answer: B
"""  # noqa: E501 (the official wording, character for character)


def mathvista_prompt(query: str, response: str) -> str:
    """The official GPT extractor prompt (``extract_answer.py``): the demos, then the query and the response."""
    return f"{MATHVISTA_DEMO.strip()}\n\n{query}\n\n{response}\n\nExtracted answer: "



def _mathvista_prompt(sample: Sample, output: str, state: State) -> str | None:
    short = official_shortcut(output, sample.options, *item_types(sample), quick=False)
    if short is not None:
        state["extract"] = short[0]
        return None
    return mathvista_prompt(str(meta(sample, "query", default=sample.question)), output)


def _mathvista_decide(sample: Sample, state: State) -> tuple[bool, str | None]:
    """The extraction goes through MathVista's official normalisation and exact match (``score_extraction``)."""
    extraction = state.get("extract") or ""
    return bool(MathVistaScorer().score_extraction(sample, extraction).correct), extraction


JUDGE = JudgeSpec("mathvista", (Stage("extract", _mathvista_prompt, parse_extraction),), _mathvista_decide)


VLMEVALKIT_ICE = (
    "\nHint: Please answer the question requiring an integer answer and provide the final value,\n"
    "e.g., 1, 2, 3, at the end.\n\nQuestion: Which number is missing?\n\n"
    "Model response: The number missing in the sequence is 14.\n\nExtracted answer: 14\n",
    "\nHint: Please answer the question requiring a floating-point number with one decimal place and provide the final value,\n"  # noqa: E501
    "e.g., 1.2, 1.3, 1.4, at the end.\n\nQuestion: What is the fraction of females facing the camera?\n\n"
    "Model response: The fraction of females facing the camera is 0.6,\n"
    "which means that six out of ten females in the group are facing the camera.\n\nExtracted answer: 0.6\n",
    "\nHint: Please answer the question requiring a floating-point number with two decimal places and provide the final value,\n"  # noqa: E501
    "e.g., 1.23, 1.34, 1.45, at the end.\n\n"
    "Question: How much money does Luca need to buy a sour apple candy and a butter-scotch candy? (Unit: $)\n\n"
    "Model response: Luca needs $1.45 to buy a sour apple candy and a butterscotch candy.\n\nExtracted answer: 1.45\n",
    "\nHint: Please answer the question requiring a Python list as an answer and provide the final list,\n"
    "e.g., [1, 2, 3], [1.2, 1.3, 1.4], at the end.\n\n"
    "Question: Between which two years does the line graph saw its maximum peak?\n\n"
    "Model response: The line graph saw its maximum peak between 2007 and 2008.\n\nExtracted answer: [2007, 2008]\n",
    "\nHint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\n\n"
    "Question: What fraction of the shape is blue?\n\nChoices: (A) 3/11 (B) 8/11 (C) 6/11 (D) 3/5\n\n"
    "Model response: The correct answer is (B) 8/11.\n\nExtracted answer: B\n",
)
VLMEVALKIT_TASK = "\nPlease read the following example.\nThen extract the answer from the model response and type it at the end of the prompt.\n\n"  # noqa: E501


def vlmevalkit_prompt(question: str, prediction: str) -> str:
    """VLMEvalKit ``build_mathvista_gpt4_prompt`` (``question`` is its TSV's question, the official query)."""
    examples = "".join(e + "\n" for e in VLMEVALKIT_ICE)
    return VLMEVALKIT_TASK + examples + question + "\n" + "Model respone: " + prediction + "Extracted answer:"


def vlmevalkit_row(sample: Sample, prediction: str = "", res: str | None = None) -> dict[str, object]:
    """The VLMEvalKit MathVista_MINI row of a sample: query as question, choices, gold letter as answer_option."""
    qtype, atype = item_types(sample)
    options = list(sample.options)
    option = chr(65 + options.index(sample.answer)) if sample.answer in options else None
    return {"question": str(meta(sample, "query", default=sample.question)), "choices": options,
            "answer": sample.answer, "answer_option": option, "question_type": qtype, "answer_type": atype,
            "prediction": prediction, "res": res}


def _vlmevalkit_prompt(sample: Sample, output: str, state: State) -> str | None:
    row = vlmevalkit_row(sample, output)
    pre = mathvista_prefetch(row)
    if pre is not None:
        state["extract"] = str(pre)
        return None
    return vlmevalkit_prompt(str(row["question"]), output)


def _vlmevalkit_decide(sample: Sample, state: State) -> tuple[bool, str | None]:
    res = state.get("extract") or ""
    return mathvista_post_check(vlmevalkit_row(sample, res=res)), res


JUDGE_VLMEVALKIT = JudgeSpec("mathvista", (Stage("extract", _vlmevalkit_prompt, lambda r: (r or "").strip() or None),),
                             _vlmevalkit_decide)


def replay_vlmevalkit(row: Mapping[str, Any]) -> bool | None:
    """VLMEvalKit's verdict for one row of a judged file, from its stored judge output (None: not replayable:
    a row with neither ``res`` nor ``log`` was never judged)."""
    return mathvista_post_check(row) if row.get("res") is not None or row.get("log") else None
