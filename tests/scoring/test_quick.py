"""The fast path decides only what it can decide exactly as the full rule would, and never starts a worker."""

from __future__ import annotations

import pytest

from rapid_eval.scoring import get_scorer
from rapid_eval.scoring.generic import judge, quick_judge
from rapid_eval.scoring.pool import score_all
from rapid_eval.types import Sample

CASES = [
    # (output, gold, answer_type, options, decided by the fast path?)
    ("The answer is \\boxed{5}.", "5", "integer", (), True),          # equal strings
    ("\\boxed{5.0}", "5", "integer", (), True),                       # plain numbers, compared as numbers
    ("\\boxed{0.3333333}", "0.333333", "float", (), True),             # math-verify rounds to 6 decimals too
    ("\\boxed{7}", "5", "integer", (), True),                         # plain numbers, wrong
    ("\\boxed{1,2}", "12", "text", (), False),                         # a set, not twelve: left to math-verify
    ("\\boxed{\\frac{1}{2}}", "0.5", "float", (), False),              # LaTeX: needs math-verify
    ("\\boxed{B}", "B", "choice", ("x", "y", "z"), True),             # letters never need math
    ("<think>unfinished", "5", "integer", (), True),                   # truncated: 0 without parsing
    ("", "5", "integer", (), True),                                    # empty
]


@pytest.mark.parametrize("output,gold,atype,options,fast", CASES)
def test_fast_path_agrees_with_the_full_rule(output, gold, atype, options, fast):
    q = quick_judge(output, gold, atype, options)
    assert (q is not None) == fast
    if q is not None:
        full = judge(output, gold, atype, options)
        assert (q.correct, q.flags) == (full.correct, full.flags)


def test_score_all_starts_no_worker_when_every_item_is_fast():
    samples = [Sample(id=str(i), task="t", question="q", answer=str(i), answer_type="integer") for i in range(50)]
    outputs = [f"\\boxed{{{i if i % 2 else i + 1}}}" for i in range(50)]
    stats: dict = {}
    verdicts = score_all(get_scorer("generic"), samples, outputs, workers=2, stats=stats)
    assert stats["workers"] == 0 and sum(bool(v.correct) for v in verdicts) == 25
    mixed = outputs[:-1] + ["\\boxed{\\frac{98}{2}}"]
    verdicts = score_all(get_scorer("generic"), samples, mixed, workers=2, stats=stats)
    assert stats["workers"] == 1 and verdicts[-1].correct is True and verdicts[-1].decided_by.endswith("math-verify")


def test_verdict_to_dict_is_every_field_in_order():
    import dataclasses

    from rapid_eval.scoring import Verdict

    for v in (Verdict(correct=None), Verdict(True, "5", "rule:x", "why", ("truncated",), {"a": [1, {"b": 2}]})):
        d = v.to_dict()
        assert list(d) == [f.name for f in dataclasses.fields(Verdict)]
        assert d == {**dataclasses.asdict(v), "flags": list(v.flags)}
        if v.details:
            assert d["details"] is not v.details and d["details"]["a"] is not v.details["a"]  # a copy, as before
        assert Verdict.from_dict(d) == v
