"""The papers' numbers, read from ``results/reference/*.csv`` (each row names its source), to show beside ours.

- ``racro_table1.csv``: RACRO Table 1, every row and benchmark (``base`` names the MLLM a ``w/ ...`` row builds on);
- ``rapid_main.csv``: RAPID's main results (7-benchmark AVG) plus the paper's base-perceptor decoupled figure
  (ablation row B);
- ``rapid_ablation.csv``: RAPID's ablation rows A-I on Qwen2.5-VL-7B (AVG; F and H are not in the summary).

Every RAPID row carries its **setup**: ``perceptor`` (hub id of the MLLM it starts from), ``training`` (``base``:
the public checkpoint; ``rapid``, ``grpo``, ... : a trained one), ``reasoner`` (empty: the MLLM alone) and
``variant`` (O_p), and its source row. A value is shown only beside a matching setup (:func:`setup_row`):

- a public model (a hub id, or a folder without ``training.json``) matches ``base`` rows only, so base
  Qwen2.5-VL-7B + Qwen3-8B (qcap+sol) gets ablation row B's 47.5, never the trained model's 53.2;
- a trained checkpoint matches only the row its training config named (``paper_row:``, written by the trainer
  to ``<checkpoint>/training.json``), and only when the table row's reasoner and O_p are that row's.

Values are percentages; an empty cell is "not reported". Matching a run's model to a paper row uses the hub id
(``Qwen/Qwen2.5-VL-7B-Instruct`` is RACRO's ``Qwen2.5-VL-7B``).
"""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path

from rapid_eval import benchmarks
from rapid_eval.paths import resource_dir


@cache
def bench_columns() -> tuple[str, ...]:
    """The number columns of the reference files: the papers' benchmarks in their order, then ``avg``."""
    return (*(b.name for b in benchmarks.paper_benchmarks()), "avg")


def reference_dir() -> Path:
    """``results/reference``, found as :func:`rapid_eval.paths.resource_dir` finds ``results`` (or it raises)."""
    return resource_dir("results") / "reference"


