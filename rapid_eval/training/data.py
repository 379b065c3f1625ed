"""Training items from a rapid-eval task, a benchmark ``samples.jsonl``, or a ViRL39K-style file.

Every item becomes a :class:`rapid_eval.types.Sample`, so the trainer grades answers with the same scorer code
as evaluation. ``--data`` is resolved in this order:

1. a file ``ROOT/<bench>/samples.jsonl`` whose folder is a rapid-eval task name: that benchmark's own format,
   loaded by the task's adapter with ``data_dir=ROOT``;
2. any other ``.jsonl``/``.json``/``.parquet`` file: ViRL39K's format (``TIGER-Lab/ViRL39K``: ``question``,
   ``answer``, ``image`` (a list of paths relative to the file), ``source``, ``category``, optional ``qid``);
   ``problem`` is accepted for ``question`` and ``images`` for ``image``;
3. a task name (see ``rapid-eval tasks``), read from ``data_dir`` or the hub.

Decisions: a ViRL39K answer wrapped in ``\\boxed{}`` is unwrapped; a literal ``<image>`` tag in a ViRL39K question
is removed (the image reaches the model through the chat template); rows of ``exclude_sources`` are dropped
(paper: ``DeepScaleR``). Bad rows (no question, empty answer, unreadable line) are skipped with one message
naming file, line and sample. Images are checked when a row is *used* (see ``dataset.py``), not here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapid_eval.types import Sample

_IMAGE_TAG = re.compile(r"<image>\s*")


@dataclass
class TrainData:
    """The training samples of one stage, with the rows that could not be used and where they came from."""

    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    source: str = ""
    excluded: int = 0


def load_task_samples(name: str, data_dir: str | None, limit: int | None) -> tuple[list[Sample], list[str], str]:
    """The one adapter to rapid-eval's task loading: ``(samples, skipped-row messages, source)``, through the
    Python API (:func:`rapid_eval.api.load_tasks`) like every other stage."""
    from rapid_eval.api import load_tasks

    errors: list[str] = []
    samples = load_tasks([name], data_dir=data_dir, limit=limit, on_error=errors.append, on_loaded=None)
    return samples, errors, f"task {name} ({data_dir or 'hub'})"


def _task_names() -> set[str]:
    from rapid_eval.tasks import task_names

    return set(task_names())


def load_training_data(spec: str, data_dir: str | None = None, exclude_sources: list[str] | tuple[str, ...] = (),
                       limit: int | None = None) -> TrainData:
    """Resolve ``spec`` (see the module docstring) into Samples; raise ValueError when nothing is usable."""
    path = Path(spec).expanduser()
    if path.is_file():
        if path.name == "samples.jsonl" and path.parent.name in _task_names():
            samples, errors, source = load_task_samples(path.parent.name, str(path.parent.parent), limit)
            data = TrainData(samples, errors, source)
        else:
            data = _load_virl(path, limit)
    elif path.suffix in (".jsonl", ".json", ".parquet") or "/" in spec:
        raise ValueError(f"training data file not found: {path}")
    else:
        if spec not in _task_names():
            raise ValueError(f"--data '{spec}' is neither a file nor a task; tasks: {', '.join(sorted(_task_names()))}")
        samples, errors, source = load_task_samples(spec, data_dir, limit)
        data = TrainData(samples, errors, source)
    drop = {s.lower() for s in exclude_sources}
    if drop:
        kept = [s for s in data.samples if str(s.metadata.get("source", "")).lower() not in drop]
        data.excluded = len(data.samples) - len(kept)
        data.samples = kept
    if not data.samples:
        raise ValueError(f"no usable training items in {spec} ({len(data.errors)} rows skipped"
                         f"{', ' + str(data.excluded) + ' excluded by source' if data.excluded else ''})")
    return data


def _rows(path: Path) -> list[tuple[int, dict[str, Any] | None, str | None]]:
    """``(line number, row or None, error)``; parquet rows count from 1."""
    if path.suffix == ".parquet":
        import pandas as pd

        frame = pd.read_parquet(path)
        return [(i + 1, r, None) for i, r in enumerate(frame.to_dict(orient="records"))]
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        rows = json.loads(text)
        if not isinstance(rows, list):
            raise ValueError(f"{path}: a .json training file must hold a list of rows")
        return [(i + 1, r, None) for i, r in enumerate(rows)]
    out: list[tuple[int, dict[str, Any] | None, str | None]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            out.append((n, None, f"not JSON ({e.msg})"))
            continue
        out.append((n, row, None) if isinstance(row, dict) else (n, None, "not a JSON object"))
    return out


def _unbox(answer: str) -> str:
    a = answer.strip()
    if a.startswith("\\boxed{") and a.endswith("}"):
        return a[len("\\boxed{"):-1].strip()
    return a


def _as_list(v: Any) -> list[str]:
    """Image paths from a path or a list (or array) of paths; ValueError for anything else (``"image": 5``)."""
    if v is None:
        return []
    if isinstance(v, str):
        return [v] if v else []
    if isinstance(v, dict | bytes | int | float | bool) or not hasattr(v, "__iter__"):
        raise ValueError(f"image must be a path or a list of paths, got {type(v).__name__}")
    items = list(v)
    bad = [x for x in items if x and not isinstance(x, str)]
    if bad:
        raise ValueError(f"image must be a path or a list of paths, got a list holding {type(bad[0]).__name__}")
    return [x for x in items if x]


def virl_sample(row: dict[str, Any], base: Path, line: int, origin: str) -> Sample:
    """One ViRL39K-style row as a Sample; ValueError names what is wrong."""
    question = row.get("question") or row.get("problem")
    if not isinstance(question, str) or not question.strip():
        raise ValueError("no question")
    answer = row.get("answer")
    if answer is None or not str(answer).strip():
        raise ValueError("empty answer")
    # not ``row.get("image") or ...``: a parquet list column is a numpy array, whose truth value raises
    raw = row.get("image") if row.get("image") is not None else row.get("images")
    images = [str(p if Path(p).is_absolute() else base / p) for p in _as_list(raw)]
    sid = str(row.get("qid") or row.get("id") or f"{origin}:{line}")
    meta = {k: row[k] for k in ("source", "category") if row.get(k) is not None}
    return Sample(id=sid, task="virl39k", question=_IMAGE_TAG.sub("", question).strip(),
                  answer=_unbox(str(answer)), answer_type="text", images=tuple(images), metadata=meta)


def _load_virl(path: Path, limit: int | None) -> TrainData:
    data = TrainData(source=f"virl39k:{path}")
    for line, row, err in _rows(path):
        if limit is not None and len(data.samples) >= limit:
            break
        if err is not None:
            data.errors.append(f"{path}:{line}: {err}")
            continue
        try:
            data.samples.append(virl_sample(row or {}, path.parent, line, path.stem))
        except ValueError as e:
            sid = (row or {}).get("qid") or (row or {}).get("id") or "?"
            data.errors.append(f"{path}:{line}: sample {sid}: {e}")
    return data
