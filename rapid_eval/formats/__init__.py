"""Prediction files' shared vocabulary: what every reader of a file made elsewhere is built from.

:mod:`.base` (``Format``, ``Predictions``, ``StoredItem``, ``FormatError``), :mod:`.rows` (a file's row to a gold
``Sample`` through the benchmark's task adapter), :mod:`.gold` (a benchmark's gold answers from its data dir) and
:mod:`.companions` (a verdict file paired with its answers file). The benchmark folders' own readers
(``rapid_eval/benchmarks/<name>/formats.py``) and the general ones of :mod:`rapid_eval.rescore` import these; this
package imports no benchmark, stage or run storage, so it sits below the benchmarks.
"""
