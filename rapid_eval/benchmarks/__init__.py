"""One :class:`Benchmark` object per folder ``rapid_eval/benchmarks/<name>/``, found by name.

Everything that depends on which benchmark is meant asks its object (``get(name)``) instead of testing the name:
its adapter, scorer, LLM-judge specs, prediction-file readers, natural key, gold loading, VLMEvalKit replay hook,
display and short names, the headline metric (the scorer's, written once) and its column in the papers' tables.
The folder is the registration (as lm-evaluation-harness's lazy registry and Inspect AI's providers work): the
object holds names and places only and imports a part (``adapter.py``, ``scorer.py``, ``judge.py``,
``formats.py``) the first time it is asked for, so listing benchmarks imports no scorer.

The folder's ``__init__.py`` may set ``DISPLAY_NAME`` (how reports spell it; default: the folder name),
``SHORT_NAME`` (an 80-column table header; default: the first seven letters) and ``PAPER_ORDER`` (1-based column
among RACRO/RAPID's seven benchmarks, whose plain mean is the papers' AVG; default: not one of them).

    >>> from rapid_eval import benchmarks
    >>> b = benchmarks.get("wemath")
    >>> b.headline_metric, b.short_name
    ('Score (Strict)', 'WeMath')

This module imports only :mod:`rapid_eval.registry` at run time; the layers above (grading, rescore, reports, the
CLI) use it, the layers below the benchmark folders (tasks, scoring) use :func:`rapid_eval.registry.benchmark_attr`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapid_eval.registry import RegistryError, benchmark_attr, benchmark_module, benchmark_names, did_you_mean

if TYPE_CHECKING:
    from rapid_eval.formats.base import Format
    from rapid_eval.scoring.base import Scorer
    from rapid_eval.scoring.judge_spec import JudgeSpec
    from rapid_eval.tasks.adapter import Adapter
    from rapid_eval.types import Sample

JUDGE_PROTOCOLS = {"official": "JUDGE", "vlmevalkit": "JUDGE_VLMEVALKIT"}
"""Judge protocol -> the attribute of ``judge.py`` that holds its spec (``score --judge-protocol``)."""

__all__ = ["JUDGE_PROTOCOLS", "Benchmark", "UnknownBenchmark", "all", "get", "names", "paper_benchmarks"]


class UnknownBenchmark(RegistryError):
    """A name with no folder ``rapid_eval/benchmarks/<name>/``; the message names the nearest one."""


@dataclass(frozen=True)
class Benchmark:
    """A benchmark: names and places; its parts are imported when first asked for."""

    name: str
    """The folder name, the task name and the ``Sample.task`` of its items."""
    display_name: str
    """How prose and legends spell it (``MathVista``)."""
    short_name: str
    """A table header short enough for an 80-column terminal (``MVista``)."""
    paper_order: int | None = None
    """1-based column among the papers' seven benchmarks (AVG is their plain mean); None: not one of them."""

    # -- the parts -------------------------------------------------------------------------------------------
    def _part(self, part: str, attr: str, default: Any = None) -> Any:
        return benchmark_attr(self.name, part, attr, default)

    @property
    def task_yaml(self) -> Path:
        """``tasks/<name>.yaml`` (the hub id, splits, options, license): the layout users edit."""
        from rapid_eval.tasks.spec import tasks_dir

        return tasks_dir() / f"{self.name}.yaml"

    @cached_property
    def adapter(self) -> Adapter:
        """``ADAPTER`` of ``adapter.py``: one raw row -> a Sample (looked up once per object: ``natural_key`` runs
        per item)."""
        adapter: Adapter = benchmark_attr(self.name, "adapter", "ADAPTER")
        return adapter

    @property
    def has_own_scorer(self) -> bool:
        """Whether the folder has ``scorer.py`` (else the generic boxed-answer rule scores the task)."""
        return benchmark_module(self.name, "scorer") is not None

    @property
    def scorer_class(self) -> type[Scorer]:
        """``SCORER`` of ``scorer.py``, else the generic boxed-answer + math-verify rule."""
        own = self._part("scorer", "SCORER")
        if own is not None:
            cls: type[Scorer] = own
            return cls
        from rapid_eval.scoring.generic import GenericScorer

        return GenericScorer

    def scorer(self, **options: Any) -> Scorer:
        """A new scorer (``options`` go to its constructor)."""
        return self.scorer_class(**options)

    @property
    def headline_metric(self) -> str:
        """The name of the number the scorer's summary leads with (``accuracy``, ``Score (Strict)`` ...)."""
        return str(self.scorer_class.headline)

    def judge(self, protocol: str = "official") -> JudgeSpec | None:
        """The LLM-judge spec under ``protocol`` (``JUDGE`` / ``JUDGE_VLMEVALKIT`` of ``judge.py``), or None."""
        if protocol not in JUDGE_PROTOCOLS:
            raise ValueError(f"judge protocol must be one of {', '.join(JUDGE_PROTOCOLS)}, not {protocol!r}")
        spec: JudgeSpec | None = self._part("judge", JUDGE_PROTOCOLS[protocol])
        return spec

    def judge_protocols(self) -> tuple[str, ...]:
        """The protocols this benchmark has a judge spec for (empty: no ``judge.py``)."""
        if benchmark_module(self.name, "judge") is None:
            return ()
        return tuple(p for p in JUDGE_PROTOCOLS if self.judge(p) is not None)

    @property
    def readers(self) -> tuple[Format, ...]:
        """``READERS`` of ``formats.py``: readers of the benchmark's official prediction files (may be empty)."""
        return tuple(self._part("formats", "READERS", ()))

    @property
    def port_row(self) -> Callable[[dict[str, Any], str], Sample] | None:
        """``from_port_row`` of ``formats.py``: a Sample from a row in a port's own layout, or None."""
        fn: Callable[[dict[str, Any], str], Sample] | None = self._part("formats", "from_port_row")
        return fn

    @property
    def explain_difference(self) -> Callable[[Sample, Any, Any], str | None] | None:
        """``explain_difference(sample, stored, verdict)`` of ``formats.py``: the documented reason a rapid-eval
        verdict may differ from one the authors stored (None: undocumented); None when the benchmark lists none."""
        fn: Callable[[Sample, Any, Any], str | None] | None = self._part("formats", "explain_difference")
        return fn

    def natural_key(self, sample: Sample) -> str:
        """A key two loaders agree on for the same item (the adapter's; the sample id unless it says otherwise)."""
        return self.adapter.natural_key(sample)

    def load_gold(self, data_dir: str | Path) -> dict[str, Sample]:
        """``{natural key: Sample}`` for every item under ``data_dir`` (gold answers for prediction files)."""
        from rapid_eval.formats.gold import load_gold

        return load_gold(self.name, data_dir)

    def replay_vlmevalkit(self, rows: Sequence[Mapping[str, Any]]) -> list[bool | None]:
        """VLMEvalKit's verdict per judged-file row from its stored judge output (``replay_vlmevalkit`` of
        ``judge.py``); None where a row, or the whole benchmark, has nothing to replay."""
        hook: Callable[[Mapping[str, Any]], bool | None] | None = self._part("judge", "replay_vlmevalkit")
        if hook is None:
            return [None] * len(rows)
        return [hook(r) for r in rows]


