"""MathVerse: the rule path on answers with units, prefixes and letter sets; quick match; per-version metrics;
the official output templates."""

from __future__ import annotations

import pytest
from testlib import shared_path

from rapid_eval.benchmarks.mathverse import formats as reader
from rapid_eval.benchmarks.mathverse.scorer import (
    VISION_VERSIONS,
    MathVerseScorer,
    clean_value,
    mathverse_metrics,
)
from rapid_eval.scoring.base import Verdict
from rapid_eval.types import Sample

SCORER = MathVerseScorer()


def _s(answer: str, qtype: str = "free-form", version: str = "Vision Only", problem: str = "1", **meta) -> Sample:
    atype = "text" if qtype == "free-form" else ("multi_choice" if "\n" in answer else "choice")
    return Sample(id=f"{problem}-{version}", task="mathverse", question="", answer=answer, answer_type=atype,
                  group={"problem": problem, "version": version},
                  metadata={"question_type": qtype, "subject": "Plane Geometry", "subfield": "Length", **meta})


# (gold, question type, output, correct, decided_by)
CASES = [
    ("2191.7 metres", "free-form", "The distance is \\boxed{2191.7} m.", True, "rule:boxed+string"),  # unit in gold
    ("2191.7 metres", "free-form", "\\boxed{2191.7 \\text{ metres}}", True, "rule:boxed+string"),  # unit in both
    ("2191.7 metres", "free-form", "\\boxed{2191.8}", False, "rule:boxed+mv"),  # off by 0.1
    ("Volume $=25.13 \\mathrm{~cm}^{3}$", "free-form", "\\boxed{25.13 \\text{ cm}^3}", True, "rule:boxed+string"),
    # cm^3 as text
    ("Volume $=25.13 \\mathrm{~cm}^{3}$", "free-form", "\\boxed{25.13\\ cm^{3}}", True, "rule:boxed+string"),
    ("Volume $=25.13 \\mathrm{~cm}^{3}$", "free-form", "\\boxed{8\\pi}", True, "rule:boxed+rounded"),  # 25.1327 → 25.13
    # trailing zero, prefix
    ("Volume $=113.10 \\mathrm{~cm}^{3}$", "free-form", "\\boxed{V = 113.1}", True, "rule:boxed+mv"),
    ("Center $=(20,10)$", "free-form", "\\boxed{(20, 10)}", True, "rule:boxed+string"),  # tuple with a prefix
    ("Center $=(20,10)$", "free-form", "\\boxed{(10, 20)}", False, "rule:boxed+mv"),  # order matters
    ("$r=5$", "free-form", "\\boxed{5}", True, "rule:boxed+mv"),  # equation gold vs value
    ("$y=21.61$", "free-form", "y = \\boxed{21.61}", True, "rule:boxed+mv"),
    ("90.1", "free-form", "\\boxed{90.14}", True, "rule:boxed+rounded"),  # gold given to one decimal place
    ("19", "free-form", "\\boxed{19^\\circ}", True, "rule:boxed+string"),  # degrees
    ("45", "free-form", "\\boxed{45°}", True, "rule:boxed+string"),  # unicode degree sign
    ("0.5", "free-form", "\\boxed{\\frac{1}{2}}", True, "rule:boxed+mv"),  # fraction vs decimal
    ("50\\%", "free-form", "\\boxed{50}", True, "rule:boxed+mv"),  # percent (math-verify 0.9 is lenient)
    ("\\frac{(x+2)^2}{4}+\\frac{(y-2)^2}{9}=1", "free-form",
     "\\boxed{\\frac{(y-2)^2}{9}+\\frac{(x+2)^2}{4}=1}", True, "rule:boxed+mv"),  # equation, terms swapped
    ("(-2,1]", "free-form", "\\boxed{(-2, 1)}", False, "rule:boxed+mv"),  # interval ends differ
    ("14", "free-form", "So the straw is 14 cm long.", True, "rule:last_number+string"),  # no box: last number
    ("14", "free-form", "Final answer: 14", True, "rule:phrase+string"),
    ("14", "free-form", "I cannot tell.", False, "rule:none"),  # nothing to extract
    ("14", "free-form", "", False, "rule:none"),  # empty output
    ("C\nD", "multi-choice", "\\boxed{C, D}", True, "rule:boxed"),  # multi-letter gold
    ("C\nD", "multi-choice", "\\boxed{CD}", True, "rule:boxed"),
    ("C\nD", "multi-choice", "\\boxed{C}", False, "rule:boxed"),  # a subset is wrong
    ("B", "multi-choice", "\\boxed{(B)}", True, "rule:boxed"),
    ("B", "multi-choice", "\\boxed{B: 2\\sqrt{3}}", True, "rule:boxed"),  # letter with the option text
    ("B", "multi-choice", "\\boxed{b}", True, "rule:boxed"),  # lower-case letter
    ("B", "multi-choice", "The correct option is B.", True, "rule:phrase"),
    ("B", "multi-choice", "B.", True, "rule:bare"),
    ("F", "multi-choice", "The answer is F", True, "rule:phrase"),  # letters beyond E
    ("B", "multi-choice", "No idea", False, "rule:none"),
]


@pytest.mark.parametrize("gold,qtype,output,correct,decided_by", CASES)
def test_score_one(gold, qtype, output, correct, decided_by):
    v = SCORER.score_one(_s(gold, qtype), output)
    assert (v.correct, v.decided_by) == (correct, decided_by)


