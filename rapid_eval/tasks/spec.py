"""Task specs: the declarative ``tasks/<name>.yaml`` files, read into frozen dataclasses.

The YAML holds data only (hub id, configs, splits, default options, prompt type, license, size; the headline
metric is the scorer's, ``rapid_eval.benchmarks.get(name).headline_metric``); the logic that maps a benchmark's
rows to :class:`~rapid_eval.types.Sample` lives in ``rapid_eval/benchmarks/<name>/adapter.py`` (README: Adding a
benchmark).
YAML files live in the ``tasks`` resource folder (:func:`rapid_eval.paths.resource_dir`: ``$RAPID_EVAL_HOME``,
the checkout, or the wheel's bundled copy).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from rapid_eval.paths import resource_dir

PROMPT_TYPES = ("vqa", "mcq")
"""``prompt_type`` values: how RAPID's model-side prompt mixin (VLMEvalKit ``Qwen2VLPromptMixin``) treats the set.
``vqa``: the question gets the VQA suffix line, which each call then keeps or strips (see
:func:`rapid_eval.prompts.question_vars`); ``mcq``: the question is used as it is (MCQ layout already built)."""


class TaskError(RuntimeError):
    """A task that cannot be loaded at all: unknown name, bad option, no data source. One line, actionable."""


@dataclass(frozen=True)
class Part:
    """One hub config/split pair that a task reads (MMMU reads 30 configs, DynaMath 10 splits)."""

    config: str | None
    split: str


@dataclass(frozen=True)
class TaskSpec:
    """A benchmark as ``tasks/<name>.yaml`` declares it."""

    name: str
    description: str
    hub_id: str
    configs: tuple[str | None, ...]
    splits: tuple[str, ...]
    license: str
    expected_size: int
    prompt_type: str = "mcq"
    """``vqa`` or ``mcq`` (:data:`PROMPT_TYPES`); every YAML must say which (key ``prompt_type``)."""
    options: dict[str, Any] = field(default_factory=dict)
    """Default options; the only keys ``load_task(options=...)`` accepts."""
    split_sizes: dict[str, int] = field(default_factory=dict)
    """Full size per split or option value where it differs from ``expected_size``."""
    path: str = ""

    def parts(self) -> list[Part]:
        """Every (config, split) pair, configs outermost, in YAML order."""
        return [Part(c, s) for c in self.configs for s in self.splits]


def tasks_dir() -> Path:
    """The folder holding the task YAML files."""
    try:
        return resource_dir("tasks")
    except FileNotFoundError as e:
        raise TaskError(str(e)) from None


def task_names() -> list[str]:
    """Names of all tasks, sorted."""
    return sorted(p.stem for p in tasks_dir().glob("*.yaml"))


def _as_tuple(value: Any) -> tuple:
    if value is None:
        return (None,)
    if isinstance(value, list | tuple):
        return tuple(value)
    return (value,)


@lru_cache(maxsize=64)
def load_spec(name: str) -> TaskSpec:
    """Read ``tasks/<name>.yaml``; an unknown name gets a "did you mean"."""
    names = task_names()
    if name not in names:
        close = difflib.get_close_matches(name.lower(), names, n=1, cutoff=0.5)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise TaskError(f"unknown task '{name}'{hint}; known tasks: {', '.join(names)}")
    path = tasks_dir() / f"{name}.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        hub = raw["hub"]
        prompt_type = raw["prompt_type"]
        if prompt_type not in PROMPT_TYPES:
            raise ValueError(f"prompt_type {prompt_type!r} is not one of {', '.join(PROMPT_TYPES)}")
        if "headline_metric" in raw:
            raise ValueError("headline_metric is not read any more: the headline is the scorer's own "
                             "(Scorer.headline, shown by `rapid-eval tasks`); delete the line")
        return TaskSpec(
            name=raw["name"],
            description=" ".join(str(raw["description"]).split()),
            hub_id=hub["id"],
            configs=_as_tuple(hub.get("configs", hub.get("config"))),
            splits=_as_tuple(hub.get("splits", hub.get("split"))),
            license=raw["license"],
            expected_size=int(raw["expected_size"]),
            prompt_type=prompt_type,
            options=dict(raw.get("options") or {}),
            split_sizes={str(k): int(v) for k, v in (raw.get("split_sizes") or {}).items()},
            path=str(path),
        )
    except (KeyError, TypeError, ValueError, yaml.YAMLError) as e:
        raise TaskError(f"{path}: malformed task spec ({type(e).__name__}: {e})") from e
