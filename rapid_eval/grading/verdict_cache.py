"""Rule verdicts cached by (scorer version, sample, answer): a scoring pass never decides the same item twice.

``RUN/verdict_cache.jsonl`` is an append-only record store (:mod:`rapid_eval.storage.store`) keyed by the content
hash of

- the scorer's name and **version**: a hash of the scoring code itself (the scorer's module, its benchmark
  folder, ``rapid_eval/scoring/``) and of the installed math-verify, so editing a rule or upgrading a
  dependency invalidates every cached verdict without anyone bumping a number;
- the sample (its full normalised dict: gold answer, options, answer type ...);
- the output text and whether it was truncated.

Not cached: verdicts of order-dependent scorers (``sequential``: MMMU's seeded random fallback depends on the
items before it), timeouts and unscored items (a verdict that depends on machine load or a killed worker is
decided again next time). Judge verdicts have their own cache (``judge.jsonl``); this one holds rule verdicts.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
from functools import cache
from pathlib import Path

from rapid_eval.hashing import content_hash
from rapid_eval.scoring import Scorer, Verdict
from rapid_eval.storage.store import RecordStore
from rapid_eval.types import Sample

_PKG = Path(__file__).resolve().parent.parent
_SAMPLE_FIELDS = dataclasses.fields(Sample)


@cache
def _sources_hash(folders: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for folder in folders:
        for p in sorted(Path(folder).rglob("*.py")):
            h.update(p.name.encode())
            h.update(p.read_bytes())
    for dist in ("math-verify", "latex2sympy2_extended", "sympy"):
        h.update(f"{dist}={_dist_version(dist)}".encode())
    return h.hexdigest()[:16]


def _dist_version(dist: str) -> str:
    """The installed version of ``dist``, ``absent`` if none: read from its ``NAME-VERSION.dist-info`` folder name
    where there is one (importing ``importlib.metadata`` costs a command 20-60 ms), else from the metadata."""
    norm = dist.replace("-", "_").lower()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            stem, _, version = name[:-len(".dist-info")].partition("-") if name.endswith(".dist-info") else ("", "", "")
            if version and stem.replace("-", "_").replace(".", "_").lower() == norm:
                return version
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def scorer_version(scorer: Scorer) -> str:
    """A hash of the code that decides ``scorer``'s verdicts (changes whenever that code changes)."""
    folders = {str(_PKG / "scoring")}
    module = sys.modules.get(type(scorer).__module__)
    path = getattr(module, "__file__", None)
    if path:
        folders.add(str(Path(path).resolve().parent))
    return f"{scorer.name}@{_sources_hash(tuple(sorted(folders)))}"


def scoring_code_version() -> str:
    """A hash of every scorer's code (``scoring/`` and every benchmark folder) and the math dependencies."""
    return _sources_hash((str(_PKG / "benchmarks"), str(_PKG / "scoring")))


def cacheable(scorer: Scorer, verdict: Verdict) -> bool:
    """Whether the verdict may be reused on a rerun: not an order-dependent scorer's, not a timeout (decided again
    when the machine is less busy), not unscored."""
    return not getattr(scorer, "sequential", False) and "timeout" not in verdict.flags \
        and verdict.decided_by != "unscored"


class VerdictCache:
    """Cached rule verdicts of one run (index in memory, verdicts read on demand)."""

    def __init__(self, path: str | Path):
        """Opens (or creates) the cache file at ``path`` and its persisted index."""
        self.store = RecordStore(path, persist_index=True)
        self._samples: dict[str, tuple[Sample, str]] = {}
        self._versions: dict[tuple[type, str], str] = {}

    def key(self, scorer: Scorer, sample: Sample, output: str, truncated: bool) -> str:
        """The content hash a verdict is cached under: the scorer's code version, the whole sample, the output and
        the truncation flag (any change to one of them decides again)."""
        which = (type(scorer), scorer.name)
        version = self._versions.get(which)
        if version is None:
            version = self._versions[which] = scorer_version(scorer)
        uid = sample.uid
        seen = self._samples.get(uid)
        if seen is not None and (seen[0] is sample or seen[0] == sample):
            sid = seen[1]
        else:
            if len(self._samples) > 4096:
                self._samples.clear()
            sid = content_hash({f.name: getattr(sample, f.name) for f in _SAMPLE_FIELDS})  # asdict is 10x slower
            self._samples[uid] = (sample, sid)
        return content_hash({"scorer": version, "sample": sid, "output": output, "truncated": bool(truncated)})

    def __contains__(self, key: str) -> bool:
        return key in self.store

    def get(self, key: str) -> Verdict | None:
        """The cached verdict; None when there is none or it was written by an incompatible ``Verdict``."""
        rec = self.store.get(key)
        if rec is None:
            return None
        try:
            return Verdict.from_dict({k: v for k, v in rec.items() if k != "key"})
        except TypeError:
            return None  # written by another version of Verdict: decide again

    def put(self, key: str, scorer: Scorer, verdict: Verdict) -> None:
        """Append the verdict unless it is already cached or not :func:`cacheable`."""
        if cacheable(scorer, verdict) and key not in self.store:
            self.store.append({"key": key, **verdict.to_dict()})

    def close(self) -> None:
        """fsync the cache file and save its index."""
        self.store.close()
