"""lmms-eval hooks for the local MathVista task: the placeholder image from a file, the rest is lmms-eval's own
MathVista code (prompt, GPT answer extraction, official normalisation, aggregation)."""

from pathlib import Path

from lmms_eval.tasks.mathvista.utils import (
    mathvista_aggregate_results,
    mathvista_doc_to_text,
    mathvista_process_results,
)
from PIL import Image

HERE = Path(__file__).parent


def doc_to_visual(doc):
    return [Image.open(HERE / doc["image"]).convert("RGB")]


def doc_to_text(doc, lmms_eval_specific_kwargs=None):
    return mathvista_doc_to_text(doc, lmms_eval_specific_kwargs)


def process_results(doc, results):
    return mathvista_process_results(doc, results)


def aggregate_results(results, args=None):
    return mathvista_aggregate_results(results, args)
