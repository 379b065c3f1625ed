"""The per-benchmark seam: an :class:`Adapter` maps one raw row to a :class:`Draft` (a Sample plus image refs).

Each ``rapid_eval/benchmarks/<name>/adapter.py`` defines one subclass and exposes an instance as ``ADAPTER``.
Adapters are pure: they read fields and format text, never touch the disk; the loader resolves the image refs
afterwards.
A row that cannot be mapped raises :class:`RowError` (or ``KeyError`` for a missing field) with a short
reason; a row that maps but has no image sets ``Draft.problem``. Either way the loader adds the file:line and
sample id, skips the row and goes on with the next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rapid_eval.tasks.spec import Part, TaskError, TaskSpec
from rapid_eval.types import Sample


class RowError(ValueError):
    """One row cannot become a Sample (missing field, malformed value); the row is skipped and reported."""


@dataclass(frozen=True)
class RowContext:
    """What an adapter may know about a row besides its fields."""

    task: str
    part: Part
    index: int
    """0-based position of the row within its part (RealWorldQA uses it as the id)."""
    options: Mapping[str, Any]


@dataclass(frozen=True)
class Draft:
    """A mapped row: the Sample (``images`` still empty) and the image refs to materialise, in prompt order."""

    sample: Sample
    images: tuple[Any, ...] = ()
    problem: str | None = None
    """Why the row cannot be used for a run although it maps (no image at all): the loader reports it and skips
    the row; callers that only need the mapping (scorers reading prediction rows) may ignore it."""


class Adapter:
    """Base adapter. Subclasses set ``name`` and implement ``row_id`` and ``convert``."""

    name: str = ""
    group_key: str | None = None
    """The ``Sample.group`` key whose groups ``--limit`` keeps whole (WeMath ``ID``, DynaMath ``seed`` ...)."""
    gold_options: Mapping[str, Any] = {}
    """Task options that load every item, for gold answers of prediction files (MathVerse: every version)."""

    def check_options(self, spec: TaskSpec, options: dict[str, Any]) -> dict[str, Any]:
        """Validate and normalise the (already defaulted) options; raise TaskError on a bad value."""
        return options

    def parts(self, spec: TaskSpec, options: Mapping[str, Any]) -> list[Part]:
        """Hub config/split pairs to read for these options."""
        return spec.parts()

    def keep(self, row: Mapping[str, Any], ctx: RowContext) -> bool:
        """Whether the row belongs to the task under these options (MathVerse filters by version)."""
        return True

    def row_id(self, row: Mapping[str, Any], ctx: RowContext) -> str:
        """The sample id of ``row``; may raise when the id fields are missing."""
        raise NotImplementedError

    def group_value(self, row: Mapping[str, Any], ctx: RowContext) -> str | None:
        """Value of ``group_key`` for the row, or None when the adapter has no groups or the field is missing."""
        return None

    def convert(self, row: Mapping[str, Any], ctx: RowContext) -> Draft:
        """Map ``row`` to a Draft (the Sample with ``images`` empty, plus its image refs); subclasses implement it.

        Raises ``RowError`` (or ``KeyError`` for a missing field) when the row cannot be mapped; the loader reports
        it with the file:line and skips the row.
        """
        raise NotImplementedError

    def natural_key(self, sample: Sample) -> str:
        """A key two loaders agree on for the same item, however they spell sample ids: the id by default."""
        return sample.id


def bad_option(task: str, key: str, value: Any, allowed: list[str]) -> TaskError:
    """A TaskError for an option value outside ``allowed``, with a "did you mean"."""
    import difflib

    close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.5)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return TaskError(
        f"task '{task}': bad value {value!r} for option '{key}'{hint}; allowed: {', '.join(allowed)}"
    )
