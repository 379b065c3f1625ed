"""Golden prompts: the chats rapid-eval sends equal, character for character, the chats RAPID's code builds.

For every bundled real item (``tasks/fixtures``, so this runs on a fresh clone) of RAPID's seven benchmarks, the
system and user text of cap, qcap, sol, joint (qcap+sol) and none, and the images of the user turn, are compared
with strings built here by re-implementing RAPID's string-building code **literally** (its literals copied, the
file named above each copy), never with rapid-eval's templates:

    KaiChen1998/RAPID at commit 81c90225a0822697013bd6c591fabae9bfe1a8df (fetched and read for this test)
    - VLMEvalKit/vlmeval/vlm/omnicaptioner/prompt.py  Qwen2VLPromptMixin._build_vqa_prompt / _build_mcq_prompt /
      _build_mmmu_prompt (the dataset prompt both wrappers get; the dataset classes' build_prompt is bypassed)
    - VLMEvalKit/vlmeval/vlm/omnicaptioner/model.py   Qwen2VLOmniCap._prepare_content (holistic, query_cond_3,
      qa_cot_step) and _prepare_input (system turn)
    - VLMEvalKit/vlmeval/vlm/llm_reasoner/model.py    joint_check_prompt, Reasoner._prepare_input and
      _prepare_summarizer_content (joint; the no-image branch is the `none` prompt)
    - VLMEvalKit/vlmeval/config.py ('MLLM': system_prompt 'You are a helpful assistant.') and
      VLMEvalKit/run_inferece.sh (--system_prompt of the query_cond_3 run); the dataset types come from
      VLMEvalKit/vlmeval/dataset/image_vqa.py, image_mcq.py, dynamath.py (TYPE = 'VQA' / 'MCQ').

The input of that code is a row of VLMEvalKit's dataset TSV, which cannot be read here. Its ``question`` column
is taken as follows (evidence in the task modules' docstrings): MathVista the official ``query``; MathVision the
wording established from VLMEvalKit's sources (``TSV_MATHVISION`` below; the listing of bare-letter choices and
the kept ``<imageN>`` tags are the task defaults, not established); MathVerse Vision Only ``query_wo``; DynaMath
and LogicVista the raw ``question``; WeMath and MMMU the raw question with option columns A, B, ….
"""

from __future__ import annotations

import json
import string

import pytest

from rapid_eval.perception.variants import PARTS, part_request
from rapid_eval.prompts import PromptSet
from rapid_eval.reasoning.runner import reasoner_request
from rapid_eval.tasks import fixtures_dir, load_task
from rapid_eval.types import PERCEPTOR_DEFAULTS, REASONER_DEFAULTS, Sample

FIXTURES = fixtures_dir()
RAPID_TASKS = ("mathvista", "mathvision", "mathverse", "dynamath", "logicvista", "wemath", "mmmu")

# ---- VLMEvalKit/vlmeval/dataset/{image_vqa,image_mcq,dynamath}.py: TYPE of each dataset RAPID runs -------------
# (MMMU_DEV_VAL takes the mixin's MMMU branch before the type is looked at.)
DATASET_TYPE = {"mathvista": "VQA", "mathvision": "VQA", "mathverse": "VQA", "dynamath": "VQA",
                "logicvista": "VQA", "wemath": "MCQ", "mmmu": "MMMU"}


# ---- VLMEvalKit/vlmeval/vlm/omnicaptioner/prompt.py (Qwen2VLPromptMixin), images dumped as `tgt_path` ----------
# Copied as written, except that the TSV row is a dict here (`not pd.isna(x)` -> `x is not None`) and `tgt_path`
# is always a list (the source's str-or-list branch); neither changes a string.
def _build_mmmu_prompt(line, tgt_path):
    question = line['question']
    options = {cand: line[cand] for cand in string.ascii_uppercase if cand in line and line[cand] is not None}
    options_prompt = 'Options:\n'
    for key, item in options.items():
        options_prompt += f'{key}. {item}\n'
    hint = line['hint'] if ('hint' in line and line['hint'] is not None) else None
    prompt = ''
    if hint is not None:
        prompt += f'Hint: {hint}\n'
    prompt += f'Question: {question}\n'
    if len(options):
        prompt += options_prompt
        prompt += 'Please select the correct answer from the options above. \n'
    prompt = prompt.rstrip()
    msgs = []
    msgs.extend([dict(type='image', value=p) for p in tgt_path])
    msgs.append(dict(type='text', value=prompt))
    return msgs


