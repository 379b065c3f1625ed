"""The scorer seam: per-item verdicts (pure, picklable, bulk-callable) and per-benchmark metrics.

Three layers, as in Inspect AI: ``score_one`` judges one item; ``score_all`` runs it in bulk (in killable worker
processes, see ``pool.py``); ``metrics`` reduces verdicts to the benchmark's official numbers (counting helpers
in ``tally.py``).
A scorer never swallows errors into a silent 0: an item it cannot judge is ``unscored`` with a reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapid_eval.scoring import tally
from rapid_eval.scoring.mathverify_safe import SymbolicNeeded, symbolic_free
from rapid_eval.scoring.metrics import Metrics
from rapid_eval.scoring.verdict import Verdict
from rapid_eval.types import Sample

__all__ = ["Metrics", "Scorer", "Verdict"]


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
    symbolic_is_the_only_risk: bool = False
    """True when everything ``score_one`` does outside math-verify/latex2sympy (reached only through
    :mod:`rapid_eval.scoring.mathverify_safe`) is string, regex and float work: ``quick`` may then run the rule
    itself in the calling process with symbolic math forbidden. False (the default) for any other scorer, whose
    rule might hang or crash anywhere and so runs only in a killable worker."""

    def quick(self, sample: Sample, output: str, truncated: bool = False) -> Verdict | None:
        """A verdict reached by string, regex and float work alone, or None to leave the item to ``score_one``
        in a killable worker. Lets ``score_all`` skip starting workers when nothing needs symbolic math.

        The default runs ``score_one`` itself with symbolic math forbidden
        (:func:`~rapid_eval.scoring.mathverify_safe.symbolic_free`): an item whose rule decides before reaching
        math-verify or latex2sympy gets exactly ``score_one``'s verdict, any other is left to a worker. Not for
        order-dependent (``sequential``) scorers, and only where ``symbolic_is_the_only_risk``."""
        if self.sequential or not self.symbolic_is_the_only_risk:
            return None
        try:
            with symbolic_free():
                return self.score_one(sample, output, truncated)
        except SymbolicNeeded:
            return None

    def score_one(self, sample: Sample, output: str, truncated: bool = False) -> Verdict:
        """The verdict on one item under this benchmark's rule: ``output`` against ``sample.answer``.

        Must be a pure function of its arguments (it runs in worker processes); the base raises ``NotImplementedError``.
        """
        raise NotImplementedError

    def reset(self) -> None:  # noqa: B027 - optional hook
        """Restore any order-dependent state (MMMU's seeded random fallback) before a pass over items."""

    def metrics(self, samples: Sequence[Sample], verdicts: Sequence[Verdict]) -> Metrics:
        """The benchmark's official numbers over ``verdicts`` (aligned with ``samples``): headline and breakdowns.

        The default: accuracy over scored items, with flag counts and no breakdown (see ``tally``)."""
        return tally.summary(self.headline, tally.score(verdicts), verdicts, {}, flags=True)
