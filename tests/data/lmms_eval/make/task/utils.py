"""lmms-eval hooks for the local RealWorldQA-style task: images from files beside docs.json, the rest is
lmms-eval's own RealWorldQA code (prompt, filters, process_results)."""

from pathlib import Path

from lmms_eval.tasks.realworldqa.utils import (  # noqa: F401 - re-exported for the YAML's !function
    MultiChoiceRegexFilter,
    NumberWordsToDigitsFilter,
    realworldqa_doc_to_text,
    realworldqa_process_results,
)
from PIL import Image

HERE = Path(__file__).parent


def doc_to_visual(doc):
    return [Image.open(HERE / doc["image"]).convert("RGB")]


def doc_to_text(doc, lmms_eval_specific_kwargs=None):
    return realworldqa_doc_to_text(doc, lmms_eval_specific_kwargs)


def process_results(doc, results):
    return realworldqa_process_results(doc, results)
