"""WeMath: the three extraction rules and the four-dimensional metrics (formulas checked by hand, any subset)."""

from __future__ import annotations

import pytest
from testlib import shared_path

from rapid_eval.benchmarks.wemath.scorer import (
    WeMathScorer,
    boxed_letter,
    classify,
    extract,
    official_letter,
    rapid_letter,
    wemath_metrics,
)
from rapid_eval.scoring.base import Verdict
from rapid_eval.types import Sample

# (response, official rule, RAPID regex, boxed letter)
EXTRACTION_CASES = [
    ("<Thought process>: 2+2=4 <Answer>: B", "B", "B", None),  # the prompt's own format
    ("Answer: C.", "C", "C", None),  # trailing period deleted
    ("Answer:\n\n> D <", "D", "D", None),  # > < : . deleted, whitespace stripped
    ("The answer is b", None, "B", None),  # official rule is case-sensitive; RAPID's regex is not
    ("Thus \\boxed{C} is right.", None, "C", "C"),  # no "Answer" word: official takes the first char ("T" → none)
    ("Because 5 > 3, \\boxed{A}", "B", "A", "A"),  # no "Answer": official takes the first char ("B" of "Because")
    ("Answer: the triangle", None, None, None),  # first char "t" is not in A–H
    ("", None, None, None),  # empty output
    ("Answer: E", "E", "E", None),  # E (No correct answer) is a valid letter
    ("\\boxed{(B)} and then Answer: C", "C", "C", "B"),  # rules disagree: default (boxed first) says B
    ("\\boxed{\\text{D}}", None, None, "D"),  # RAPID's regex wants a bare letter in the braces
    ("<C>", "C", "C", None),  # no "Answer": the whole text, "<>" deleted, gives C; RAPID's <X> pattern too
    ("Answer: (B)", None, "B", None),  # official misfire: first character "(" is not a letter
]


@pytest.mark.parametrize("response,official,rapid,boxed", EXTRACTION_CASES)
def test_extraction_rules(response, official, rapid, boxed):
    assert official_letter(response) == official
    assert rapid_letter(response) == rapid
    assert boxed_letter(response) == boxed


def test_default_extractor_records_which_rule_fired():
    letter, rule, found = extract("\\boxed{(B)} and then Answer: C")
    assert (letter, rule) == ("B", "boxed")
    assert found == {"boxed": "B", "boxed_text": None, "official": "C", "rapid": "C"}
    assert extract("So \\boxed{0.2}.", options=("0.02", "0.2", "0.1"))[:2] == ("B", "boxed_text")
    assert extract("So \\boxed{0.3}.", options=("0.02", "0.2", "0.1"))[:2] == (None, "official")  # no such option
    assert extract("Answer: C")[:2] == ("C", "official")
    assert extract("Answer: C", "rapid")[:2] == ("C", "rapid")
    with pytest.raises(ValueError):
        WeMathScorer(extractor="nope")


def _group(gid: str, steps: int, pattern: str) -> tuple[list[Sample], list[Verdict]]:
    """Rows of one group with verdicts from ``pattern`` (one char per sub-problem then the composite: 1 / 0)."""
    keys = [f"{steps}steps_{i}" for i in range(1, steps + 1)] + [f"{steps}steps_multi"]
    samples = [Sample(id=f"{gid}_{k}", task="wemath", question="", answer="A", group={"ID": gid, "key": k},
                      metadata={"knowledge concept": f"kc{i % 2}"}) for i, k in enumerate(keys)]
    return samples, [Verdict(c == "1") for c in pattern]


@pytest.mark.parametrize("pattern,strict,loose", [
    ("111", "CM", "CM"),  # all subs right, composite right
    ("110", "IG", "IG"),  # all subs right, composite wrong
    ("100", "IK", "IK"),  # some sub wrong, composite wrong
    ("000", "IK", "IK"),  # all wrong
    ("101", "RM", "CM"),  # some sub wrong, composite right: strict RM, loose CM (any sub right)
    ("001", "RM", "RM"),  # all subs wrong, composite right: RM both ways
    ("1101", "RM", "CM"),  # three-step: one sub wrong, composite right
    ("0001", "RM", "RM"),  # three-step: all subs wrong, composite right
])
def test_classify(pattern, strict, loose):
    steps = len(pattern) - 1
    keys = [f"{steps}steps_{i}" for i in range(1, steps + 1)] + [f"{steps}steps_multi"]
    assert classify(dict(zip(keys, [c == "1" for c in pattern], strict=True))) == (strict, loose)


def _build(patterns: list[str]) -> tuple[list[Sample], list[Verdict]]:
    samples, verdicts = [], []
    for n, pat in enumerate(patterns):
        s, v = _group(f"{len(pat) - 1}steps_{n}", len(pat) - 1, pat)
        samples += s
        verdicts += v
    return samples, verdicts


