"""The reporters' one door to run records: typed rows for the tables, the diagnostics and the explorer.

Every other reporter module works on :class:`Answer`, :class:`Perception` and ``Sample`` values from here and never
opens a run file itself, so a change of the record layout is a change of this module alone.

Sources (a scored run): ``verdicts.jsonl`` (one verdict per answer, written by ``score``), ``reasoning.jsonl``
(trace, repeat index), ``perception.jsonl`` (the O_p texts), ``samples.jsonl``, ``summary.json`` (which scorer
mode made the verdicts). Later records win for a repeated key, as in every record store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePath

from rapid_eval.records import RecordStore, read_jsonl
from rapid_eval.types import Sample

DIRECT = "-"
"""The reasoner of a ``direct`` answer (the MLLM alone)."""


@dataclass(frozen=True)
class Answer:
    """One scored answer: a reasoner's (or, for ``direct``, the MLLM's) output with its verdict."""

    task: str
    sample_id: str
    variant: str
    perceptor: str
    reasoner: str
    repeat: int
    correct: bool | None
    output: str
    extracted: str | None
    decided_by: str
    flags: tuple[str, ...]
    trace: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    seconds: float | None
    key: str

    @property
    def uid(self) -> str:
        return f"{self.task}/{self.sample_id}"


@dataclass(frozen=True)
class Perception:
    """One O_p variant of one sample by one perceptor."""

    task: str
    sample_id: str
    variant: str
    perceptor: str
    caption: str | None
    solution: str | None
    answer: str | None
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    error: str | None = None

    @property
    def uid(self) -> str:
        return f"{self.task}/{self.sample_id}"


@dataclass
class RunData:
    """A run directory read for reporting (loaded lazily, once)."""

    root: Path
    _cache: dict = field(default_factory=dict, repr=False)

    @cached_property
    def scorer_mode(self) -> str:
        path = self.root / "summary.json"
        if not path.exists():
            return "official"
        return json.loads(path.read_text(encoding="utf-8")).get("scorer_mode", "official")

    @cached_property
    def samples(self) -> dict[str, Sample]:
        return {r["key"]: Sample.from_dict(r) for r in RecordStore(self.root / "samples.jsonl")}

    @cached_property
    def _reasoning(self) -> dict[str, dict]:
        return {r["key"]: r for r in RecordStore(self.root / "reasoning.jsonl")}

    @cached_property
    def perceptions(self) -> list[Perception]:
        out = []
        for r in RecordStore(self.root / "perception.jsonl"):
            out.append(Perception(
                task=r["task"], sample_id=str(r["sample_id"]), variant=r["variant"],
                perceptor=(r.get("perceptor") or {}).get("model", "?"), caption=r.get("caption"),
                solution=r.get("solution"), answer=r.get("answer"), prompt_tokens=r.get("prompt_tokens") or 0,
                completion_tokens=r.get("completion_tokens") or 0, seconds=r.get("seconds") or 0.0,
                error=r.get("error")))
        return out

    @cached_property
    def answers(self) -> list[Answer]:
        path = self.root / "verdicts.jsonl"
        if not path.exists():
            raise FileNotFoundError(f"{path}: the run has no verdicts; run `rapid-eval score --run {self.root}`")
        out = []
        for v in read_jsonl(path):
            rec = self._reasoning.get(v["key"], {})
            out.append(Answer(
                task=v["task"], sample_id=str(v["sample_id"]), variant=v["variant"], perceptor=v["perceptor"],
                reasoner=v["reasoner"], repeat=int(rec.get("repeat") or 0), correct=v.get("correct"),
                output=v.get("output") or "", extracted=v.get("extracted"), decided_by=v.get("decided_by", ""),
                flags=tuple(v.get("flags") or ()), trace=rec.get("reasoning"),
                prompt_tokens=v.get("prompt_tokens"), completion_tokens=v.get("completion_tokens"),
                seconds=v.get("seconds"), key=v["key"]))
        return out

    def configs(self) -> list[tuple[str, str, str]]:
        """Every (perceptor, reasoner, variant) that has answers, sorted."""
        return sorted({(a.perceptor, a.reasoner, a.variant) for a in self.answers})


_RUNS: dict[Path, RunData] = {}


def open_run(root: str | Path) -> RunData:
    """The run at ``root`` (one reader per directory per process)."""
    path = Path(root).resolve()
    if not path.is_dir():
        raise FileNotFoundError(f"{root}: no such run directory")
    if path not in _RUNS:
        _RUNS[path] = RunData(path)
    return _RUNS[path]


def forget_runs() -> None:
    """Drop cached readers (after a stage has written new records to a run)."""
    _RUNS.clear()


def model_matches(model: str, wanted: str | None) -> bool:
    """``wanted`` names ``model`` exactly, or by its last path parts (``vlm`` matches ``/tmp/models/vlm``)."""
    if wanted is None:
        return True
    if model == wanted:
        return True
    parts, want = PurePath(model).parts, PurePath(wanted).parts
    return len(want) <= len(parts) and tuple(parts[-len(want):]) == want
