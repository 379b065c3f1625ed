"""Build a ``Sample`` from one benchmark row as other tools store it (official field names, VLMEvalKit columns,
lmms-eval ``doc``s), for prediction files that carry their own gold.

A row is first given to the task adapter (``rapid_eval.tasks.<bench>.ADAPTER``), so that ids and fields match
what ``load_task`` produces; rows in a port's own layout that the adapter rejects (VLMEvalKit's ``index``/``qid``/
``varid``/option columns …) fall back to the small builders here, which fill only what the scorers read: answer,
answer_type, options, group keys and the metadata of the breakdowns.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from typing import Any

from rapid_eval.types import Sample

_OPTION_COLS = [chr(ord("A") + i) for i in range(26)]


def cell_text(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):  # NaN from pandas
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _maybe_list(v: Any) -> list[Any]:
    if isinstance(v, (list, tuple)):
        return list(v)
    text = cell_text(v).strip()
    if text.startswith("["):
        for loader in (json.loads, ast.literal_eval):
            try:
                out = loader(text)
                return list(out) if isinstance(out, (list, tuple)) else [out]
            except (ValueError, SyntaxError):
                continue
    return [text] if text else []


def _maybe_dict(v: Any) -> dict[str, Any]:
    if isinstance(v, dict):
        return v
    text = cell_text(v).strip()
    if text.startswith("{"):
        for loader in (json.loads, ast.literal_eval):
            try:
                out = loader(text)
                return out if isinstance(out, dict) else {}
            except (ValueError, SyntaxError):
                continue
    return {}


def option_columns(row: dict[str, Any]) -> tuple[str, ...]:
    """VLMEvalKit MCQ option columns ``A``, ``B`` ... (stops at the first missing or empty one)."""
    out = []
    for col in _OPTION_COLS:
        val = cell_text(row.get(col)).strip()
        if not val:
            break
        out.append(val)
    return tuple(out)


def _plain(bench: str, row: dict[str, Any], sid: str, **kw: Any) -> Sample:
    meta = {k: v for k, v in row.items() if k not in ("image", "decoded_image", "images", "image_path") and not k.startswith("image_")}
    kw.setdefault("answer", cell_text(row.get("answer")))
    return Sample(id=sid, task=bench, question=cell_text(row.get("question")), metadata=meta, **kw)


def _mathverse(row: dict[str, Any], index: str) -> Sample:
    answer = cell_text(row.get("answer"))
    meta = _maybe_dict(row.get("metadata"))
    mc = cell_text(row.get("question_type")).startswith("multi")
    atype = ("multi_choice" if len(re.findall(r"[A-Z]", answer)) > 1 else "choice") if mc else "text"
    sample = _plain("mathverse", row, cell_text(row.get("sample_index")) or index, answer=answer, answer_type=atype,
                    group={"problem": cell_text(row.get("problem_index")), "version": cell_text(row.get("problem_version"))})
    sample.metadata.update({k: v for k, v in meta.items() if k not in sample.metadata})
    return sample


def _dynamath(row: dict[str, Any], index: str) -> Sample:
    raw_type = cell_text(row.get("answer_type"))
    atype = {"float": "float", "multiple choice": "choice"}.get(raw_type, "text")
    seed = cell_text(row.get("qid") or row.get("_seed_id") or row.get("seed") or row.get("question_id"))
    variant = cell_text(row.get("varid") or row.get("_variant") or row.get("variant"))
    sample = _plain("dynamath", row, f"{seed}-v{variant}" if seed else index,
                    answer=cell_text(row.get("answer") if row.get("answer") not in (None, "") else row.get("ground_truth")),
                    answer_type=atype, group={"seed": seed, "variant": variant})
    sample.metadata.setdefault("level", row.get("knowledge_level"))
    return sample


def _logicvista(row: dict[str, Any], index: str) -> Sample:
    answer = cell_text(row.get("answer"))
    sid = cell_text(row.get("_id") or row.get("id") or row.get("question_id")) or index
    return _plain("logicvista", row, sid, answer=answer, answer_type="multi_choice" if "," in answer else "choice")


def _wemath(row: dict[str, Any], index: str) -> Sample:
    options = tuple(o.strip()[2:].strip() for o in re.split(r";\s*(?=[A-H]\.)", cell_text(row.get("option"))) if o.strip())
    key = cell_text(row.get("key"))
    return _plain("wemath", row, f"{cell_text(row.get('ID'))}_{key.rsplit('_', 1)[-1]}" if row.get("ID") else index,
                  answer_type="choice", options=options or option_columns(row),
                  group={"ID": cell_text(row.get("ID")), "key": cell_text(row.get("key"))})


def _mathvista(row: dict[str, Any], index: str) -> Sample:
    choices = tuple(cell_text(c) for c in _maybe_list(row.get("choices"))) if row.get("choices") is not None else ()
    qtype = cell_text(row.get("question_type"))
    atype = "choice" if qtype == "multi_choice" else (cell_text(row.get("answer_type")) or "text")
    prec = row.get("precision")
    sample = _plain("mathvista", row, cell_text(row.get("pid")) or index, answer_type=atype, options=choices,
                    precision=int(float(prec)) if cell_text(prec) else None, unit=cell_text(row.get("unit")) or None)
    sample.metadata.update({k: v for k, v in _maybe_dict(row.get("metadata")).items() if k not in sample.metadata})
    return sample


def _mathvision(row: dict[str, Any], index: str) -> Sample:
    options = tuple(cell_text(o) for o in _maybe_list(row.get("options"))) or option_columns(row)
    return _plain("mathvision", row, cell_text(row.get("id")) or index, answer_type="choice" if options else "text", options=options)


_MMMU_ID = re.compile(r"(dev|validation|test)_([A-Za-z_]+?)_(\d+)")


def _mmmu_origin(row: dict[str, Any]) -> tuple[str, str, str]:
    """(split, subject, official id or "") of a VLMEvalKit ``MMMU_DEV_VAL`` row: the official id is in ``id``
    or in an image file name (``image_path`` ``['validation_Accounting_1_1.png']``); the split also in ``split``,
    the subject also in ``field`` / ``category`` (``Art Theory`` -> ``Art_Theory``)."""
    for col in ("id", "image_path", "image"):
        m = _MMMU_ID.search(cell_text(row.get(col)))
        if m:
            return m.group(1), m.group(2), m.group(0)
    subject = cell_text(row.get("field") or row.get("category")).strip().replace(" ", "_")
    return cell_text(row.get("split")).strip(), subject, ""


def _mmmu(row: dict[str, Any], index: str) -> Sample:
    options = tuple(cell_text(o) for o in _maybe_list(row.get("options"))) or option_columns(row)
    answer = row.get("answer")
    gold: str | list[str] = [str(a) for a in answer] if isinstance(answer, list) else cell_text(answer)
    if isinstance(gold, str) and gold.startswith("["):
        gold = [cell_text(a) for a in _maybe_list(gold)]
    mc = cell_text(row.get("question_type")) not in ("open", "short-answer") and bool(options)
    split, subject, official_id = _mmmu_origin(row)
    sample = _plain("mmmu", row, cell_text(row.get("id")) or official_id or index, answer=gold,
                    answer_type="choice" if mc else "text", options=options)
    sample.metadata.update({k: v for k, v in (("split", split), ("subject", subject)) if v})
    return sample


def _realworldqa(row: dict[str, Any], index: str) -> Sample:
    return _plain("realworldqa", row, cell_text(row.get("id") or row.get("index")) or index, options=option_columns(row))


_BUILDERS: dict[str, Callable[[dict[str, Any], str], Sample]] = {
    "mathverse": _mathverse, "dynamath": _dynamath, "logicvista": _logicvista, "wemath": _wemath,
    "mathvista": _mathvista, "mathvision": _mathvision, "mmmu": _mmmu, "realworldqa": _realworldqa,
}


def _from_adapter(benchmark: str, row: dict[str, Any], index: str) -> Sample | None:
    try:
        from rapid_eval.tasks._adapter import RowContext
        from rapid_eval.tasks._loader import adapter_for
        from rapid_eval.tasks._spec import Part, load_spec

        spec = load_spec(benchmark)
        ctx = RowContext(benchmark, Part(None, "jsonl"), int(index) if index.isdigit() else 0, dict(spec.options))
        return adapter_for(spec).convert(row, ctx).sample
    except Exception:  # noqa: BLE001 - any adapter refusal (RowError, missing field, no tasks package) -> fallback
        return None


def sample_from_row(benchmark: str, row: dict[str, Any], index: str = "") -> Sample:
    """A ``Sample`` for ``benchmark`` from one row with the benchmark's own (or a port's) field names."""
    if benchmark not in _BUILDERS:
        raise KeyError(f"no row builder for benchmark '{benchmark}'; known: {', '.join(sorted(_BUILDERS))}")
    return _from_adapter(benchmark, row, index) or _BUILDERS[benchmark](row, index)
