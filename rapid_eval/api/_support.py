"""What the API's stages share: opening a run, the engine's counters, a failed stage's stats line, a shard's
samples, sampling settings."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapid_eval.types import SCORER_MODES, Sample, SamplingParams

if TYPE_CHECKING:
    from rapid_eval.engines.base import Engine
    from rapid_eval.storage.rundir import Run
    from rapid_eval.tasks.shard import Shard


def run_of(run: str | Path | Run, create: bool = False) -> Run:
    """``run`` itself when it is a :class:`Run`, else the run directory at that path (``create``: make it)."""
    from rapid_eval.storage.rundir import Run

    return run if isinstance(run, Run) else Run(run, create=create)


def counter_delta(engine: Engine, before: Mapping[str, Any]) -> dict[str, Any]:
    """The engine's transport counters since ``before``; ``retries`` is always present (0 in-process)."""
    after = engine.counters()
    out: dict[str, Any] = {k: after.get(k, 0) - before.get(k, 0) for k in ("attempts", "retries", "probes")
                           if k in after}
    out.setdefault("retries", 0)
    old = before.get("retries_by_cause") or {}
    causes = {c: n - old.get(c, 0) for c, n in (after.get("retries_by_cause") or {}).items()}
    out["retries_by_cause"] = {c: n for c, n in causes.items() if n}
    return out


@contextmanager
def stage_failure(run: Run, command: str, engine: Engine, before: Mapping[str, Any], started: float,
                   log_stats: bool) -> Iterator[None]:
    """When a stage ends with an exception (a server down for good, a full disk), still append its
    ``stats.jsonl`` line (the error and the retries it cost) and save the stores' indexes, then re-raise;
    the records written before it stay."""
    from rapid_eval.redact import redact_text, secret_values
    from rapid_eval.storage.cache import CallStats

    try:
        yield
    except Exception as e:
        if log_stats:
            with suppress(Exception):  # the disk may be what failed
                run.log_stats(command, 0, CallStats(), started, model=engine.model,
                              error=redact_text(str(e), secret_values())[:500], **counter_delta(engine, before))
        with suppress(Exception):
            run.close()
        raise


def shard_of(samples: Sequence[Sample], shard: str | Shard) -> tuple[list[Sample], dict[str, Any]]:
    """This shard's samples, and what its stats line records (index, count, fingerprint of the whole set)."""
    from rapid_eval.tasks.shard import fingerprint, parse_shard, shard_samples

    sh = parse_shard(shard) if isinstance(shard, str) else shard
    mine = shard_samples(samples, sh)
    return mine, {"index": sh.index, "count": sh.count, "fingerprint": fingerprint(s.uid for s in samples),
                  "samples": len(mine), "of": len(samples)}


def sampling(defaults: SamplingParams, **changes: Any) -> SamplingParams:
    """``defaults`` with the given settings changed (None leaves a setting as it is)."""
    return replace(defaults, **{k: v for k, v in changes.items() if v is not None})


def check_scorer(scorer: str | None, none_ok: bool = False) -> None:
    """``ValueError`` unless ``scorer`` is a scoring mode (:data:`rapid_eval.types.SCORER_MODES`), or None where
    ``none_ok`` (no scoring)."""
    if scorer in SCORER_MODES or (none_ok and scorer is None):
        return
    raise ValueError(f"scorer must be one of {', '.join(SCORER_MODES)}{' or None' if none_ok else ''}, "
                     f"not {scorer!r}")
