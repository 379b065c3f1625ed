"""Typed views of dict records: the call cache's records and the per-item data prediction files store."""

from __future__ import annotations

import dataclasses

from rapid_eval.engines.scripted import ScriptedEngine
from rapid_eval.formats.base import StoredItem
from rapid_eval.records import GenerationRecord
from rapid_eval.storage.cache import GenerationCache
from rapid_eval.types import ChatRequest, Message, SamplingParams


def test_generation_record_names_every_field_the_cache_writes(tmp_path):
    cache = GenerationCache(tmp_path / "generations.jsonl")
    sampling = SamplingParams(temperature=0.0, top_p=1.0, max_new_tokens=16, seed=0)
    requests = [ChatRequest(messages=(Message("user", "Say B"),), sampling=sampling),
                ChatRequest(messages=(Message("user", "fail here"),), sampling=sampling)]
    engine = ScriptedEngine(reply="<think>t</think>\\boxed{B}", fail_on="fail here")
    records, _ = cache.run(engine, requests, "judge:toy:extract")
    fields = {f.name for f in dataclasses.fields(GenerationRecord)}
    for raw in records:
        assert set(raw) <= fields, f"the cache writes fields GenerationRecord lacks: {set(raw) - fields}"
        assert {k: v for k, v in GenerationRecord.from_dict(raw).to_dict().items() if k in raw} == raw
    ok, failed = (GenerationRecord.from_dict(r) for r in records)
    assert (ok.text, ok.reasoning, ok.stage, ok.error) == ("\\boxed{B}", "t", "judge:toy:extract", None)
    assert failed.error and failed.text == ""


def test_stored_item_reads_each_format_s_fields():
    assert StoredItem.from_dict({}) == StoredItem()
    vista = StoredItem.from_dict({"extraction": "", "has_extraction": True, "correct": 0})
    assert (vista.extraction, vista.has_extraction, vista.correct) == ("", True, False)
    mmmu = StoredItem.from_dict({"parsed": None})  # a stored answer of None is still a stored answer
    assert (mmmu.has_parsed, mmmu.parsed, mmmu.correct) == (True, None, None)
    vision = StoredItem.from_dict({"model_answer": "5", "correct": True, "extracted": ["A"]})
    assert (vision.model_answer, vision.correct, vision.extracted) == ("5", True, ["A"])
