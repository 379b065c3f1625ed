"""How much of a benchmark a prediction file covers: a :class:`~rapid_eval.rescore.parts.Coverage` (``items``,
``expected``, ``missing``, ``duplicates`` ...).

``items`` counts distinct item ids (a repeated id counts once; ``duplicates`` says how many rows repeat an id);
``expected`` is the benchmark's full id set when one is available offline (the gold loaded from ``--data-dir``),
else its documented size (``expected_size`` / ``split_sizes`` of ``tasks/<name>.yaml``), and ``expected_from``
says which. A claimed score printed beside a partial file's score is only comparable on the ids present.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence

from rapid_eval.rescore.parts import Coverage


def documented_size(expected_size: int, split_sizes: dict[str, int], items: int) -> tuple[int, str]:
    """The documented size to compare ``items`` with: ``expected_size``, unless the file holds more items than
    that and a listed split or version is large enough (the smallest such; MathVerse "all": 3,940)."""
    if items > expected_size:
        larger = sorted((size, name) for name, size in split_sizes.items() if size >= items)
        if larger:
            return larger[0][0], f"documented size of '{larger[0][1]}' (tasks/*.yaml split_sizes)"
    return expected_size, "documented size (tasks/*.yaml expected_size)"


def coverage(ids: Sequence[str], *, full_ids: Collection[str] | None = None, expected_size: int | None = None,
             split_sizes: dict[str, int] | None = None, show: int = 10) -> Coverage:
    """Coverage of ``ids`` (one per row read, repeats included) against ``full_ids`` or a documented size."""
    counts = Counter(ids)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    missing_ids: list[str] | None = None
    unknown: list[str] = []
    expected: int | None
    missing: int | None
    if full_ids:
        full = set(full_ids)
        absent = sorted(full - set(counts))
        unknown = [i for i in counts if i not in full]
        expected, why = len(full), "full id set of the gold (--data-dir)"
        missing, missing_ids = len(absent), absent[:show]
    elif expected_size:
        expected, why = documented_size(expected_size, split_sizes or {}, len(counts))
        missing = max(0, expected - len(counts))
    else:
        expected, why, missing = None, "unknown", None
    return Coverage(items=len(counts), rows=len(ids), duplicates=duplicates,
                    duplicate_ids=[i for i, n in counts.items() if n > 1][:show] if duplicates else None,
                    expected=expected, expected_from=why, missing=missing, missing_ids=missing_ids,
                    unknown=len(unknown) if unknown else None, unknown_ids=unknown[:show] if unknown else None,
                    complete=missing == 0 and not unknown)


def coverage_line(cov: Coverage) -> str:
    """One line for the text summary, e.g. ``covers 14 of 447 items (433 missing; documented size …)``."""
    line = f"covers {cov.items} of {cov.expected or '?'} items"
    notes = []
    if cov.missing:
        notes.append(f"{cov.missing} missing")
    if cov.duplicates:
        notes.append(f"{cov.duplicates} repeated rows counted once here")
    if cov.unknown:
        notes.append(f"{cov.unknown} ids not in the benchmark")
    notes.append(cov.expected_from)
    return line + f" ({'; '.join(n for n in notes if n)})"
