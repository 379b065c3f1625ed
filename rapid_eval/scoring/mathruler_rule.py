"""RAPID's training grader: ``mathruler`` (``extract_boxed_content`` + ``grade_answer``), as a scorer.

RAPID rewards with ``mathruler.grader`` (``verl/utils/reward_score/mathvision.py``, used for the data sources
mathvision / mathvista / virl39k; ``rapid-method.md`` §7): the content of the **last** ``\\boxed{}`` of the whole
output (``"None"`` when there is none), then ``grade_answer(given, gold)``: mathd normalisation, then a sympy
equality check (unreduced fractions and integer golds must match exactly). Where it differs from rapid-eval's
``generic`` rule (shown by ``tests/training/test_graders.py``): no boxed answer means wrong (generic also reads
"the answer is X" and a bare short text); ``2/4`` is not ``1/2``; ``50\\%`` is not ``0.5`` (math-verify equates
both pairs). On boxed numbers, LaTeX, letters, words, units and ``x =`` they agree.

``mathruler`` 0.1.0 imports ``pylatexenc`` without declaring it: both must be installed
(``pip install -e ".[train]"`` installs both). The sympy step can be slow, so the trainer runs this scorer in
rapid-eval's killable worker pool like any other (``score_all``).
"""

from __future__ import annotations

from rapid_eval.scoring.base import Scorer, Verdict
from rapid_eval.scoring.meta import truncated_verdict
from rapid_eval.types import Sample

MISSING = ("the mathruler grader (RAPID's training reward) needs `pip install mathruler pylatexenc` "
           "(mathruler imports pylatexenc without declaring it); or choose grader: generic")


def available() -> str:
    """'' when mathruler imports, else why not (the message to show)."""
    try:
        import mathruler.grader  # noqa: F401
    except ImportError as e:
        return f"{MISSING} ({e})"
    return ""


class MathrulerScorer(Scorer):
    """``mathruler``'s boxed-answer grade (see the module docstring); a list gold accepts any of its answers."""

    name = "mathruler"
    headline = "accuracy"

    def score_one(self, sample: Sample, output: str, truncated: bool = False) -> Verdict:
        """``grade_answer`` on the last ``\\boxed{}`` content (``"None"`` without one, flagged ``no_answer``).

        Imports mathruler at the call (``ImportError`` when missing, see :func:`available`); a sympy error gives an
        unscored verdict.
        """
        from mathruler.grader import extract_boxed_content, grade_answer

        golds = [str(g) for g in sample.answer] if isinstance(sample.answer, list) else [str(sample.answer)]
        golds = [g.strip() for g in golds if g.strip()]
        if not golds:
            return Verdict.unscored("empty gold answer")
        if truncated:
            return truncated_verdict()
        given = extract_boxed_content(output or "")
        try:
            ok = any(grade_answer(given, g) for g in golds)
        except Exception as e:  # noqa: BLE001 - sympy errors on odd input: not gradable, never a silent 0
            return Verdict.unscored(f"mathruler failed: {type(e).__name__}: {e}")
        return Verdict(ok, given, "rule:mathruler", flags=() if given != "None" else ("no_answer",))
