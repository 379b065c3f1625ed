"""The score a VLMEvalKit work directory claims for a prediction or judged file: its ``_score.csv`` / ``_acc.csv``.

VLMEvalKit writes, beside ``<Model>_<DATA>.xlsx`` and ``<Model>_<DATA>_<judge>.xlsx``:

- ``<Model>_<DATA>_<judge>_score.csv``: ``"Task&Skill","tot",["prefetch",]"hit",["prefetch_rate",]"acc"``, first row
  ``Overall``, ``acc`` in percent (MathVista_MINI, LogicVista, MathVision …);
- ``<Model>_<DATA>_acc.csv`` (MCQ datasets): ``"split","Overall",…`` with fractions, one row per split
  (MMMU_DEV_VAL: ``dev`` and ``validation``; the headline is ``validation``).

A prediction file ``<Model>_<DATA>.xlsx`` also finds its single ``<Model>_<DATA>_<judge>_score.csv``.

:func:`claimed_scores` looks for those siblings under the file's own stem, then with up to two ``_<part>`` tails
removed (``Qwen_RealWorldQA_gpt-4o-mini`` -> ``Qwen_RealWorldQA``), and returns ``{"score" (percent), "file",
…}``; ``{}`` when there is none or it cannot be read (a claim is context, never a reason to fail).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

_SUFFIXES = ("_score.csv", "_acc.csv")


def _candidates(path: Path) -> list[Path]:
    stem, out = path.stem, []
    for _ in range(3):
        out += [path.with_name(stem + suffix) for suffix in _SUFFIXES]
        if stem == path.stem:  # a prediction file: its one judged score file (<stem>_<judge>_score.csv)
            judged = sorted(path.parent.glob(f"{_glob_escape(stem)}_*_score.csv"))
            out += judged if len(judged) == 1 else []
        if "_" not in stem:
            break
        stem = stem.rsplit("_", 1)[0]
    return [p for p in out if p != path]


def _glob_escape(text: str) -> str:
    """``text`` with the glob characters ``*?[`` bracketed, so that a file stem matches only itself."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def _number(text: Any) -> float | None:
    try:
        return float(str(text).strip().rstrip("%"))
    except ValueError:
        return None


def _read(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        return {}
    first = rows[0]
    if "Task&Skill" in first and "acc" in first:
        overall = next((r for r in rows if r["Task&Skill"] == "Overall"), first)
        score = _number(overall["acc"])
        out = {"score": round(score, 4) if score is not None else None}
        for key in ("tot", "hit"):
            if _number(overall.get(key)) is not None:
                out[key] = int(float(overall[key]))
        return out
    if "Overall" in first:
        by_split = {r.get("split", ""): r for r in rows}
        row = by_split.get("validation") or first
        score = _number(row["Overall"])
        if score is None:
            return {}
        out = {"score": round(100.0 * score if score <= 1 else score, 4)}
        if "split" in row:
            return {**out, "split": row["split"]}
        return out
    return {}


def claimed_scores(path: Path) -> dict[str, Any]:
    """The claim in the nearest ``_score.csv`` / ``_acc.csv`` sibling (see the module docstring), or {}."""
    for cand in _candidates(path):
        if cand.exists():
            try:
                out = _read(cand)
            except (OSError, csv.Error, KeyError, ValueError):
                continue
            if out.get("score") is not None:
                return {**out, "file": cand.name}
    return {}