@cache
def _read(name: str) -> tuple[dict[str, str], ...]:
    path = reference_dir() / name
    with open(path, encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


def _numbers(row: dict[str, str]) -> dict[str, float]:
    return {k: float(row[k]) for k in bench_columns() if row.get(k, "").strip()}


def racro_table1() -> list[dict]:
    """Every row of RACRO Table 1: ``{"model", "base", "reasoner", <benchmark>: float ..., "source"}`` (missing =
    absent; ``reasoner``: the hub id of a ``w/ RACRO (X)`` row's reasoner, '' elsewhere)."""
    return [{"model": r["model"], "base": r["base"], "reasoner": r.get("reasoner", ""), **_numbers(r),
             "source": r["source"]}
            for r in _read("racro_table1.csv")]


SETUP = ("perceptor", "training", "reasoner", "variant")
"""The columns that say which setup a RAPID row's number belongs to."""


def rapid_main() -> list[dict]:
    """``{"system", "perceptor", "training", "reasoner", "variant", "source", "avg", ...}`` per main-results row."""
    return [{**{k: r[k] for k in ("system", *SETUP, "source")}, **_numbers(r)} for r in _read("rapid_main.csv")]


def rapid_ablation() -> dict[str, dict]:
    """``{"A": {"config": ..., <setup>, "avg": 42.0, "source": ...}, ...}``."""
    return {r["row"]: {"config": r["config"], **{k: r[k] for k in SETUP}, **_numbers(r), "source": r["source"]}
            for r in _read("rapid_ablation.csv")}


def trained_paper_row(perceptor: str | None) -> str | None:
    """The paper row a trained checkpoint stands for (``training.json``'s ``paper_row``), '' for a trained
    checkpoint that names none, None for a model that is not one of our trained checkpoints."""
    if not perceptor:
        return None
    path = Path(perceptor).expanduser() / "training.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return str(doc.get("paper_row") or "") if isinstance(doc, dict) else ""


def reference_row(spec: str) -> dict | None:
    """A RAPID row with its setup, by ``ablation:<letter>`` or ``main:<system>`` (None if there is none)."""
    kind, _, name = spec.partition(":")
    if kind == "ablation":
        return rapid_ablation().get(name)
    if kind == "main":
        return next((r for r in rapid_main() if r["system"] == name), None)
    return None


def _same_setup(row: dict, reasoner: str | None, variant: str | None) -> bool:
    """Reasoner and O_p of a table row against a reference row (no reasoner: the MLLM alone, any O_p name)."""
    if not reasoner or reasoner == "-":
        return not row["reasoner"]
    return bool(row["reasoner"]) and _norm(row["reasoner"]) == _norm(reasoner) and row["variant"] == variant


def setup_row(perceptor: str | None, reasoner: str | None, variant: str | None) -> dict | None:
    """The paper's row for exactly this setup, or None (see the module docstring)."""
    named = trained_paper_row(perceptor)
    if named is not None:  # a trained checkpoint: only the row its config named
        row = reference_row(named) if named else None
        return row if row is not None and _same_setup(row, reasoner, variant) else None
    for r in rapid_main():
        if r["training"] == "base" and _norm(r["perceptor"]) == _norm(perceptor or "") and \
                _same_setup(r, reasoner, variant):
            return r
    return None


def _norm(model: str) -> str:
    name = model.rstrip("/").split("/")[-1].lower()
    for suffix in ("-instruct", "-mpo", "-hf"):
        name = name.removesuffix(suffix)
    return name


def mllm_row(model: str | None) -> dict | None:
    """RACRO Table 1's row of an MLLM on its own (``Qwen/Qwen2.5-VL-7B-Instruct`` -> ``Qwen2.5-VL-7B``); None
    for a trained checkpoint (those rows are the public models)."""
    if not model or trained_paper_row(model) is not None:
        return None
    want = _norm(model)
    for r in racro_table1():
        if r["model"].startswith("w/"):
            continue
        if _norm(r["model"]) == want:
            return r
    return None


def racro_reasoner_rows(perceptor: str | None) -> list[dict]:
    """RACRO Table 1's ``w/ RACRO (X)`` rows built on this public MLLM: its CRO-trained checkpoint with reasoner X
    (the paper's fixed-perceptor scaling series); none for a trained checkpoint or an MLLM RACRO did not train."""
    base = mllm_row(perceptor)
    if base is None:
        return []
    return [r for r in racro_table1() if r["reasoner"] and r["base"] == base["model"]]


def main_row(perceptor: str | None, reasoner: str | None, variant: str | None = None) -> dict | None:
    """RAPID's row for this setup (``reasoner`` None or ``-``: the MLLM alone): :func:`setup_row`."""
    return setup_row(perceptor, reasoner, variant)


def paper_numbers(spec: dict | str | None) -> dict[str, float]:
    """Paper values for a table row from a spec entry: a dict of numbers, an ablation letter (``ablation:E``),
    a RACRO Table 1 model (``racro:Qwen2.5-VL-7B``) or a RAPID main-results system (``main:<system>``)."""
    if not spec:
        return {}
    if isinstance(spec, dict):
        return {k: float(v) for k, v in spec.items() if k in bench_columns()}
    kind, _, name = str(spec).partition(":")
    if kind == "ablation" and name in rapid_ablation():
        return _only_numbers(rapid_ablation()[name])
    if kind == "racro":
        for r in racro_table1():
            if r["model"] == name:
                return _only_numbers(r)
    if kind == "main":
        for r in rapid_main():
            if r["system"] == name:
                return _only_numbers(r)
    raise ValueError(f"unknown paper reference '{spec}' (use ablation:<A-I>, racro:<Table 1 model>, "
                     "main:<system> or a mapping of benchmark -> value)")


def _only_numbers(row: dict) -> dict[str, float]:
    return {k: v for k, v in row.items() if k in bench_columns()}
