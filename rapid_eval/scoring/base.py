"""The scorer seam: per-item verdicts (pure, picklable, bulk-callable) and per-benchmark metrics.

Three layers, as in Inspect AI: ``score_one`` judges one item; ``score_all`` runs it in bulk (in killable worker
processes, see ``pool.py``); ``metrics`` reduces verdicts to the benchmark's official numbers (counting helpers
in ``tally.py``).
A scorer never swallows errors into a silent 0: an item it cannot judge is ``unscored`` with a reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapid_eval.types import Sample


@dataclass(frozen=True)
class Verdict:
    """The score of one item and what decided it."""

    correct: bool | None
    """True/False; None when the item could not be scored (bad gold, scorer error) - never counted as wrong."""
    extracted: str | None = None
    """The answer the rule (or judge) extracted from the output."""
    decided_by: str = "rule"
    """Which path decided: ``rule:<name>``, ``judge:<model>``, ``timeout``, ``unscored``."""
    explanation: str = ""
    flags: tuple[str, ...] = ()
    """Noteworthy conditions: ``truncated``, ``no_answer``, ``timeout``, ``random_fallback`` ..."""
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def unscored(cls, reason: str, **details: Any) -> Verdict:
        return cls(correct=None, decided_by="unscored", explanation=reason, details=details)

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["flags"] = list(self.flags)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Verdict:
        return cls(**{**d, "flags": tuple(d.get("flags") or ())})


class Scorer:
    """A benchmark's scoring rules. Subclasses override ``score_one`` and ``metrics``.

    ``score_one`` must be a pure function of (sample, output): it runs in worker processes.
    ``output`` is the model's final text (reasoning trace already removed); ``truncated`` says the output
    was cut inside its trace, which scores 0 with the flag ``truncated``.
    """

    name: str = "generic"
    headline: str = "accuracy"
    sequential: bool = False
    """True when the official rule depends on call order (MMMU's seeded random fallback): scored in order."""
    bounded: bool = False
    """True when ``score_one`` does only string, regex and float work (no symbolic math, which can hang): such a
    scorer runs in the calling process, with no worker to start."""

    def quick(self, sample: Sample, output: str, truncated: bool = False) -> Verdict | None:
        """A verdict reached by string, regex and float work alone, or None to leave the item to ``score_one``
        in a killable worker. Lets ``score_all`` skip starting workers when nothing needs symbolic math."""
        return None

    def score_one(self, sample: Sample, output: str, truncated: bool = False) -> Verdict:
        raise NotImplementedError

    def reset(self) -> None:  # noqa: B027 - optional hook
        """Restore any order-dependent state (MMMU's seeded random fallback) before a pass over items."""

    def metrics(self, samples: Sequence[Sample], verdicts: Sequence[Verdict]) -> dict[str, Any]:
        """Return ``{"metric": name, "score": percent (None if nothing was scored), "n": int, "breakdown": {...}}``.

        The default: accuracy over scored items, with flag counts and no breakdown (see ``tally``)."""
        from rapid_eval.scoring import tally  # tally imports this module

        return tally.summary(self.headline, tally.score(verdicts), verdicts, {}, flags=True)


_SCORERS: dict[str, Callable[..., Scorer]] = {}


def register_scorer(name: str) -> Callable[[type[Scorer]], type[Scorer]]:
    """Class decorator: ``@register_scorer("mathvista")`` makes ``get_scorer("mathvista")`` build it."""

    def deco(cls: type[Scorer]) -> type[Scorer]:
        cls.name = name
        _SCORERS[name] = cls
        return cls

    return deco


def get_scorer(name: str, **options: Any) -> Scorer:
    """The scorer registered for a benchmark (or ``generic``); options go to its constructor."""
    import rapid_eval.scoring  # noqa: F401  - registers the built-in scorers

    if name not in _SCORERS:
        raise KeyError(f"no scorer named '{name}'; known: {', '.join(sorted(_SCORERS))}")
    return _SCORERS[name](**options)


def scorer_names() -> list[str]:
    import rapid_eval.scoring  # noqa: F401

    return sorted(_SCORERS)
