"""LogicVista's LLM answer extraction, for the optional judge (:mod:`rapid_eval.evaluation.judge`).

Prompt: ``open-compass/VLMEvalKit:vlmeval/dataset/utils/logicvista.py`` (the prompt RAPID's evaluation ran, with
gpt-4o-mini); the original repository's GPT-4 prompt goes through a langchain output parser instead. The wording
is data: keep it character for character.
"""

from __future__ import annotations

from rapid_eval.scoring.judge_spec import JudgeSpec, Stage, State, parse_labels
from rapid_eval.types import Sample

LOGICVISTA_TEMPLATE = (
    "You are an information extractor that extracts multiple-choice answers "
    "from a paragraph that contains the answer choice and sometimes explaination of why that "
    "choice is correct to the given question.\n"
    "What option did the following answer choose? If the answer did not select an answer choice, "
    "first try to infer the answer based off the given choices.\n"
    "If it does not seem like the given answer corresponds to an answer choice OR if there is no selected answer, "
    "please just respond with Z.\n"
    "Make sure you answer with ONLY the option labels chosen (letters or numbers).\n"
    "Example 1: \n"
    "Question: <start>\nWhat is the main object in image?\nOptions: A. teddy bear B. rabbit C. cat D. dog\n<end>\n"
    "Answer: <start>\na cute teddy bear\n<end>\nYour output: A\n"
    "Example 2: \n"
    "Question: <start>\nWhat is the main object in image?\nOptions: A. teddy bear B. rabbit C. cat D. dog\n<end>\n"
    "Answer: <start>\nSpider\n<end>\nYour output: Z\n"
    "Example 3: \n"
    "Question: <start>\nWhich figure is a rotation of the object?\n<end>\n"
    'Answer: <start>\nThe figure on the right, labeled "D," is a rotation of the object shown in the top left corner.\n<end>\n'
    "Your output: D\n"
    "Example 4: \n"
    "Question: <start>\nWhich of the boxes comes next in the sequence? Select from A-E\n<end>\n"
    "Answer: <start>\nThe sequence of the boxes is A, B, C, D, E.\n<end>\nYour output: ABCDE\n"
    "Example 5: \n"
    "Question: <start>\n{}\n<end>\nAnswer: <start>\n{}\n<end>\nYour output: "
)


def logicvista_prompt(question: str, response: str) -> str:
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
