"""The prediction-file seam: a :class:`Format` says whether it recognises a file and turns it into ``Predictions``.

Plain types only, so that a benchmark folder's ``formats.py`` can import them without pulling in the rescoring
machinery; the lookup of the formats that apply to a benchmark is :mod:`rapid_eval.rescore.readers`.
"""

from __future__ import annotations

from collections.abc import Callable
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
class Format:
    """One prediction-file format: a name, a cheap ``detect(path)`` and ``read(path, benchmark, data_dir)``.

    A benchmark lists its official formats as ``READERS`` in ``rapid_eval/benchmarks/<name>/formats.py``; the
    general formats (VLMEvalKit, lmms-eval) are listed in :mod:`rapid_eval.rescore.readers`.
    """

    name: str
    detect: Detector
    read: Reader
