"""lmms-eval hooks for the local MMMU task: images from files beside docs_mmmu.json, the rest is lmms-eval's own
MMMU code (prompt, parsing, aggregation)."""

from pathlib import Path

from lmms_eval.tasks.mmmu.utils import mmmu_aggregate_results, mmmu_doc_to_text, mmmu_process_results
from PIL import Image

HERE = Path(__file__).parent


def doc_to_visual(doc):
    return [Image.open(HERE / doc["image_1"]).convert("RGB")]


def doc_to_text(doc, lmms_eval_specific_kwargs=None):
    return mmmu_doc_to_text(doc, lmms_eval_specific_kwargs)


def process_results(doc, results):
    return mmmu_process_results(doc, results)


def aggregate_results(results):
    return mmmu_aggregate_results(results)