@cache
def _build(name: str) -> Benchmark:
    package = importlib.import_module(f"{__name__}.{name}")
    order = getattr(package, "PAPER_ORDER", None)
    return Benchmark(
        name=name,
        display_name=str(getattr(package, "DISPLAY_NAME", name)),
        short_name=str(getattr(package, "SHORT_NAME", name[:7])),
        paper_order=int(order) if order is not None else None,
    )


def names() -> list[str]:
    """Every benchmark folder (one with an ``adapter.py``), sorted; nothing is imported."""
    return benchmark_names()


def get(name: str) -> Benchmark:
    """The benchmark called ``name``; :class:`UnknownBenchmark` names the nearest valid name and lists them all."""
    known = names()
    if name not in known:
        raise UnknownBenchmark(f"unknown benchmark '{name}'{did_you_mean(name, known)}; choose one of: "
                               f"{', '.join(known)}")
    return _build(name)


def all() -> list[Benchmark]:  # noqa: A001 - the registry's natural name, as in ``benchmarks.all()``
    """Every benchmark, by name."""
    return [_build(n) for n in names()]


def paper_benchmarks() -> list[Benchmark]:
    """The papers' benchmarks (those with a ``PAPER_ORDER``), in the papers' column order."""
    return sorted((b for b in all() if b.paper_order is not None), key=lambda b: b.paper_order or 0)