def _build_mcq_prompt(line, tgt_path):
    MCQ_CN_PROMPT = '请直接回答选项字母。'
    MCQ_EN_PROMPT = 'Please select the correct answer from the options above.'

    def cn_string(s):
        import re

        if re.search('[\u4e00-\u9fff]', s):
            return True
        return False

    question = line['question']
    options = {cand: line[cand] for cand in string.ascii_uppercase if cand in line and line[cand] is not None}
    options_prompt = 'Options:\n'
    for key, item in options.items():
        options_prompt += f'{key}. {item}\n'
    hint = line['hint'] if ('hint' in line and line['hint'] is not None) else None
    prompt = ''
    if hint is not None:
        prompt += f'Hint: {hint}\n'
    prompt += f'Question: {question}\n'
    if len(options):
        prompt += options_prompt
        prompt += MCQ_CN_PROMPT if cn_string(prompt) else MCQ_EN_PROMPT
    prompt = prompt.rstrip()
    msgs = []
    msgs.extend([dict(type='image', value=p) for p in tgt_path])
    msgs.append(dict(type='text', value=prompt))
    return msgs


def _build_vqa_prompt(line, tgt_path):
    VQA_PROMPT = '\nPlease try to answer the question with short words or phrases if possible.'
    question = line['question']
    msgs = []
    msgs.extend([dict(type='image', value=p) for p in tgt_path])
    msgs.append(dict(type='text', value=question))
    assert msgs[-1]['type'] == 'text'
    msgs[-1]['value'] += VQA_PROMPT
    return msgs


def build_prompt(task, line, tgt_path):
    kind = DATASET_TYPE[task]
    if kind == "MMMU":
        return _build_mmmu_prompt(line, tgt_path)
    return _build_mcq_prompt(line, tgt_path) if kind == "MCQ" else _build_vqa_prompt(line, tgt_path)


# ---- VLMEvalKit/vlmeval/vlm/omnicaptioner/model.py, Qwen2VLOmniCap._prepare_content (text branch) --------------
def mllm_text(value, function_type):
    if function_type == 'query_cond_3':
        return f'Question: ' + value + "\n" + "Please describe the image. DO NOT try to answer the question!"  # noqa: F541
    elif function_type == 'qa_cot_step':
        return value.replace('Please try to answer the question with short words or phrases if possible.','') + " Please think step by step. The final answer MUST BE put in \\boxed{}."  # noqa: E501
    elif function_type == 'holistic':
        return 'Describe this image in detail.'
    raise NotImplementedError


# ---- system turns: VLMEvalKit/vlmeval/config.py ('MLLM' partial) and VLMEvalKit/run_inferece.sh (query_cond_3) ---
MLLM_SYSTEM = 'You are a helpful assistant.'
QCAP_SYSTEM = "You are given an image and a relevant question. Based on the query, please describe the image in detail. Do not try to answer the question."  # noqa: E501


def mllm_chat(message, function_type, system_prompt):
    """Qwen2VLOmniCap._prepare_input: [system], user = images then the one text item (roles, texts, images)."""
    images = tuple(s['value'] for s in message if s['type'] == 'image')
    (text,) = [mllm_text(s['value'], function_type) for s in message if s['type'] == 'text']
    return [("system", system_prompt, ()), ("user", text, images)]


# ---- VLMEvalKit/vlmeval/vlm/llm_reasoner/model.py -------------------------------------------------------------
joint_check_prompt = """In the following text, you will receive a detailed caption of an image and a relevant question. In addition, you will be provided with a tentative model response. You goal is to answer the question using these information.    
                        
### The detailed caption of the provided image: {image_caption_batch}

### Note that the caption might contain incorrect solutions, do not be misguided by them.

### A problem to be solved: {problem_prompt}

### A tentaive model response.  {qa_batch}
 
### Note that the above tentative resposne might be inaccurate (due to calculation errors, incorrect logic/reasoning and so on), under such a case, please ignore it and give your own solutions. However, if you do not have enough evidence to show it is wrong, please output the tentative resposne."""


