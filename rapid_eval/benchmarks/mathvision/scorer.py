"""MathVision (MATH-V), the official rule-based scorer (``mathllm/MATH-V:evaluation/evaluate.py``), without ``eval``.

1. ``model_answer`` from the response (:func:`model_answer`): a trailing `` X.``/`` (X).`` or a leading ``X\\n``/
   ``(X)\\n`` (X in A-E) -> X; a number after the last ``is `` -> that number; without ``\\boxed{``: the part after
   "the (final/correct) answer is" / "the answer should be" (lower or capitalised), first line, first sentence;
   with several ``\\boxed{``: from the last one on; then the MATH-style cleanup (:func:`find_math_answer`) and
   ``(a)``/``{a}`` -> ``a``, trailing ``.`` and leading ``:`` stripped.
2. correct iff ``is_equal(gold, model_answer)`` or ``is_equal(text of the gold option, model_answer)``
   (:mod:`mathvision_equal`: 2-decimal numeric comparison through latex2sympy, evaluated safely).

``decided_by`` is ``rule:mathvision:<step>`` with the step of ``is_equal`` that decided (``string``, ``tuple``,
``numeric``) and ``:option`` when the option text matched. Metrics: ``-all``, per level, per subject and
subject x level, also as the official ``"correct/total=pct%"`` strings (``official`` key).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rapid_eval.benchmarks.mathvision.equal import is_equal
from rapid_eval.scoring import tally
from rapid_eval.scoring.base import Scorer, Verdict
from rapid_eval.scoring.meta import truncated_verdict
from rapid_eval.scoring.metrics import Metrics
from rapid_eval.types import Sample

_FLAGS = ("the final answer is", "the answer is", "the correct answer is", "the answer should be")
_BOXED_GREEDY = re.compile("oxed{(.*)}", flags=re.S)
_CLEAN = (
    (" ", ""), ("\\,", ""), ("∞", "\\infty"), ("+\\infty", "\\infty"), ("\\\\", "\\"), ("\n", ""), ("\\text", ""),
    ("\\mbox", ""), ("bmatrix", "pmatrix"), ("\\left", ""), ("\\right", ""), ("^{\\circ}", ""), ("^\\circ", ""),
    ("{m}^3", ""), ("m^3", ""), ("{units}", ""), ("units", ""), ("{km}", ""), ("km", ""),
)


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def model_answer(response: str) -> str:
    """The official ``model_answer`` derivation (step 1 of the module docstring)."""
    ans = response.strip()
    for c in "ABCDE":
        if (ans.endswith(f" {c}.") or ans.endswith(f" ({c}).") or ans.startswith(f"{c}\n")
                or ans.startswith(f"({c})\n") or ans.startswith(f"({c}) {c}\n")):
            ans = c
    tail = ans.split("is ")[-1].rstrip(".")
    if _is_number(tail):
        ans = tail
    if "oxed{" not in ans:
        for flag in _FLAGS:
            for f in (flag, flag.replace("the", "The")):
                before = ans
                ans = ans.split(f)[-1].strip()
                if f in before:
                    ans = ans.split("\n")[0].split(". ")[0]
    elif ans.count("oxed{") > 1:
        ans = "\\boxed{" + ans.split("oxed{")[-1]
    ans = find_math_answer(ans)
    for x in "abcde":
        ans = ans.replace(f"({x})", x)
    for x in "abcde":
        ans = ans.replace("{" + x + "}", x)
    return ans.rstrip(".").lstrip(":").strip()


def find_math_answer(s: str) -> str:
    """The official ``find_math_answer``: boxed content (greedy, cut at the first unmatched ``}``), cleanup."""
    s = s.lower().replace("{}", "")
    found = _BOXED_GREEDY.findall(s)
    ans = found[-1] if found else s
    if ans.find("}") != -1 and (ans.find("{") == -1 or ans.find("}") < ans.find("{")):
        ans = ans.split("}")[0]
    ans = ans.split("=")[-1].split("\\approx")[-1]
    for old, new in _CLEAN:
        ans = ans.replace(old, new)
    return strip_string(ans)


def strip_string(s: str) -> str:
    """The official ``_strip_string`` (MATH-style normalisation)."""
    for old, new in (("\n", ""), ("\\!", ""), ("\\\\", "\\"), ("tfrac", "frac"), ("dfrac", "frac"), ("\\left", ""),
                     ("\\right", ""), ("^{\\circ}", ""), ("^\\circ", ""), ("\\$", ""), ("$", "")):
        s = s.replace(old, new)
    s = s.split("\\text{ ")[0]
    s = s.replace("\\%", "").replace(" .", " 0.").replace("{.", "{0.")
    if not s:
        return s
    if s[0] == ".":
        s = "0" + s
    if len(s.split("=")) == 2:
        s = s.split("=")[-1]
    if len(s.split("\\approx")) == 2:
        s = s.split("\\approx")[-1]
    if "sqrt" in s:
        s = _fix_sqrt(s)
    s = s.replace(" ", "")
    if "sqrt" in s:
        s = _fix_fracs(s)
    if s == "0.5":
        s = "\\frac{1}{2}"
    return _fix_a_slash_b(s)


def _fix_fracs(s: str) -> str:
    parts = s.split("\\frac")
    out = parts[0]
    for sub in parts[1:]:
        out += "\\frac"
        if sub[:1] == "{":
            out += sub
        elif len(sub) < 2:
            return s
        elif sub[1] != "{":
            out += "{" + sub[0] + "}{" + sub[1] + "}" + sub[2:]
        else:
            out += "{" + sub[0] + "}" + sub[1] + sub[2:]
    return out


def _fix_sqrt(s: str) -> str:
    parts = s.split("\\sqrt")
    out = parts[0]
    for sub in parts[1:]:
        out += "\\sqrt{" + sub[0] + "}" + sub[1:] if sub and sub[0] != "{" else "\\sqrt" + sub
    return out


def _fix_a_slash_b(s: str) -> str:
    parts = s.split("/")
    if len(parts) != 2:
        return s
    try:
        a, b = int(parts[0]), int(parts[1])
    except ValueError:
        return s
    return "\\frac{" + str(a) + "}{" + str(b) + "}" if s == f"{a}/{b}" else s


def gold_option_text(sample: Sample) -> str:
    """The official ``gt_answer_value``: the text of the gold option, ``""`` for free-form items."""
    gold = str(sample.answer)
    if not sample.options or len(gold) != 1:
        return ""
    idx = ord(gold) - ord("A")
    return sample.options[idx] if 0 <= idx < len(sample.options) else ""


def score_model_answer(sample: Sample, answer: str) -> Verdict:
    """Step 2 on an already derived ``model_answer`` (e.g. the one stored in an output file)."""
    ok, step = is_equal(str(sample.answer), answer)
    if not ok:
        ok_opt, step_opt = is_equal(gold_option_text(sample), answer)
        if ok_opt:
            ok, step = True, f"{step_opt}:option"
    return Verdict(ok, answer, f"rule:mathvision:{step}")


class MathVisionScorer(Scorer):
    """The official MATH-V rule (see the module docstring)."""
    symbolic_is_the_only_risk = True  # string, regex, float work; latex2sympy only behind entering_symbolic()
    name = "mathvision"

    headline = "accuracy"

    def score_one(self, sample: Sample, output: str, truncated: bool = False) -> Verdict:
        """``evaluate.py``'s rule: the derived ``model_answer`` must ``is_equal`` the gold or its option text."""
        if truncated:
            return truncated_verdict(explain=True)
        verdict = score_model_answer(sample, model_answer(output or ""))
        return verdict if verdict.extracted else Verdict(False, "", verdict.decided_by, flags=("no_answer",))

    def metrics(self, samples: Sequence[Sample], verdicts: Sequence[Verdict]) -> Metrics:
        """``-all`` accuracy, per level, subject and subject x level, and the official result strings."""
        level = tally.grouped(samples, verdicts, lambda s: [_level(s)])
        subject = tally.grouped(samples, verdicts, lambda s: [s.metadata.get("subject")])
        subject_level = tally.grouped(samples, verdicts, lambda s: [f"{s.metadata.get('subject')}_level{_level(s)}"])
        breakdown = {"level": level, "subject": subject, "subject_level": subject_level,
                     "official": official_keys(samples, verdicts)}
        return tally.official_summary(self.headline, verdicts, breakdown)


def _level(sample: Sample) -> Any:
    return sample.metadata.get("level")


def official_keys(samples: Sequence[Sample], verdicts: Sequence[Verdict]) -> dict[str, str]:
    """The official result file: ``-all``, ``-level{k}``, ``{subject}``, ``{subject}_level{k}``,
    ``-level{k}_{subject}``, each ``"correct/total=pct%"`` (pct rounded to 2 decimals), keys sorted."""
    acc: dict[str, list[int]] = {}
    for s, v in zip(samples, verdicts, strict=True):
        subj, lvl = s.metadata.get("subject"), _level(s)
        for key in ("-all", f"-level{lvl}", f"{subj}", f"{subj}_level{lvl}", f"-level{lvl}_{subj}"):
            acc.setdefault(key, [0, 0])
            acc[key][0] += 1 if v.correct else 0
            acc[key][1] += 1
    return {k: f"{c}/{t}={round(c / max(t, 1) * 100, 2)}%" for k, (c, t) in sorted(acc.items())}


SCORER = MathVisionScorer
"""The benchmark's scorer class (found by :func:`rapid_eval.scoring.get_scorer`)."""
