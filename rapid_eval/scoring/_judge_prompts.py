"""The judge prompts of the official (or RAPID-used) LLM extraction steps, and robust parsers for the replies.

- MathVista: ``lupantech/MathVista:evaluation/prompts/ext_ans.py`` (five demos: testmini pids 852, 104, 824, 506,
  540) assembled as in ``extract_answer.py``: demo, blank line, ``{query}\\n\\n{response}``, "Extracted answer: ".
- MathVerse: ``ZrrSkywalker/MathVerse:evaluation/prompts.py`` — stage 1 extraction (6 demos), stage 2 judgement
  ("Judgement: 0/1"), assembled as in ``extract_answer_s1.py`` / ``score_answer_s2.py``.
- LogicVista: ``open-compass/VLMEvalKit:vlmeval/dataset/utils/logicvista.py`` (the prompt RAPID's evaluation ran,
  with gpt-4o-mini); the original repository's GPT-4 prompt goes through a langchain output parser instead.
The wording is data: keep it character for character.
"""

from __future__ import annotations

import re

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
"""

MATHVERSE_EXTRACT_DEMO = """
I am providing you a response from a model to a math problem, termed 'Model Response'. You should extract the answer from the response as 'Extracted Answer'. Directly output the extracted answer with no explanation.

1.
Model response: 'Rounded to two decimal places, the perimeter of the sector is approximately:\n\n(-2, 1)'
Extracted Answer: (-2, 1)

2.
Model response: 'at those points.\n\nTherefore, the correct option that represents the meaning of the intersection points of the graphs is:\n\nD. They give the solutions to the equation $f(t)=g(t)$.",'
Extracted Answer: D

3.
Model response: ' at 1 (there's a closed circle at y = 1), the range in interval notation is \\((-4, 1]\\).\n\nFinal values:\nDomain: \\((-3, 3]\\)\nRange: \\((-4, 1]\\)'
Extracted Answer: Domain: \\((-3, 3]\\)\nRange: \\((-4, 1]\\)

4.
Model response: 'As it stands, I cannot provide the correct option letter because there isn't enough information to solve for 'y'.'
Extracted Answer: null

5.
Model response: 'Given that AB = 17.6 meters, we can now substitute into the equation:\n\nd = 17.6 / cos(38\u00b0)\n\nTherefore, to one decimal place, the distance d between Ned and Bart is approximately 22.3 meters.'
Extracted answer: 22.3

6.
Model response:  have all the coefficients for the quadratic function:\n\\( f(x) = ax^2 + bx + c \\)\n\\( f(x) = -1x^2 - 2x + 1 \\)\n\nTherefore, the equation for the graphed function \\( f \\) is:\n\\( f(x) = -x^2 - 2x + 1 \\)"'
Extracted answer: f(x) = -x^2 - 2x + 1

7.
"""

MATHVERSE_SCORE_DEMO = """
Below are two answers to a math question. Question is [Question], [Standard Answer] is the standard answer to the question, and [Model_answer] is the answer extracted from a model's output to this question.  Determine whether these two answers are consistent.
Please note that only when the [Model_answer] completely matches the [Standard Answer] means they are consistent. For non-multiple-choice questions, if the meaning is expressed in the same way, it is also considered consistent, for example, 0.5m and 50cm.
If they are consistent, Judement is 1; if they are different, Judement is 0.

[Question]: Write the set of numbers represented on the number line in interval notation.
[Standard Answer]: (-2,1]
[Model_answer] : Extracted Answer: \\((-2, 1)\\)
Judgement: 0

[Question]: Find the domain and range of the function f using interval notation.
[Standard Answer]: domain: [-4, 0) and range: (-3, 1]
[Model_answer] : Range: \\((-4, 1]\\)
Judgement: 0


[Question]: Two curves are symmetrical about the x-axis. Use the vertical line test to determine if this relation is a function.\nChoices:\nA:This is a function\nB:This is not a function
[Standard Answer]: B
[Model_answer] : This is not a function
Judgement: 1

[Question]: Given the graph of the ellipse that intersects with x-axis at 9 and -9 and with y-axis at 3 and -3, determine its equation.A. \\frac{{x^2}}{{81}} + \\frac{{y^2}}{{9}} = 1 B. Can not determine.\n
[Standard Answer]: A
[Model_answer] : \\frac{{x^2}}{{81}} + \\frac{{y^2}}{{9}} = 1
Judgement: 1

[Question]: {question}
[Standard Answer]: {gt}
[Model_answer] : {extraction}
Judgement: """

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


def mathvista_prompt(query: str, response: str) -> str:
    return f"{MATHVISTA_DEMO.strip()}\n\n{query}\n\n{response}\n\nExtracted answer: "


def mathverse_extract_prompt(response: str) -> str:
    return f"{MATHVERSE_EXTRACT_DEMO.strip()}\n\nModel response: '{response}'\nExtracted Answer: "


def mathverse_score_prompt(question: str, gold: str, extraction: str) -> str:
    return MATHVERSE_SCORE_DEMO.strip().format(question=question, gt=gold, extraction=extraction)


def logicvista_prompt(question: str, response: str) -> str:
    return LOGICVISTA_TEMPLATE.format(question, response)


def parse_extraction(reply: str) -> str | None:
    """An "Extracted answer: X" reply → X (the label echoed or not); None for an empty reply."""
    text = re.sub(r"^\s*extracted\s+answer\s*:\s*", "", reply or "", flags=re.IGNORECASE).strip()
    return text or None


def parse_judgement(reply: str) -> int | None:
    """"Judgement: 1" / "1" / "0 (they differ)" → 1 / 0; anything else → None (the caller retries)."""
    text = (reply or "").replace("Judgement:", "").replace("Judement:", "").strip()
    m = re.match(r"^\**\s*([01])(?!\d)", text)
    if m:
        return int(m.group(1))
    hits = re.findall(r"judge?ment\s*(?:is)?\s*:?\s*\**([01])(?!\d)", reply or "", flags=re.IGNORECASE)
    return int(hits[-1]) if hits else None


def parse_labels(reply: str) -> str | None:
    """VLMEvalKit's normalisation: "A" / "A, C" / "BD" → sorted lower-case labels ("z" = none); prose → None."""
    text = str(reply or "").strip().rstrip(".")
    if re.fullmatch(r"[A-Za-z0-9]+", text):
        compact = text
    else:
        parts = [p for p in re.split(r"[\s,;]+", text) if p]
        if not parts or any(len(p) != 1 or not p.isalnum() for p in parts):
            return None
        compact = "".join(parts)
    return "".join(sorted(compact.lower())) or None