def _prepare_summarizer_content(inputs, image_caption_batch2, image_caption_batch, qa_batch, dataset=None, function_type=None):  # noqa: E501
    has_image = False
    content = []
    for s in inputs:
        if s['type'] == 'image':
            has_image = True
    for s in inputs:
        if s['type'] == 'text':
            if function_type == 'joint':

                if not has_image:
                    item = s['value'].replace('Please try to answer the question with short words or phrases if possible.','').replace('Please try to answer the question with short words or phrases if possible.','')  + ' Please think step by step. The final answer MUST BE put in \\boxed{}.'  # noqa: E501
                else:
                    # joint
                    prompt = joint_check_prompt

                    problem = s['value'].replace('Please try to answer the question with short words or phrases if possible.','').replace('Please try to answer the question with short words or phrases if possible.','')  # noqa: E501
                    item = prompt.format(image_caption_batch=image_caption_batch, problem_prompt=problem, qa_batch=qa_batch)  # noqa: E501
                    item = item + "\n\n### Please think step by step. The final answer MUST BE put in \\boxed{}."

            else:
                raise NotImplementedError
            content.append(item)
    return content[0]


def reasoner_chat(message, caption, qa):
    """Reasoner._prepare_input: system "You are a helpful assistant." + the summarizer content (text only)."""
    text = _prepare_summarizer_content(message, None, caption, qa, dataset=None, function_type='joint')
    return [("system", "You are a helpful assistant.", ()), ("user", text, ())]


# ---- VLMEvalKit TSV rows for the fixture items -----------------------------------------------------------------
HINT_FREE = "Hint: Please answer the question and provide the final answer at the end."
HINT_MC = "Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end."


def tsv_mathvision(row):
    """MathVision TSV wording (rapid_eval/tasks/mathvision.py has the evidence), with the task's defaults for the two
    open points: bare-letter choices are listed and ``<imageN>`` tags stay."""
    opts = row.get("options") or []
    text = (HINT_MC if opts else HINT_FREE) + "\nQuestion: " + row["question"]
    if opts:
        text += "\nChoices:\n" + "\n".join(f"({chr(65 + i)}) {o}" for i, o in enumerate(opts))
    return text


# The option columns A..E of VLMEvalKit's WeMath TSV, read off each row's `option` string by hand. The TSV is not
# readable here: for 2steps_multi, whose official string carries stray ";C." markers, these columns are a reading
# (the adapter's), not a verified copy.
WEMATH_OPTIONS = {
    "2steps_1": ["Northeast", "North-South", "Northwest", "North", "No correct answer"],
    "2steps_2": ["East", "South", "West", "North", "No correct answer"],
    "2steps_multi": ["First head northeast to B, then north to ;C.", "First head northwest to B, then west to ;C.",
                     "First head southeast to B, then west to ;C.", "No correct answer"],
}


def tsv_line(task, row):
    """The VLMEvalKit TSV row (question, option columns) that RAPID's code received for a fixture row."""
    if task == "mathvista":
        return {"question": row["query"]}
    if task == "mathvision":
        return {"question": tsv_mathvision(row)}
    if task == "mathverse":
        return {"question": row["question"] or row["query_wo"]}
    if task in ("dynamath", "logicvista"):
        return {"question": row["question"]}
    if task == "wemath":
        return {"question": row["question"], **dict(zip("ABCDE", WEMATH_OPTIONS[row["key"]], strict=False))}
    if task == "mmmu":
        return {"question": row["question"], **dict(zip(string.ascii_uppercase, row["options"], strict=False))}
    raise KeyError(task)


# ---- pairing fixture rows with loaded samples ------------------------------------------------------------------
def _rows(task):
    rows = [json.loads(x) for x in (FIXTURES / task / "samples.jsonl").read_text(encoding="utf-8").splitlines()]
    if task == "mathverse":
        rows = [r for r in rows if r["problem_version"] == "Vision Only"]  # RAPID's MathVerse_MINI_Vision_Only
    return rows


