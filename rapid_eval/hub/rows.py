"""One dataset row per run record (:mod:`rapid_eval.hub.schema`): a perception record, or a reasoning record with
its verdict, joined with its sample and the provenance its model calls recorded (``generations.jsonl``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapid_eval.hub.schema import SCHEMA_VERSION
from rapid_eval.records import GenerationRecord, PerceptionRecord, ReasoningRecord, VerdictRecord
from rapid_eval.storage.rundir import Run
from rapid_eval.types import Sample


class ExportError(ValueError):
    """The run cannot be exported as asked (a sample missing, an image file gone); one line naming it."""


def _json(obj: Any) -> str | None:
    return None if obj is None else json.dumps(obj, sort_keys=True, ensure_ascii=False)


def image_names(sample: Sample) -> list[str]:
    """The names an exported sample gives its images: ``<k><suffix>``, in prompt order (unique per sample)."""
    return [f"{k}{Path(p).suffix.lower() or '.img'}" for k, p in enumerate(sample.images)]


def sample_columns(sample: Sample, kind: str) -> dict[str, Any]:
    """The columns every row shares: record kind, schema, the sample (whole, as JSON; and readable copies)."""
    d = sample.to_dict()
    d["images"] = image_names(sample)
    gold = sample.answer if isinstance(sample.answer, str) else json.dumps(sample.answer, ensure_ascii=False)
    return {"record_kind": kind, "schema_version": SCHEMA_VERSION, "uid": sample.uid, "benchmark": sample.task,
            "sample_id": sample.id, "question": sample.question, "gold": gold, "answer_type": sample.answer_type,
            "options": list(sample.options), "n_images": len(sample.images), "sample": _json(d)}


def image_column(sample: Sample) -> list[dict[str, Any]]:
    """The sample's image files as ``datasets.Image`` values (bytes and the exported name)."""
    out = []
    for name, path in zip(image_names(sample), sample.images, strict=True):
        try:
            out.append({"bytes": Path(path).read_bytes(), "path": name})
        except OSError as e:
            raise ExportError(f"{sample.uid}: image {path} cannot be read ({e.strerror}); restore it or export "
                              "without --images") from None
    return out


Calls = Callable[[str], GenerationRecord | None]
"""The generation record a row's provenance comes from, by key."""


def _calls(run: Run) -> Calls:
    """``run.generations.record``, remembered per key (a part shared by variants is read once)."""
    return lru_cache(maxsize=4096)(run.generations.record)


def _chat(gen: GenerationRecord | None) -> list[dict[str, Any]] | None:
    """A call's messages without local image paths (the number of images instead)."""
    if gen is None:
        return None
    return [{"role": m.get("role"), "text": m.get("text"), "images": len(m.get("images") or [])}
            for m in gen.messages]


def _samples(run: Run) -> Any:
    return lru_cache(maxsize=4096)(run.sample)


def perception_rows(run: Run) -> Iterator[tuple[Sample, dict[str, Any]]]:
    """(sample, row) per perception record of ``run`` (the latest line per key), in file order."""
    sample, calls = _samples(run), _calls(run)
    for rec in run.iter_perception():
        s = sample(rec.uid)
        if s is None:
            raise ExportError(f"{run.root}: perception record {rec.key} names {rec.uid}, which samples.jsonl lacks")
        yield s, {**sample_columns(s, "perception"), **_perception(rec, calls)}


def _perception(rec: PerceptionRecord, calls: Calls) -> dict[str, Any]:
    gens = {name: calls(k) for name, k in rec.parts.items() if k}
    sampling = next((g.sampling for g in gens.values() if g is not None), None)
    texts = [t for t in (rec.caption, rec.solution) if t]
    return {
        "variant": rec.variant, "perception_key": rec.key, "perceptor_model": rec.perceptor.get("model"),
        "perceptor": _json(rec.perceptor),
        "op_text": rec.answer if rec.answer is not None else "\n\n".join(texts),
        "caption": rec.caption, "solution": rec.solution, "direct_answer": rec.answer, "parts": _json(rec.parts),
        "perceptor_sampling": _json(sampling),
        "perceptor_prompts": _json({name: _chat(g) for name, g in gens.items()}) if gens else None,
        "prompt_tokens": rec.prompt_tokens, "completion_tokens": rec.completion_tokens, "seconds": rec.seconds,
        "finish_reason": rec.finish_reason, "truncated_thinking": rec.truncated_thinking, "error": rec.error,
    }


def reasoning_rows(run: Run) -> Iterator[tuple[Sample, dict[str, Any]]]:
    """(sample, row) per reasoning record of ``run``, with the verdict of the run's last ``score`` pass."""
    sample, calls = _samples(run), _calls(run)
    verdicts = {v.key: v for v in run.iter_verdicts()} if (run.root / "verdicts.jsonl").exists() else {}
    for rec in run.iter_reasoning():
        s = sample(rec.uid)
        if s is None:
            raise ExportError(f"{run.root}: reasoning record {rec.key} names {rec.uid}, which samples.jsonl lacks")
        yield s, {**sample_columns(s, "reasoning"), **_reasoning(rec, calls(rec.generation_key),
                                                                 verdicts.get(rec.key))}


def _reasoning(rec: ReasoningRecord, gen: GenerationRecord | None, verdict: VerdictRecord | None) -> dict[str, Any]:
    v = verdict.verdict if verdict is not None else None
    return {
        "variant": rec.variant, "perception_key": rec.perception_key, "perceptor_model": rec.perceptor.get("model"),
        "perceptor": _json(rec.perceptor), "reasoning_key": rec.key, "reasoner_model": rec.reasoner.get("model"),
        "reasoner": _json(rec.reasoner), "reasoner_sampling": _json(gen.sampling if gen else None),
        "reasoner_messages": _json(_chat(gen)), "generation_key": rec.generation_key, "repeat": rec.repeat or 0,
        "text": rec.text, "reasoning": rec.reasoning, "prompt_tokens": rec.prompt_tokens,
        "completion_tokens": rec.completion_tokens, "seconds": rec.seconds, "finish_reason": rec.finish_reason,
        "truncated_thinking": rec.truncated_thinking, "error": rec.error,
        "scorer": verdict.scorer if verdict else None, "correct": v.correct if v else None,
        "extracted": None if v is None or v.extracted is None else str(v.extracted),
        "decided_by": v.decided_by if v else None, "flags": list(v.flags) if v else [],
        "verdict": _json(v.to_dict()) if v else None,
    }
