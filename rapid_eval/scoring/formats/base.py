"""The prediction-file seam: each reader says whether it recognises a file and turns it into ``Predictions``.

A reader module registers itself with ``@register_format(name, benchmarks=(...))``; ``detect_format`` asks every
reader that accepts the benchmark, in registration order, and the first that recognises the file reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapid_eval.types import Sample


class FormatError(ValueError):
    """A prediction file that cannot be read; the message names the file (and line or id where known)."""


@dataclass
class Predictions:
    """Gold items paired with model outputs, read from one or more prediction files."""

    benchmark: str
    samples: list[Sample]
    outputs: list[str]
    """Raw model response per sample (what a judge-free rule scores)."""
    official: list[dict[str, Any]] | None = None
    """Per-item fields the official tooling stored (e.g. MathVista ``extraction``/``true_false``,
    MathVision ``model_answer``/``correct``, LogicVista extracted letters), aligned with ``samples``."""
    source: str = ""
    format: str = ""
    claimed: dict[str, Any] = field(default_factory=dict)
    """Scores the file's authors claim, where the file carries them."""
    truncated: list[bool] | None = None
    """Per item: the output was cut inside its reasoning trace (scores 0, flagged)."""
    replay: dict[str, Any] | None = None
    """Stored judge outputs replayed through the judge's post-processing vs the stored verdicts (judged files)."""


Reader = Callable[[Path, str, "str | None"], Predictions]
Detector = Callable[[Path], bool]


@dataclass(frozen=True)
class _Format:
    name: str
    benchmarks: tuple[str, ...]
    detect: Detector
    read: Reader


_FORMATS: list[_Format] = []


def register_format(name: str, benchmarks: Sequence[str], detect: Detector) -> Callable[[Reader], Reader]:
    """Decorator for ``read(path, benchmark, data_dir) -> Predictions``; ``("*",)`` accepts any benchmark."""

    def deco(read: Reader) -> Reader:
        _FORMATS.append(_Format(name, tuple(benchmarks), detect, read))
        return read

    return deco


def detect_format(path: Path, benchmark: str) -> tuple[str, Reader]:
    """The first registered reader that accepts ``benchmark`` and recognises ``path``."""
    import rapid_eval.scoring.formats.readers  # noqa: F401  - registers the built-in readers

    if not path.exists():
        raise FormatError(f"{path}: no such file")
    for fmt in _FORMATS:
        if (benchmark in fmt.benchmarks or "*" in fmt.benchmarks) and fmt.detect(path):
            return fmt.name, fmt.read
    names = sorted({f.name for f in _FORMATS if benchmark in f.benchmarks or "*" in f.benchmarks})
    raise FormatError(f"{path}: unknown prediction format for benchmark '{benchmark}' (readers tried: {', '.join(names)})")
