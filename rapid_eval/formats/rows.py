"""Build a ``Sample`` from one benchmark row as other tools store it (official field names, VLMEvalKit columns,
lmms-eval ``doc``s), for prediction files that carry their own gold.

A row is first given to the benchmark's task adapter (``rapid_eval/benchmarks/<name>/adapter.py``), so that ids
and fields match what ``load_task`` produces: the adapter is the one mapping of a benchmark's rows. Rows in a
port's own layout that the adapter rejects (VLMEvalKit's ``index``/``qid``/``varid``/option columns …) go to the
benchmark's ``from_port_row`` (its ``formats.py``), which fills only what the scorers read (answer, answer_type,
options, group keys, breakdown metadata) and reuses the adapter's parsers (e.g. WeMath's option string). This
module keeps the cell helpers those functions share.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from typing import Any

from rapid_eval.registry import RegistryError, benchmark_attr
from rapid_eval.tasks import adapter_for
from rapid_eval.tasks.adapter import RowContext
from rapid_eval.tasks.spec import Part, load_spec
from rapid_eval.types import Sample

_OPTION_COLS = [chr(ord("A") + i) for i in range(26)]


def cell_text(v: Any) -> str:
    """A spreadsheet or JSON cell as text: ``""`` for None and NaN, integral floats without ``.0``."""
    if v is None or (isinstance(v, float) and v != v):  # NaN from pandas
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def maybe_list(v: Any) -> list[Any]:
    """A cell as a list: a list as is, a ``[...]`` string parsed (JSON, else a Python literal), other text as one item.

    An empty cell gives ``[]``; a ``[...]`` string that parses as neither is kept as one item.
    """
    if isinstance(v, (list, tuple)):
        return list(v)
    text = cell_text(v).strip()
    if text.startswith("["):
        for loader in (json.loads, ast.literal_eval):
            try:
                out = loader(text)
                return list(out) if isinstance(out, (list, tuple)) else [out]
            except (ValueError, SyntaxError, RecursionError, MemoryError):
                continue
    return [text] if text else []


def maybe_dict(v: Any) -> dict[str, Any]:
    """A cell as a dict: a dict as is, a ``{...}`` string parsed (JSON, else a Python literal), anything else ``{}``."""
    if isinstance(v, dict):
        return v
    text = cell_text(v).strip()
    if text.startswith("{"):
        for loader in (json.loads, ast.literal_eval):
            try:
                out = loader(text)
                return out if isinstance(out, dict) else {}
            except (ValueError, SyntaxError, RecursionError, MemoryError):
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


def plain_sample(bench: str, row: dict[str, Any], sid: str, **kw: Any) -> Sample:
    """A Sample for ``bench`` from a port's row: ``question`` and ``answer`` (unless given) from the row's columns.

    Every column but the image ones goes to ``metadata``; ``kw`` sets the other Sample fields (``answer_type``,
    ``options`` ...).
    """
    meta = {k: v for k, v in row.items()
            if k not in ("image", "decoded_image", "images", "image_path") and not k.startswith("image_")}
    kw.setdefault("answer", cell_text(row.get("answer")))
    return Sample(id=sid, task=bench, question=cell_text(row.get("question")), metadata=meta, **kw)


def _from_adapter(benchmark: str, row: dict[str, Any], index: str) -> Sample | None:
    try:
        spec = load_spec(benchmark)
        ctx = RowContext(benchmark, Part(None, "jsonl"), int(index) if index.isdigit() else 0, dict(spec.options))
        return adapter_for(spec).convert(row, ctx).sample
    except Exception:  # noqa: BLE001 - any adapter refusal (RowError, missing field) -> the port's layout
        return None


def sample_from_row(benchmark: str, row: dict[str, Any], index: str = "") -> Sample:
    """A ``Sample`` for ``benchmark`` from one row with the benchmark's own (or a port's) field names."""
    try:  # ``from_port_row`` of benchmarks/<name>/formats.py: rows in a port's own layout
        port_row: Callable[[dict[str, Any], str], Sample] = benchmark_attr(benchmark, "formats", "from_port_row")
    except RegistryError as e:
        raise KeyError(f"no row builder for benchmark '{benchmark}': {e}") from None
    return _from_adapter(benchmark, row, index) or port_row(row, index)