def test_four_dimensional_formulas_on_a_subset():
    # 2 CM, 1 IG, 2 IK, 1 RM(strict)/CM(loose), 1 RM both: N = 7 (not 525)
    patterns = ["111", "1111", "110", "100", "0000", "101", "001"]
    m = wemath_metrics(*_build(patterns))
    b = m.breakdown
    assert b["N"] == 7 and m.n == 7
    assert b["counts"] == {"IK": 2, "IG": 1, "CM_strict": 2, "RM_strict": 2, "CM_loose": 3, "RM_loose": 1}
    assert m.score == b["Score (Strict)"] == round(100 * (7 - 0.5 * 1 - 2 - 2) / 7, 2) \
        == round(100 * (2 + 0.5) / 7, 2)
    assert b["Score (Loose)"] == round(100 * (7 - 0.5 * 1 - 1 - 2) / 7, 2) == round(100 * (3 + 0.5) / 7, 2)
    assert b["strict"]["RM"] == round(100 * 2 / (2 + 2), 2) and b["loose"]["RM"] == round(100 * 1 / (3 + 1), 2)
    assert b["strict"]["IK"] == round(100 * 2 / 7, 2) and b["strict"]["CM"] == round(100 * 2 / 7, 2)
    # S1 over sub-problem rows: 2+3+2+1+0+1+0 right of 2+3+2+2+3+2+2 = 9/16; S2 2-step composites 3/5; S3 1/2
    assert (b["S1"], b["S2"], b["S3"]) == (round(100 * 9 / 16, 2), 60.0, 50.0)
    assert set(b["knowledge_concept"]) == {"kc0", "kc1"}


def test_partial_groups_are_excluded_and_reported():
    samples, verdicts = _build(["111", "110", "1111"])
    del samples[4], verdicts[4]  # drop 2steps_1's composite... the second group's "2steps_2" row
    m = wemath_metrics(samples, verdicts)
    assert m.breakdown["N"] == 2 and m.breakdown["partial_groups"] == ["2steps_1"]
    assert m.breakdown["rows_in_partial_groups"] == 2
    assert m.score == 100.0  # both complete groups are CM


def test_unscored_row_makes_its_group_partial():
    samples, verdicts = _build(["111", "110"])
    verdicts[0] = Verdict.unscored("bad gold")
    m = wemath_metrics(samples, verdicts)
    assert m.breakdown["N"] == 1 and m.breakdown["partial_groups"] == ["2steps_0"]


def test_empty_run():
    m = wemath_metrics([], [])
    assert m.score is None and m.breakdown["N"] == 0


# -- the 18 real dev groups, hand-written responses ---------------------------------------------------------------
def _wrong(gold: str) -> str:
    return "A" if gold != "A" else "B"


def test_dev_groups_hit_every_category():
    from rapid_eval.tasks import load_task

    samples = load_task("wemath", data_dir=shared_path("benchmarks", "dev")).samples
    groups: dict[str, list[Sample]] = {}
    for s in samples:
        groups.setdefault(s.group["ID"], []).append(s)
    assert len(groups) == 18
    # One pattern per group (sub-problems in key order, then the composite), cycling through the categories.
    two = ["111", "110", "100", "101", "001", "000"]
    three = ["1111", "1110", "1000", "1101", "0001", "0000"]
    plan, outputs, order = {}, {}, []
    i2 = i3 = 0
    for gid, rows in sorted(groups.items()):
        rows = sorted(rows, key=lambda s: s.group["key"].replace("multi", "9"))
        if gid.startswith("2"):
            pat, i2 = two[i2 % 6], i2 + 1
        else:
            pat, i3 = three[i3 % 6], i3 + 1
        plan[gid] = pat
        for s, c in zip(rows, pat, strict=True):
            letter = s.answer if c == "1" else _wrong(s.answer)
            # vary the answer formats: the prompt's own format, a boxed letter, a reasoner tail
            outputs[s.id] = [f"<Thought process>: … <Answer>: {letter}", f"So \\boxed{{{letter}}}.",
                             f"Let me check.\n\nAnswer: {letter}."][len(order) % 3]
            order.append(s)
    scorer = WeMathScorer()
    verdicts = [scorer.score_one(s, outputs[s.id]) for s in order]
    assert all(v.extracted for v in verdicts)
    m = scorer.metrics(order, verdicts)
    b = m.breakdown
    expect = {"IK": 0, "IG": 0, "CM_strict": 0, "RM_strict": 0, "CM_loose": 0, "RM_loose": 0}
    for pat in plan.values():
        subs, comp = pat[:-1], pat[-1] == "1"
        if not comp:
            expect["IG" if set(subs) == {"1"} else "IK"] += 1
        else:
            expect["CM_strict" if set(subs) == {"1"} else "RM_strict"] += 1
            expect["CM_loose" if "1" in subs else "RM_loose"] += 1
    assert b["counts"] == expect and b["N"] == 18 and not b["partial_groups"]
    assert m.score == round(100 * (18 - 0.5 * expect["IG"] - expect["RM_strict"] - expect["IK"]) / 18, 2)
    assert b["Score (Loose)"] == round(100 * (expect["CM_loose"] + 0.5 * expect["IG"]) / 18, 2)
    assert all(expect[k] > 0 for k in expect)  # every category is exercised
    # a subset of whole groups: N = number of groups kept
    keep = set(sorted(groups)[:5])
    sub = [(s, v) for s, v in zip(order, verdicts, strict=True) if s.group["ID"] in keep]
    assert scorer.metrics([s for s, _ in sub], [v for _, v in sub]).breakdown["N"] == 5
