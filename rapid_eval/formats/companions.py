"""Files that belong together: a responses file and the file holding the official verdicts on the same items.

LogicVista publishes ``answers/<model>-answers.json`` (the responses) and ``results/<model>-accuracy-results.csv``
(GPT-4's extracted letters and ``match?``). Given together on the command line, or the CSV found beside the
answers file, they are one set of items: responses from the one, stored verdicts and claim from the other —
never the same items counted twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from rapid_eval.formats.base import Predictions


def _has_verdicts(p: Predictions) -> bool:
    """True when the file stores a verdict (``official[i]["correct"]``) for at least one item."""
    return bool(p.official) and any((o or {}).get("correct") is not None for o in p.official or [])


def attach_verdicts(responses: Predictions, verdicts: Predictions) -> Predictions:
    """``responses`` with the stored fields, claim and headline status of ``verdicts``, matched by item id
    (an item the verdict file lacks gets no stored verdict)."""
    by_id = {s.id: o for s, o in zip(verdicts.samples, verdicts.official or [], strict=True)}
    official = [dict(by_id.get(s.id) or {}) for s in responses.samples]
    return dataclasses.replace(
        responses, official=official, source=f"{responses.source} + {verdicts.source}",
        format=f"{responses.format}+{verdicts.format}", claimed={**responses.claimed, **verdicts.claimed},
        replay=verdicts.replay, verdicts_are_headline=verdicts.verdicts_are_headline)


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return a == b


def combine(preds: Sequence[Predictions]) -> list[Predictions]:
    """Merge each file without stored verdicts into a given file with verdicts on a superset of its items
    (same benchmark), and drop a given verdict file that another file already found and attached; merged
    pairs come first, then the other files in the order given."""
    attached = [part for p in preds for part in p.source.split(" + ")[1:]]
    preds = [p for p in preds if not any(_same_file(p.source, a) for a in attached)]
    out: list[Predictions] = []
    used: set[int] = set()
    for i, p in enumerate(preds):
        if _has_verdicts(p) or p.official and any(p.official):
            continue
        ids = {s.id for s in p.samples}
        for j, q in enumerate(preds):
            if j != i and j not in used and _has_verdicts(q) and q.benchmark == p.benchmark \
                    and ids <= {s.id for s in q.samples}:
                used.add(j)
                used.add(i)
                out.append(attach_verdicts(p, q))
                break
    return out + [p for k, p in enumerate(preds) if k not in used] if out else list(preds)
