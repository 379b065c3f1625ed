"""VLMEvalKit's judge post-processing, to replay a judged file's stored judge outputs into verdicts.

A VLMEvalKit judged file (``<Model>_<DATA>_<judge>.xlsx``) stores what the GPT judge answered and the verdict
VLMEvalKit derived from it. Running the stored answer through the same post-processing reproduces the verdict
without any judge model — a test of the judge path, and the headline for files that store no verdict column
(MathVista's judged file has ``res`` but no ``hit``). Ported from ``open-compass/VLMEvalKit`` (read at commit
e8e78f05), pure functions, no ``eval``:

- **MCQ** (RealWorldQA, MMMU_DEV_VAL …; ``vlmeval/dataset/utils/multiple_choice.py``): the answer letter is
  ``can_infer(text, choices)`` of the prediction, else of the judge's reply; the judged file keeps that text in
  ``log`` as ``Match Log: <text>. ``. ``hit`` = the letter equals the gold letter. A ``log`` of "Failed to predict,
  thus randomly generate one." was a random letter: not replayable (counted under ``random``). MMMU open questions
  were turned into two options (``A`` = the gold answer, ``B`` = "Other Answers", gold ``A``; ``MMMU_preproc``).
- **MathVista** (``utils/mathvista.py`` ``post_check``): multi_choice: ``can_infer(res, choices)`` equals
  ``answer_option``; integer: ``int(res) == int(answer)``; float: ``float(res) == float(answer)`` (no rounding to
  ``precision``); other types compare ``str(None)`` with the answer and never score (a VLMEvalKit bug, kept).
- **LogicVista** (``utils/logicvista.py``): a reply that is all upper-case letters is accepted; ``hit`` iff its
  letters, lower-cased and sorted, equal the gold letters (split on ", ") sorted; anything else is a failed parse
  (``hit`` 0).

:func:`vlmevalkit_mcq_spec` is the same MCQ protocol as a live judge (``score --judge-protocol vlmevalkit`` for
RealWorldQA and MMMU): prefetch with ``can_infer`` on the prediction (no call), else VLMEvalKit's ``build_prompt``
with ``build_option_str`` (English template; its Chinese variant is not ported) and ``can_infer`` on the reply.
A reply ``can_infer`` cannot read counts wrong here, where VLMEvalKit retries twice and then draws a random letter.

Each benchmark's ``judge.py`` names the replay that fits its files (``replay_vlmevalkit``, per row); this
module holds the post-processing only and knows no benchmark by name.

``can_infer`` follows the current VLMEvalKit, including its "answer is **B**" rule added in 2025 (#1552); on the
short judge replies that are replayed this rule rarely matters.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Mapping, Sequence
from typing import Any

FAIL_MSG = "Failed to obtain answer via API"
RANDOM_LOG = "Failed to predict, thus randomly generate one."
_REJECT = ("Sorry, I can't help with images of people yet.", "I can't process this file.",
           "I'm sorry, but without the image provided", "Cannot determine the answer")
_VERBOSE = re.compile(r"(?i)(?:correct\s+)?answer\s+is\s+\**([ABCD])\**")
_MATCH_LOG = re.compile(r"^Match Log:\s?(.*?)\.\s*$", re.S)


def can_infer_option(answer: str, choices: Mapping[str, Any]) -> str | None:
    """VLMEvalKit ``can_infer_option``: a letter standing alone near the end, "Z" for refusals, else None."""
    if FAIL_MSG in answer:
        return None
    if any(err in answer for err in _REJECT):
        return "Z"
    mod = answer
    for c in ".()[],:;!*#{}":
        mod = mod.replace(c, " ")
    splits = [x.strip() for x in mod.split()]
    count = sum(c in splits for c in choices)
    if count == 1:
        for ch in choices:
            if ch in splits and splits.index(ch) > len(splits) - 5:
                return ch
    elif count == 0 and sum(c in splits for c in ("Z", "")) == 1:
        return "Z"
    m = _VERBOSE.search(answer or "")
    if m and m.group(1).upper() in choices:
        return m.group(1).upper()
    return None


def can_infer_text(answer: str, choices: Mapping[str, Any]) -> str | None:
    """VLMEvalKit ``can_infer_text``: the one option whose text occurs in a short answer."""
    answer = answer.lower()
    if len(answer) > 2 * sum(len(str(v)) for v in choices.values()):
        return None
    cands = [k for k, v in choices.items() if str(v).lower() in answer]
    return cands[0] if len(cands) == 1 else None


def can_infer(answer: Any, choices: Mapping[str, Any]) -> str | None:
    """VLMEvalKit ``can_infer``: option letter first, then option text."""
    text = str(answer)
    return can_infer_option(text, choices) or can_infer_text(text, choices)


def choices_of(row: Mapping[str, Any]) -> dict[str, str]:
    """VLMEvalKit ``build_choices``: the non-empty option columns ``A`` … ``Z``."""
    out = {}
    for ch in string.ascii_uppercase:
        val = row.get(ch)
        if val is None or (isinstance(val, float) and val != val) or str(val) == "":
            continue
        out[ch] = str(int(val)) if isinstance(val, float) and val.is_integer() else str(val)
    return out


def mcq_replay(row: Mapping[str, Any], mmmu: bool = False) -> tuple[bool | None, str]:
    """(hit, how) from a judged MCQ row's ``log``; hit None when the stored letter was random or unreadable."""
    choices = choices_of(row)
    gold = str(row.get("answer") or "").strip()
    if mmmu and "A" not in choices:  # MMMU_preproc: open question -> two options
        choices = {"A": gold, "B": "Other Answers"}
    if mmmu and gold not in string.ascii_uppercase:
        gold = "A"
    log = str(row.get("log") or "")
    if RANDOM_LOG in log:
        return None, "random"
    m = _MATCH_LOG.match(log.strip())
    if not m:
        return None, "no-log"
    letter = can_infer(m.group(1), choices)
    return (letter == gold if letter else None), ("prefetch" if m.group(1) == str(row.get("prediction")) else "judge")


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    try:
        out = ast.literal_eval(str(value))
    except (ValueError, SyntaxError):
        return []
    return list(out) if isinstance(out, (list, tuple)) else []


