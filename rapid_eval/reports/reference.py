"""The papers' numbers, read from ``results/reference/*.csv`` (each row names its source), to show beside ours.

- ``racro_table1.csv``: RACRO Table 1, every row and benchmark (``base`` names the MLLM a ``w/ ...`` row builds on);
- ``rapid_main.csv``: RAPID's main results (7-benchmark AVG), with the hub ids of perceptor and reasoner;
- ``rapid_ablation.csv``: RAPID's ablation rows A-I on Qwen2.5-VL-7B (AVG; F and H are not in the summary).

Values are percentages; an empty cell is "not reported". Matching a run's model to a paper row uses the hub id
(``Qwen/Qwen2.5-VL-7B-Instruct`` is RACRO's ``Qwen2.5-VL-7B``).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from rapid_eval import benchmarks
from rapid_eval.paths import resource_dir


@cache
def bench_columns() -> tuple[str, ...]:
    """The number columns of the reference files: the papers' benchmarks in their order, then ``avg``."""
    return (*(b.name for b in benchmarks.paper_benchmarks()), "avg")


def reference_dir() -> Path:
    return resource_dir("results") / "reference"


@cache
def _read(name: str) -> tuple[dict[str, str], ...]:
    path = reference_dir() / name
    with open(path, encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


def _numbers(row: dict[str, str]) -> dict[str, float]:
    return {k: float(row[k]) for k in bench_columns() if row.get(k, "").strip()}


def racro_table1() -> list[dict]:
    """Every row of RACRO Table 1: ``{"model", "base", <benchmark>: float ..., "source"}`` (missing = absent)."""
    return [{"model": r["model"], "base": r["base"], **_numbers(r), "source": r["source"]}
            for r in _read("racro_table1.csv")]


def rapid_main() -> list[dict]:
    return [{**{k: r[k] for k in ("system", "perceptor", "reasoner", "method", "source")}, **_numbers(r)}
            for r in _read("rapid_main.csv")]


def rapid_ablation() -> dict[str, dict]:
    """``{"A": {"config": ..., "avg": 42.0, "source": ...}, ...}``."""
    return {r["row"]: {"config": r["config"], **_numbers(r), "source": r["source"]}
            for r in _read("rapid_ablation.csv")}


def _norm(model: str) -> str:
    name = model.rstrip("/").split("/")[-1].lower()
    for suffix in ("-instruct", "-mpo", "-hf"):
        name = name.removesuffix(suffix)
    return name


def mllm_row(model: str | None) -> dict | None:
    """RACRO Table 1's row of an MLLM on its own (``Qwen/Qwen2.5-VL-7B-Instruct`` -> ``Qwen2.5-VL-7B``)."""
    if not model:
        return None
    want = _norm(model)
    for r in racro_table1():
        if r["model"].startswith("w/"):
            continue
        if _norm(r["model"]) == want:
            return r
    return None


def main_row(perceptor: str | None, reasoner: str | None) -> dict | None:
    """RAPID's main-results row for this pairing (``reasoner`` None or ``-``: the MLLM alone)."""
    direct = not reasoner or reasoner == "-"
    for r in rapid_main():
        if _norm(r["perceptor"]) != _norm(perceptor or ""):
            continue
        if direct and r["method"] == "direct":
            return r
        if not direct and r["reasoner"] and _norm(r["reasoner"]) == _norm(reasoner or ""):
            return r
    return None


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
