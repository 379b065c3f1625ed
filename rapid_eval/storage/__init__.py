"""Run storage: where a run's records live and how they are found again.

- :mod:`~rapid_eval.storage.rundir` lays out a run directory (record files, stats, summary, locks);
- :mod:`~rapid_eval.storage.store` is the append-only JSONL record store with its key index
  (:mod:`~rapid_eval.storage.index`);
- :mod:`~rapid_eval.storage.cache` is the call cache that makes reruns recompute nothing;
- :mod:`~rapid_eval.storage.lock` gives a run stage one writer at a time.

Stages write through this package; reports and readers only read it.
"""
