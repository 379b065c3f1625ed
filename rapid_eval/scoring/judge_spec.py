"""The seam of the optional LLM judge: what a benchmark asks (stages of prompt + reply parser) and how it decides.

A benchmark whose official scoring extracts answers with an LLM (MathVista, MathVerse, LogicVista) defines
``JUDGE = JudgeSpec(...)`` in ``rapid_eval/benchmarks/<name>/judge.py``, beside its scorer; the stage that
calls a judge model (:mod:`rapid_eval.grading.judge`) finds it by name. Everything here is pure: no engine,
no cache. A stage's ``prompt`` may return None when no call is needed (an official shortcut already decided,
e.g. MathVista's "the response is one of the choices" or the MathVerse stage-2 exact-match pre-check); it then
writes its result into ``state`` itself. ``decide`` turns the state into (correct, extracted).

The reply parsers are shared by the benchmarks' stages (sources in each benchmark's ``judge.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rapid_eval.types import Sample

State = dict[str, Any]


@dataclass(frozen=True)
class Stage:
    """One step of an LLM-judge protocol: the prompt it sends and how its reply is parsed."""

    name: str
    """Stage name; the parsed reply is stored in the state under it (and the raw reply under ``<name>_reply``)."""
    prompt: Callable[[Sample, str, State], str | None]
    parse: Callable[[str], Any]


@dataclass(frozen=True)
class JudgeSpec:
    """A benchmark's LLM-judge protocol: its stages, in order, and how their state becomes a verdict."""

    benchmark: str
    """The benchmark (task) name this spec judges."""
    stages: tuple[Stage, ...]
    decide: Callable[[Sample, State], tuple[bool, str | None]]


def parse_extraction(reply: str) -> str | None:
    """An "Extracted answer: X" reply → X (the label echoed or not); None for an empty reply."""
    text = re.sub(r"^\s*extracted\s+answer\s*:\s*", "", reply or "", flags=re.IGNORECASE).strip()
    return text or None


def parse_judgement(reply: str) -> int | None:
    """"Judgement: 1" / "1" / "0 (they differ)" → 1 / 0; anything else → None (the caller retries)."""
    text = (reply or "").replace("Judgement:", "").replace("Judement:", "").strip()
    m = re.match(r"^\**\s*([01])(?!\d)", text)
    if m:
        return int(m.group(1))
    hits = re.findall(r"judge?ment\s*(?:is)?\s*:?\s*\**([01])(?!\d)", reply or "", flags=re.IGNORECASE)
    return int(hits[-1]) if hits else None


def parse_labels(reply: str) -> str | None:
    """VLMEvalKit's normalisation: "A" / "A, C" / "BD" → sorted lower-case labels ("z" = none); prose → None."""
    text = str(reply or "").strip().rstrip(".")
    if re.fullmatch(r"[A-Za-z0-9]+", text):
        compact = text
    else:
        parts = [p for p in re.split(r"[\s,;]+", text) if p]
        if not parts or any(len(p) != 1 or not p.isalnum() for p in parts):
            return None
        compact = "".join(parts)
    return "".join(sorted(compact.lower())) or None
