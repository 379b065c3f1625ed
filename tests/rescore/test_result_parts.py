"""The typed parts of a rescore result write the ``rescore --json`` / ``--items`` shape they replaced: the same keys
in the same order, optional keys absent (not null) where they were absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapid_eval.rescore import rescore
from rapid_eval.rescore.audit import CLASSES
from rapid_eval.rescore.coverage import coverage
from rapid_eval.rescore.result import AuditRow, AuditSummary, JudgeFreeRule, StoredComparison

DATA = Path(__file__).parents[1] / "data"
BASE = ["items", "rows", "duplicates"]


@pytest.mark.parametrize(("ids", "full", "size", "keys", "complete"), [
    (["a", "b", "b"], None, 10, [*BASE, "duplicate_ids", "expected", "expected_from", "missing", "complete"], False),
    (["a", "b"], None, 2, [*BASE, "expected", "expected_from", "missing", "complete"], True),
    (["a", "x"], {"a", "b"}, None,
     [*BASE, "expected", "expected_from", "missing", "missing_ids", "unknown", "unknown_ids", "complete"], False),
    (["a", "b"], {"a", "b"}, None, [*BASE, "expected", "expected_from", "missing", "missing_ids", "complete"], True),
    (["a"], None, None, [*BASE, "expected", "expected_from", "missing", "complete"], False),
])
def test_coverage_dict_keeps_its_keys(ids, full, size, keys, complete):
    cov = coverage(ids, full_ids=full, expected_size=size)
    assert list(cov.to_dict()) == keys and cov.complete is complete
    if size is None and full is None:  # nothing to compare with: expected and missing stay, as null
        assert cov.to_dict()["expected"] is None and cov.to_dict()["missing"] is None


def test_judge_free_rule_writes_its_comparison_only_where_made():
    alone = JudgeFreeRule(score=50.0, correct=1, n=2, unscored=0)
    assert alone.to_dict() == {"score": 50.0, "correct": 1, "n": 2, "unscored": 0} and not alone.compared
    compared = JudgeFreeRule(score=50.0, correct=1, n=2, unscored=0, agree=1, items=2, differ_ids=["b"],
                             agree_pct=50.0)
    assert list(compared.to_dict()) == ["score", "correct", "n", "unscored", "agree", "items", "differ_ids",
                                        "agree_pct"]


def test_stored_audit_and_rows_of_a_real_file():
    r = rescore("mathvision", [DATA / "mathvision" / "Gemini-Pro.jsonl"], data_dir=DATA / "mathvision" / "annotations",
                workers=0, items=True)
    assert isinstance(r.stored, StoredComparison) and isinstance(r.audit, AuditSummary) and r.items is not None
    d = r.to_dict()
    assert list(d["stored"]) == ["correct", "items", "agree", "differ", "differ_ids", "documented",
                                 "undocumented_ids", "model_answer_differ_ids"]
    assert list(d["audit"]) == ["items", "differ", *CLASSES, "differ_by_class", "examples"]
    assert d["audit"]["format"] == r.audit.counts["format"] == 1
    row = next(it for it in r.items if it.id == "3013")
    assert isinstance(row, AuditRow) and row.cls == "format" and row.differs
    assert list(row.to_dict()) == ["id", "gold", "stored", "ours", "stored_extracted", "ours_extracted",
                                   "decided_by", "class", "response", "source"]
    assert d["items"] == [it.to_dict() for it in r.items] and d["items"][0]["class"] == r.items[0].cls
    # a file with no documented differences leaves the documented keys out rather than writing null
    agree = rescore("mathvision", [DATA / "mathvision" / "Qwen-VL-Plus.jsonl"],
                    data_dir=DATA / "mathvision" / "annotations", workers=0)
    assert list(agree.to_dict()["stored"]) == ["correct", "items", "agree", "differ", "differ_ids",
                                               "model_answer_differ_ids"]
