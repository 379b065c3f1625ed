"""The reporters' one door to run records: typed rows for the tables, the diagnostics and the explorer.

Every other reporter module works on :class:`ScoredAnswer`, :class:`Perception` and ``Sample`` values from here
and never opens a run file itself, so a change of the record layout is a change of this module alone.

Sources: the run's typed records through
:class:`rapid_eval.storage.rundir.Run` (``VerdictRecord`` per answer, written by
``score``; ``ReasoningRecord`` for the trace and the repeat index; ``PerceptionRecord`` for the O_p texts; the
samples), latest record per key, and ``summary.json`` for the scorer mode that made the verdicts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path, PurePath

from rapid_eval.scoring.verdict import Verdict
from rapid_eval.storage.rundir import Run
from rapid_eval.types import Sample, sample_uid

NO_REASONER = "-"
"""The reasoner of a ``direct`` answer (the MLLM alone)."""


@dataclass(frozen=True)
class ScoredAnswer:
    """One scored answer: a reasoner's (or, for ``direct``, the MLLM's) output with its verdict."""

    task: str
    sample_id: str
    variant: str
    perceptor: str
    reasoner: str
    repeat: int
    output: str
    verdict: Verdict
    """Its verdict as ``score`` wrote it, without the scorer's ``details`` (not shown, and large for judged
    items)."""
    trace: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    seconds: float | None
    key: str

    @property
    def uid(self) -> str:
        """``task/id``: the sample's key in the run."""
        return sample_uid(self.task, self.sample_id)


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
        """``task/id``: the sample's key in the run."""
        return sample_uid(self.task, self.sample_id)


@dataclass
class RunData:
    """A run directory read for reporting (loaded lazily, once)."""

    root: Path
    _cache: dict = field(default_factory=dict, repr=False)

    @cached_property
    def scorer_mode(self) -> str:
        """The scorer mode ``summary.json`` records for the verdicts; ``official`` when the file or field is absent."""
        path = self.root / "summary.json"
        if not path.exists():
            return "official"
        return json.loads(path.read_text(encoding="utf-8")).get("scorer_mode", "official")

    @cached_property
    def run(self) -> Run:
        """The run's record stores, opened read-only (creates nothing; a missing directory raises)."""
        return Run(self.root, create=False)

    @cached_property
    def samples(self) -> dict[str, Sample]:
        """Every sample of the run (``samples.jsonl``) by ``task/id``."""
        return self.run.samples()

    @cached_property
    def perceptions(self) -> list[Perception]:
        """Every perception record (latest per key), failed ones included (``error`` set).

        The perceptor is its model name (``?`` if unrecorded); missing token counts and seconds read as 0.
        """
        return [Perception(
            task=r.task, sample_id=str(r.sample_id), variant=r.variant, perceptor=r.perceptor.get("model", "?"),
            caption=r.caption, solution=r.solution, answer=r.answer, prompt_tokens=r.prompt_tokens or 0,
            completion_tokens=r.completion_tokens or 0, seconds=r.seconds or 0.0, error=r.error)
            for r in self.run.perception_records()]

    @cached_property
    def answers(self) -> list[ScoredAnswer]:
        """One answer per verdict of the last scoring pass, joined to its reasoning record for trace and repeat.

        Raises:
            FileNotFoundError: the run has no ``verdicts.jsonl`` (it was never scored).
        """
        if not (self.root / "verdicts.jsonl").exists():
            raise FileNotFoundError(f"{self.root}: the run has no verdicts; run `rapid-eval score --run {self.root}`")
        reasoning = {r.key: r for r in self.run.reasoning_records()}
        out = []
        for v in self.run.verdict_records():
            rec = reasoning.get(v.key)
            out.append(ScoredAnswer(
                task=v.task, sample_id=str(v.sample_id), variant=v.variant, perceptor=v.perceptor or "?",
                reasoner=v.reasoner, repeat=(rec.repeat or 0) if rec else 0, output=v.output or "",
                verdict=replace(v.verdict, explanation=v.verdict.explanation or "", details={}),
                trace=rec.reasoning if rec else None,
                prompt_tokens=v.prompt_tokens, completion_tokens=v.completion_tokens, seconds=v.seconds, key=v.key))
        return out

    def configs(self) -> list[tuple[str, str, str]]:
        """Every (perceptor, reasoner, variant) that has answers, sorted."""
        return sorted({(a.perceptor, a.reasoner, a.variant) for a in self.answers})


_RUNS: dict[Path, RunData] = {}
GENERATION = [0]
"""Bumped by :func:`forget_runs`, so caches derived from run data (``build``'s cells) know to recompute."""


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
    GENERATION[0] += 1


def model_matches(model: str, wanted: str | None) -> bool:
    """``wanted`` names ``model`` exactly, or by its last path parts (``vlm`` matches ``/tmp/models/vlm``)."""
    if wanted is None:
        return True
    if model == wanted:
        return True
    parts, want = PurePath(model).parts, PurePath(wanted).parts
    return len(want) <= len(parts) and tuple(parts[-len(want):]) == want