def mathvista_post_check(row: Mapping[str, Any]) -> bool:
    """VLMEvalKit ``post_check(line, prefetch=False)`` on the stored ``res``."""
    res: Any = None
    ans: Any = row.get("answer")
    response = row.get("res")
    try:
        if row.get("question_type") == "multi_choice":
            ans = row.get("answer_option")
            res = can_infer(response, {chr(65 + i): v for i, v in enumerate(_as_list(row.get("choices")))})
        elif row.get("answer_type") == "integer":
            res, ans = int(_num_text(response)), int(_num_text(row.get("answer")))
        elif row.get("answer_type") == "float":
            res, ans = float(_num_text(response)), float(_num_text(row.get("answer")))
        else:
            res, ans = str(res), str(ans)  # sic: str(None), never equal (VLMEvalKit)
    except (ValueError, TypeError):
        pass
    return res == ans


def mathvista_prefetch(row: Mapping[str, Any]) -> Any:
    """VLMEvalKit ``post_check(line, prefetch=True)`` on the raw ``prediction``: the option letter ``can_infer``
    finds (multi_choice), or the number when it already equals the answer; None when there is no prefetch (then
    the GPT extractor is asked)."""
    res: float
    ans: float
    try:
        if row.get("question_type") == "multi_choice":
            choices = {chr(65 + i): v for i, v in enumerate(_as_list(row.get("choices")))}
            letter = can_infer(row.get("prediction"), choices)
            return letter or None
        if row.get("answer_type") == "integer":
            res, ans = int(_num_text(row.get("prediction"))), int(_num_text(row.get("answer")))
        elif row.get("answer_type") == "float":
            res, ans = float(_num_text(row.get("prediction"))), float(_num_text(row.get("answer")))
        else:
            return None  # str(None) never equals the answer (VLMEvalKit)
    except (ValueError, TypeError):
        return None
    return res if res == ans and res else None


def logicvista_accepts(reply: str) -> bool:
    """VLMEvalKit ``LogicVista_auxeval``: a reply is used only when it is all upper-case letters."""
    return bool(reply) and FAIL_MSG not in reply and reply.isupper() and reply.isalpha()


