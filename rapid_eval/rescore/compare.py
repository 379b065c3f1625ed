"""How what a prediction file stores compares with the verdicts rapid-eval reaches: the official pipeline's
verdicts on a stored extraction, item-by-item agreement, and the documented reasons a stored verdict may differ."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rapid_eval.formats.base import StoredItem
from rapid_eval.rescore.parts import Agreement, StoredComparison
from rapid_eval.scoring.base import Scorer, Verdict


def official_verdicts(
    scorer: Scorer, samples: Sequence[Any], official: Sequence[StoredItem]
) -> list[Verdict] | None:
    """Verdicts of the official pipeline on what the file stores (extraction / parsed answer); None if nothing."""
    if hasattr(scorer, "score_extraction") and any(o.has_extraction for o in official):
        return [scorer.score_extraction(s, o.extraction) for s, o in zip(samples, official, strict=True)]
    if hasattr(scorer, "score_parsed") and official and all(o.has_parsed for o in official):
        return [scorer.score_parsed(s, o.parsed) for s, o in zip(samples, official, strict=True)]
    return None


def agreement(official: Sequence[Verdict], judge_free: Sequence[Verdict]) -> Agreement:
    """How the judge-free rule agrees with the official pipeline, item by item."""
    pairs = [(bool(a.correct), bool(b.correct)) for a, b in zip(official, judge_free, strict=True)]
    same = sum(a == b for a, b in pairs)
    return Agreement(
        both_correct=sum(a and b for a, b in pairs),
        both_wrong=sum(not a and not b for a, b in pairs),
        official_only=sum(a and not b for a, b in pairs),
        judge_free_only=sum(b and not a for a, b in pairs),
        agree_pct=round(100.0 * same / len(pairs), 2) if pairs else 0.0,
    )


def stored_agreement(samples: Sequence[Any], official: Sequence[StoredItem], verdicts: Sequence[Verdict],
                     show: int = 20) -> StoredComparison:
    """The file's stored per-item verdicts against the headline verdicts: counts and the first differing ids;
    where the benchmark documents known causes of difference, ``documented`` counts them by reason and
    ``undocumented_ids`` lists the rest."""
    stored = [o.correct for o in official]
    differ = [s.id for s, st, v in zip(samples, stored, verdicts, strict=True)
              if st is not None and bool(st) != bool(v.correct)]
    items = sum(st is not None for st in stored)
    documented: dict[str, int] | None = None
    undocumented: list[str] | None = None
    explain = _explainer(samples[0].task) if samples else None
    if differ and explain is not None:
        by_id = {s.id: (s, o, v) for s, o, v in zip(samples, official, verdicts, strict=True)}
        reasons = {i: explain(*by_id[i]) for i in differ}
        documented = {}
        for reason in reasons.values():
            if reason:
                documented[reason] = documented.get(reason, 0) + 1
        undocumented = [i for i, r in reasons.items() if not r][:show]
    model_answer_differ = None
    if any(o.model_answer is not None for o in official):  # MathVision also stores the derived answer
        model_answer_differ = [s.id for s, o, v in zip(samples, official, verdicts, strict=True)
                               if o.model_answer is not None and o.model_answer != v.extracted]
    return StoredComparison(correct=sum(bool(st) for st in stored), items=items, agree=items - len(differ),
                            differ=len(differ), differ_ids=differ[:show], documented=documented,
                            undocumented_ids=undocumented, model_answer_differ_ids=model_answer_differ)


def _explainer(task: str) -> Callable[[Any, Any, Any], str | None] | None:
    """The benchmark's documented reasons a stored verdict may differ (its ``explain_difference``); None for a task
    that is no benchmark folder or lists none."""
    from rapid_eval import benchmarks

    return benchmarks.get(task).explain_difference if task in benchmarks.names() else None