@pytest.mark.parametrize("raw,clean", [
    ("Volume $=25.13 \\mathrm{~cm}^{3}$", "25.13"),  # worded prefix and LaTeX unit
    ("Center $=(20,10)$", "(20,10)"),  # worded prefix kept out of the tuple
    ("$r=5$", "r=5"),  # a one-letter variable stays: math-verify compares equations
    ("2191.7 metres", "2191.7"),  # plain-text unit
    ("1,500 km", "1500"),  # thousands separator
])
def test_clean_value(raw, clean):
    assert clean_value(raw) == clean


def test_boxed_option_text_maps_to_its_letter_when_options_are_shown():
    s = Sample(id="1", task="mathverse", question="…Choices:\nA:$\\infty$\nB:0\nC:10", answer="C", answer_type="choice",
               options=("$\\infty$", "0", "10"), group={"version": "Text Lite"},
               metadata={"question_type": "multi-choice"})
    v = SCORER.score_one(s, "\\boxed{10}")
    assert (v.correct, v.extracted, v.decided_by) == (True, "C", "rule:boxed")


def test_quick_match_is_the_official_exact_string_rule():
    assert SCORER.score_one(_s("14"), "\\boxed{14}").details["quick_match"] is True
    v = SCORER.score_one(_s("2191.7 metres"), "\\boxed{2191.7}")
    assert v.correct is True and v.details["quick_match"] is False  # rule accepts, quick match does not


def test_truncated_and_empty_gold():
    v = SCORER.score_one(_s("14"), "\\boxed{14}", truncated=True)
    assert v.correct is False and v.flags == ("truncated",)
    assert SCORER.score_one(_s(""), "\\boxed{14}").correct is None


def _run(versions: tuple[str, ...], right: dict[str, int]) -> dict:
    samples, verdicts = [], []
    for v in versions:
        for p in range(4):
            samples.append(_s("1", version=v, problem=str(p)))
            verdicts.append(Verdict(p < right.get(v, 4), details={"quick_match": p < 2}))
    return mathverse_metrics(samples, verdicts)


def test_headline_is_vision_only_when_only_that_version_runs():
    m = _run(("Vision Only",), {"Vision Only": 3})
    assert (m.metric, m.score, m.n) == ("accuracy (Vision Only)", 75.0, 4)
    assert m.breakdown["All"] is None and "Text Dominant" in m.breakdown["All_missing_versions"]
    assert m.breakdown["quick_match"]["overall"]["score"] == 50.0


def test_all_is_over_the_five_vision_versions_and_text_only_is_separate():
    m = _run((*VISION_VERSIONS, "Text Only"), {"Text Dominant": 4, "Vision Only": 0, "Text Only": 0})
    assert m.metric == "All (five vision versions)"
    assert m.score == round(100 * (4 + 4 + 4 + 4 + 0) / 20, 2) and m.n == 20
    assert m.breakdown["version"]["Text Only"]["score"] == 0.0
    assert m.breakdown["subject"]["Plane Geometry"]["n"] == 24


def test_partial_versions_say_what_is_missing():
    m = _run(("Text Dominant", "Vision Only"), {})
    assert "All needs Text Lite, Vision Intensive, Vision Dominant" in m.metric and m.score == 100.0


def test_dev_rows_all_versions():
    from rapid_eval.tasks import load_task

    samples = load_task("mathverse", data_dir=shared_path("benchmarks", "dev"),
                        options={"version": "all,Text Only"}).samples
    assert len(samples) == 96
    verdicts = [SCORER.score_one(s, f"The answer is \\boxed{{{s.answer}}}") for s in samples]
    assert all(v.correct for v in verdicts), [(s.answer, v.extracted)
                                              for s, v in zip(samples, verdicts, strict=True) if not v.correct]
    m = SCORER.metrics(samples, verdicts)
    assert m.metric == "All (five vision versions)" and m.n == 80 and m.score == 100.0


def test_official_output_templates_parse():
    folder = shared_path("benchmarks", "predictions", "mathverse", "output_templates")
    preds = reader.read(folder / "output_testmini.json", "mathverse", None)
    assert reader.detect(folder / "output_testmini.json") and len(preds.samples) == 5
    assert [s.group["version"] for s in preds.samples] == list(VISION_VERSIONS)
    verdicts = [SCORER.score_one(s, o) for s, o in zip(preds.samples, preds.outputs, strict=True)]
    # gold 14 everywhere; the Vision Only response concludes 13 cm
    assert [v.correct for v in verdicts] == [True, True, True, True, False]
    assert [v.extracted for v in verdicts] == ["14", "14", "14", "14", "13"]
    assert SCORER.metrics(preds.samples, verdicts).score == 80.0
    text_only = reader.read(folder / "output_testmini_text_only.json", "mathverse", None)
    assert text_only.samples[0].group["version"] == "Text Only" and text_only.outputs[0].endswith("14 cm.")


def test_number_unit_pattern_is_linear_and_unchanged():
    import re
    import time

    from rapid_eval.benchmarks.mathverse.scorer import _NUMBER_UNIT, clean_value

    t0 = time.perf_counter()
    assert _NUMBER_UNIT.match("1 " + "a" * 2000 + "!") is None  # exponential before: minutes at 30 letters
    assert time.perf_counter() - t0 < 0.5
    before = re.compile(r"^\s*([-+]?\d[\d,]*(?:\.\d+)?)\s*(?:°|\^\\circ|[A-Za-z]+(?:\^?\{?\d\}?)?\s*)+\.?\s*$")
    for s in ("2191.7 metres", "12 cm^2", "1,000 m", "30°", "45^\\circ", "5 cm cm.", "7 a1", "3 x^{2} y", "4 !"):
        a, b = before.match(s), _NUMBER_UNIT.match(s)
        assert (a and a.group(1)) == (b and b.group(1)), s
    assert clean_value("2191.7 metres") == "2191.7"