def _num_text(value: Any) -> str:
    """The cell as Python's ``int()``/``float()`` saw it in VLMEvalKit (pandas gives numbers for numeric cells)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def logicvista_replay(row: Mapping[str, Any]) -> bool:
    """VLMEvalKit ``LogicVista_auxeval``'s verdict for a stored reply ``res``."""
    res = "" if row.get("res") is None else str(row.get("res"))
    if not logicvista_accepts(res):
        return False
    gold = sorted(a.lower() for a in str(row.get("answer") or "").split(", "))
    return sorted(c.lower() for c in res) == gold


def replay_summary(replayed: Sequence[bool | None], stored: Sequence[bool | None], ids: Sequence[str],
                   show: int = 20) -> dict[str, Any]:
    """Replayed vs stored verdicts: ``items`` compared, ``agree``, ``differ_ids``, ``not_replayable``."""
    pairs = [(i, r, s) for i, r, s in zip(ids, replayed, stored, strict=True) if r is not None and s is not None]
    differ = [i for i, r, s in pairs if bool(r) != bool(s)]
    return {"protocol": "vlmevalkit", "items": len(pairs), "agree": len(pairs) - len(differ), "differ": len(differ),
            "differ_ids": differ[:show], "replayed_correct": sum(bool(r) for r in replayed if r is not None),
            "not_replayable": sum(r is None for r in replayed)}


MCQ_TEMPLATE = (
    'You are an AI assistant who will help me to match '
    'an answer with several options of a single-choice question. '
    'You are provided with a question, several options, and an answer, '
    'and you need to find which option is most similar to the answer. '
    'If the meaning of all options are significantly different from the answer, output Z. '
    'Your should output a single uppercase character in A, B, C, D (if they are valid options), and Z. \n'
    'Example 1: \n'
    'Question: What is the main object in image?\nOptions: A. teddy bear B. rabbit C. cat D. dog\n'
    'Answer: a cute teddy bear\nYour output: A\n'
    'Example 2: \n'
    'Question: What is the main object in image?\nOptions: A. teddy bear B. rabbit C. cat D. dog\n'
    'Answer: Spider\nYour output: Z\n'
    'Example 3: \n'
    'Question: {}?\nOptions: {}\nAnswer: {}\nYour output: '
)


def mcq_prompt(question: str, choices: Mapping[str, str], prediction: str) -> str:
    """VLMEvalKit ``build_prompt(question, build_option_str(choices), prediction)``."""
    options = "There are several options: \n" + "".join(f"{c}. {t}\n" for c, t in choices.items())
    return MCQ_TEMPLATE.format(question, options, prediction)


def mcq_choices(sample: Any, mmmu: bool = False) -> tuple[dict[str, str], str]:
    """(choices, gold letter) of a sample as VLMEvalKit's MCQ evaluation sees it (``MMMU_preproc`` for MMMU's
    open questions: ``A`` = the gold answer, ``B`` = "Other Answers", gold ``A``)."""
    choices = {chr(65 + i): str(t) for i, t in enumerate(sample.options)}
    gold = sample.answer if isinstance(sample.answer, str) else str(sample.answer)
    if mmmu and not choices:
        return {"A": gold, "B": "Other Answers"}, "A"
    return choices, gold


def vlmevalkit_mcq_spec(benchmark: str, mmmu: bool = False) -> Any:
    """VLMEvalKit's MCQ judge protocol as a :class:`~rapid_eval.scoring.judge_spec.JudgeSpec`."""
    from rapid_eval.scoring.judge_spec import JudgeSpec, Stage

    def prompt(sample: Any, output: str, state: dict[str, Any]) -> str | None:
        choices, _ = mcq_choices(sample, mmmu)
        pre = can_infer(output, choices)
        if pre:
            state["extract"] = pre
            return None
        return mcq_prompt(str(sample.question), choices, output)

    def decide(sample: Any, state: dict[str, Any]) -> tuple[bool, str | None]:
        choices, gold = mcq_choices(sample, mmmu)
        letter = can_infer(state.get("extract") or "", choices) or None
        return letter == gold, letter

    return JudgeSpec(benchmark, (Stage("extract", prompt, lambda r: (r or "").strip() or None),), decide)
