"""Split the work of a run into N deterministic, balanced shards that keep each benchmark's groups whole.

``--shard I/N`` (0 <= I < N) gives a node its share. The unit of work is a *group*: the benchmark adapter's
``group_key`` (WeMath ``ID``, DynaMath ``seed``, MathVerse ``problem``; :class:`rapid_eval.tasks.adapter.Adapter`)
so that a metric needing a whole group (WeMath's four-dimensional classes, DynaMath's worst case) never sees it
split between nodes; samples of benchmarks without groups are units of their own (``task/id``).

Assignment: units sorted by size (largest first), then by a content hash of their key, each given to the shard
with the fewest samples so far (lowest index on ties). The result depends only on the *set* of samples, not on
their order or on the machine, so every node computes the same split independently, and shard sizes differ by at
most one group. :func:`fingerprint` hashes that set: shard runs record it, and ``rapid-eval merge`` refuses shards
cut from different sample sets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from rapid_eval.types import Sample

T = TypeVar("T")


@dataclass(frozen=True)
class Shard:
    """Which share of the work this process takes: ``index`` of ``count`` (``--shard 0/4`` .. ``3/4``)."""

    index: int
    """0-based shard number."""
    count: int
    """Number of shards the work is split into."""

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """``"I/N"`` -> :class:`Shard`; a ValueError naming the expected form for anything else."""
    i, sep, n = str(text).strip().partition("/")
    try:
        shard = Shard(int(i), int(n))
    except ValueError:
        shard = None
    if not sep or shard is None or shard.count < 1 or not 0 <= shard.index < shard.count:
        raise ValueError(f"--shard expects I/N with 0 <= I < N (e.g. 0/4), got {text!r}")
    return shard


@cache
def _group_key(task: str) -> str | None:
    """The adapter's ``group_key`` for ``task`` (None for tasks without groups or without an adapter)."""
    from rapid_eval.tasks._loader import adapter_for
    from rapid_eval.tasks.spec import TaskError, load_spec

    try:
        return adapter_for(load_spec(task)).group_key
    except TaskError:
        return None


def unit(sample: Sample) -> str:
    """The key of the group ``sample`` belongs to (``task|ID=2steps_21``), or its own ``task/id``."""
    key = _group_key(sample.task)
    value = sample.group.get(key) if key else None
    return f"{sample.task}|{key}={value}" if value not in (None, "") else f"{sample.task}/{sample.id}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sizes(units: Iterable[str]) -> dict[str, int]:
    """``{unit: number of items}``."""
    sizes: dict[str, int] = {}
    for u in units:
        sizes[u] = sizes.get(u, 0) + 1
    return sizes


def _owner(sizes: dict[str, int], count: int) -> dict[str, int]:
    load = [0] * count
    owner: dict[str, int] = {}
    for u in sorted(sizes, key=lambda u: (-sizes[u], _digest(u))):
        i = min(range(count), key=lambda k: (load[k], k))
        owner[u] = i
        load[i] += sizes[u]
    return owner


def take(items: Sequence[T], shard: Shard, unit_of: Callable[[T], str]) -> list[T]:
    """The items of ``shard`` (in their given order); ``unit_of`` names each item's unit."""
    units = [unit_of(x) for x in items]
    owner = _owner(_sizes(units), shard.count)
    return [x for x, u in zip(items, units, strict=True) if owner[u] == shard.index]


def shard_samples(samples: Sequence[Sample], shard: Shard) -> list[Sample]:
    """The samples of ``shard`` (in their given order)."""
    return take(samples, shard, unit)


def fingerprint(uids: Iterable[str]) -> str:
    """A hash of the set of sample keys (``task/id``) the split was cut from (order-free)."""
    return _digest("\n".join(sorted(set(uids))))[:16]
