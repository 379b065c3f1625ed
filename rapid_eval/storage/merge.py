"""``rapid-eval merge``: shard runs (``perceive --shard I/N``, ``reason --shard I/N``) into one run.

The merged run holds exactly the records an unsharded run would hold: the union of the shards' samples, model
calls, perception and reasoning records (and their rule-verdict and judge caches), one line per key. Derived files
(verdicts, scores, summary) are not merged: ``rapid-eval score --run OUT`` recomputes them from the records.

Refused, with one line naming both runs, before anything is written:

- shards made with different settings: each ``perceive``/``reason`` line of ``stats.jsonl`` records its
  ``settings`` (engine identity, sampling, variants, prompt overrides); the sets must be equal across runs;
- shards cut differently: a sharded stage records ``shard`` (index, count, fingerprint of the sample set); every
  run must carry the same count and fingerprint, each index once, none missing;
- samples that disagree: one sample key with different contents (the shards read different data).

A key held by several shards (the perception records of ``reason --shard`` runs copied from one perceived run) is
written once; where one shard holds a failed record and another a success, the success is kept. ``OUT`` must be
new or empty of records.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapid_eval.records import StatsLine
from rapid_eval.storage.rundir import Run

FILES = ("samples", "generations", "perception", "reasoning", "verdict_cache", "judge")
"""Record files merged, in this order (all append-only and keyed)."""
STAGES = ("perceive", "reason")


class MergeError(ValueError):
    """The runs cannot be merged (different settings, shards missing or cut differently, records disagreeing)."""


@dataclass
class MergeResult:
    """What :func:`merge_runs` wrote."""

    out: Path
    """The merged run."""
    records: dict[str, int] = field(default_factory=dict)
    """Lines written per record file."""
    shards: dict[str, str] = field(default_factory=dict)
    """Per sharded stage, the shard count and fingerprint merged (``"4 of 9f2c…"``)."""


def _stage_lines(run: Run, stage: str) -> list[StatsLine]:
    return [s for s in run.stats() if s.command == stage and not s.error]


def _settings(run: Run, stage: str) -> frozenset[str]:
    return frozenset(json.dumps(s.settings, sort_keys=True) for s in _stage_lines(run, stage) if s.settings is not None)


def _differ(a: frozenset[str], b: frozenset[str]) -> str:
    """A short description of how two settings sets differ (the first differing field)."""
    if len(a) == 1 and len(b) == 1:
        x, y = json.loads(next(iter(a))), json.loads(next(iter(b)))
        for path, u, v in _walk(x, y):
            if u != v:
                return f"{path}: {json.dumps(u)} vs {json.dumps(v)}"
    return f"{len(a)} vs {len(b)} distinct settings"


def _walk(x: Any, y: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    if isinstance(x, dict) and isinstance(y, dict):
        out = []
        for k in sorted(set(x) | set(y)):
            out += _walk(x.get(k), y.get(k), f"{path}.{k}" if path else k)
        return out
    return [(path, x, y)]


def check_compatible(runs: Sequence[Run]) -> dict[str, str]:
    """Raise :class:`MergeError` unless ``runs`` are shards of one run; return the shard layout per stage."""
    first = runs[0]
    layout: dict[str, str] = {}
    for stage in STAGES:
        mine = _settings(first, stage)
        for other in runs[1:]:
            theirs = _settings(other, stage)
            if mine != theirs:
                raise MergeError(f"{first.root} and {other.root} were made with different {stage} settings "
                                 f"({_differ(mine, theirs)}); merge only shards of one run")
        specs = {r.root: {(s.shard["index"], s.shard["count"], s.shard["fingerprint"])
                          for s in _stage_lines(r, stage) if s.shard} for r in runs}
        if not any(specs.values()):
            continue
        seen: dict[int, Path] = {}
        ref: tuple[Path, int, str] | None = None
        for root, spec in specs.items():
            if len(spec) != 1:
                what = "no" if not spec else f"{len(spec)} different"
                raise MergeError(f"{root} has {what} {stage} shard(s) where {first.root} has one; "
                                 "merge runs of one sharded stage each")
            index, count, fp = next(iter(spec))
            if ref is not None and (count, fp) != ref[1:]:
                raise MergeError(f"{ref[0]} and {root} are {stage} shards of different splits "
                                 f"({ref[1]} shards of samples {ref[2]} vs {count} of {fp})")
            ref = ref or (root, count, fp)
            if index in seen:
                raise MergeError(f"{seen[index]} and {root} are both {stage} shard {index}/{count}")
            seen[index] = root
        assert ref is not None
        missing = sorted(set(range(ref[1])) - set(seen))
        if missing:
            raise MergeError(f"{stage} shard(s) {', '.join(f'{i}/{ref[1]}' for i in missing)} missing "
                             f"(given: {', '.join(str(r) for r in specs)})")
        layout[stage] = f"{ref[1]} of {ref[2]}"
    return layout




def merge_runs(sources: Sequence[str | Path], out: str | Path) -> MergeResult:
    """Merge the shard runs ``sources`` into ``out`` (see the module docstring); :class:`MergeError` if refused."""
    roots = [Path(p) for p in sources]
    if len(roots) < 2:
        raise MergeError("merge needs at least two runs")
    if len(set(map(str, roots))) != len(roots):
        raise MergeError("the same run is given twice")
    runs = [Run(p, create=False) for p in roots]
    target = Path(out)
    if target.exists() and any((target / f"{n}.jsonl").exists() for n in FILES):
        raise MergeError(f"{target} already holds records; merge into a new directory")
    layout = check_compatible(runs)
    merged = Run(target, create=True)
    result = MergeResult(merged.root, shards=layout)
    with merged.lock("merge"):
        for name in FILES:
            dest = merged.store(name)
            written = 0
            owner: dict[str, Path] = {}
            for run in runs:
                if not (run.root / f"{name}.jsonl").exists():
                    continue
                for rec in run.store(name):
                    key = str(rec["key"])
                    old = dest.get(key)
                    if name == "samples" and old is not None and old != rec:
                        raise MergeError(f"{owner[key]} and {run.root} disagree on sample {key}; "
                                         "they were loaded from different data")
                    if old is None or (old.get("error") and not rec.get("error")):
                        dest.append(rec)
                        owner[key] = run.root
                        written += 1
            result.records[name] = written
        # the shards' stage lines, for accounting (each names its shard)
        merged.append_stats([{**line.to_dict(), "merged_from": str(run.root)} for run in runs for line in run.stats()])
        merged.close()
    return result
