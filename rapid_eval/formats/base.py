"""The prediction-file seam: a :class:`Format` says whether it recognises a file and turns it into ``Predictions``.

Plain types only, so that a benchmark folder's ``formats.py`` can import them without pulling in the rescoring
machinery; the lookup of the formats that apply to a benchmark is :mod:`rapid_eval.rescore.readers`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapid_eval.types import Sample

if TYPE_CHECKING:
    from rapid_eval.scoring.verdict import Verdict


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
    verdicts_are_headline: bool = False
    """The stored verdicts are the authors' own judged result (LogicVista's results CSV ``match?``): rescoring's
    headline follows them, as it does for a third-party judge's file, so that it reproduces the claim."""


@dataclass(frozen=True)
class StoredItem:
    """What a prediction file stored for one item (``Predictions.official[i]``), as rescoring reads it.

    Readers keep writing plain dicts (each format stores different fields); :meth:`from_dict` is the one place
    their keys are read, so the rescoring code works on named fields.
    """

    correct: bool | None = None
    """The file's own verdict on the item (MathVision ``correct``, DynaMath cells, judged VLMEvalKit rows ...);
    None when it stores none."""
    extracted: Any = None
    """The answer the official pipeline extracted, where stored (LogicVista letters, judged VLMEvalKit rows)."""
    extraction: Any = None
    """MathVista: the stored GPT extraction, re-scored with the official normaliser."""
    has_extraction: bool = False
    """MathVista: the file has an ``extraction`` field for this item (an empty extraction still counts)."""
    parsed: Any = None
    """MMMU: the answer the official parser stored (eval-only ``{id: answer}`` files)."""
    has_parsed: bool = False
    """MMMU: a ``parsed`` answer is stored (None is a stored answer too)."""
    model_answer: Any = None
    """MathVision: the answer the official code derived from the response, compared with ours."""

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> StoredItem:
        """The named fields of a reader's per-item dict; missing keys stay None/False.

        ``correct`` is coerced to bool where stored; ``has_parsed`` is set by the key alone (a stored None counts).
        """
        correct = d.get("correct")
        return cls(correct=None if correct is None else bool(correct), extracted=d.get("extracted"),
                   extraction=d.get("extraction"), has_extraction=bool(d.get("has_extraction")),
                   parsed=d.get("parsed"), has_parsed="parsed" in d, model_answer=d.get("model_answer"))

    def verdict(self, decided_by: str = "official:stored") -> Verdict:
        """The stored verdict as a ``Verdict`` decided by ``decided_by`` (``judge:stored`` for a third-party
        judge's); an item without one is unscored, never counted wrong."""
        from rapid_eval.scoring.verdict import Verdict

        if self.correct is None:
            return Verdict.unscored("no stored verdict")
        return Verdict(self.correct, self.extracted, decided_by)


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