def _cases():
    out = []
    for task in RAPID_TASKS:
        samples = load_task(task, data_dir=FIXTURES).samples
        rows = _rows(task)
        assert len(samples) == len(rows) >= 1, task
        out.extend(pytest.param(task, row, s, id=f"{task}/{s.id}") for row, s in zip(rows, samples, strict=True))
    return out


CASES = _cases()
CAPTION = "A square {0} with side 1; area \\(\\sqrt{2}-1\\).\nSecond line."
SOLUTION = "Step 1: count.\n\nThe answer is \\boxed{B}. {qa_batch}"


def _chat(request):
    return [(m.role, m.text, tuple(m.images)) for m in request.messages]


def test_rapid_literals_copied_whole():
    """The copied literals kept their odd bits (trailing spaces, typos), so a re-indent would be caught here."""
    first, second = joint_check_prompt.split("\n")[:2]
    assert first.endswith("using these information.    ") and second == " " * 24
    assert "### A tentaive model response.  {qa_batch}\n \n" in joint_check_prompt
    assert len(CASES) >= 7 and {c.values[0] for c in CASES} == set(RAPID_TASKS)


@pytest.mark.parametrize(("task", "row", "sample"), CASES)
def test_perceptor_chats_equal_rapid(task, row, sample: Sample):
    message = build_prompt(task, tsv_line(task, row), sample.images)
    prompts = PromptSet()
    expected = {
        "cap": mllm_chat(message, "holistic", MLLM_SYSTEM),
        "qcap": mllm_chat(message, "query_cond_3", QCAP_SYSTEM),
        "sol": mllm_chat(message, "qa_cot_step", MLLM_SYSTEM),
    }
    for part, chat in expected.items():
        assert _chat(part_request(sample, PARTS[part], prompts, PERCEPTOR_DEFAULTS)) == chat, part
    # `direct` is the MLLM-alone row: the same call as sol (qa_cot_step), so the two share one generation
    assert _chat(part_request(sample, PARTS["direct"], prompts, PERCEPTOR_DEFAULTS)) == expected["sol"]


@pytest.mark.parametrize(("task", "row", "sample"), CASES)
def test_reasoner_chats_equal_rapid(task, row, sample: Sample):
    message = build_prompt(task, tsv_line(task, row), sample.images)
    prompts = PromptSet()
    joint = reasoner_request(sample, "qcap+sol", CAPTION, SOLUTION, prompts, REASONER_DEFAULTS)
    assert _chat(joint) == reasoner_chat(message, CAPTION, SOLUTION)
    # `none`: the reasoner's no-image branch (RAPID uses it for items without an image; the harness for none)
    text_only = [s for s in message if s["type"] == "text"]
    none = reasoner_request(sample, "none", None, None, prompts, REASONER_DEFAULTS)
    assert _chat(none) == reasoner_chat(text_only, None, None)


def test_vqa_and_mcq_differ_where_rapid_does():
    """Spot checks of the two behaviours this file pins, on one VQA and one MCQ item (readable failures)."""
    by_task = {c.values[0]: c.values[2] for c in reversed(CASES)}
    prompts = PromptSet()
    vista = by_task["mathvista"]
    qcap = part_request(vista, PARTS["qcap"], prompts, PERCEPTOR_DEFAULTS).messages[1].text
    assert qcap.endswith("\nPlease try to answer the question with short words or phrases if possible.\n"
                         "Please describe the image. DO NOT try to answer the question!")
    sol = part_request(vista, PARTS["sol"], prompts, PERCEPTOR_DEFAULTS).messages[1].text
    assert sol == vista.question + "\n Please think step by step. The final answer MUST BE put in \\boxed{}."
    mmmu = by_task["mmmu"]
    sol = part_request(mmmu, PARTS["sol"], prompts, PERCEPTOR_DEFAULTS).messages[1].text
    assert sol == mmmu.question + " Please think step by step. The final answer MUST BE put in \\boxed{}."
    assert mmmu.question.startswith("Question: ") and "\nOptions:\nA. " in mmmu.question
