"""Which readers may read a prediction file for a benchmark, and the first that recognises it.

The benchmark's own official formats come first (``READERS`` of ``rapid_eval/benchmarks/<name>/formats.py``:
``rapid_eval.benchmarks.get(name).readers``, so adding a benchmark edits no list here), then the general formats
that any benchmark's files may come in (VLMEvalKit, lmms-eval).
"""

from __future__ import annotations

from pathlib import Path

from rapid_eval import benchmarks
from rapid_eval.formats.base import Format, FormatError, Reader
from rapid_eval.rescore import lmms_eval, vlmevalkit

GENERAL: tuple[Format, ...] = (*vlmevalkit.READERS, *lmms_eval.READERS)


def formats_for(benchmark: str) -> list[Format]:
    """The formats to try for ``benchmark``, in order: its official ones, then the general ones."""
    return [*benchmarks.get(benchmark).readers, *GENERAL]


def detect_format(path: Path, benchmark: str) -> tuple[str, Reader]:
    """The first format for ``benchmark`` that recognises ``path``: ``(name, read)``."""
    if not path.exists():
        raise FormatError(f"{path}: no such file")
    formats = formats_for(benchmark)
    for fmt in formats:
        try:
            found = fmt.detect(path)
        except RecursionError:
            raise FormatError(f"{path}: nested too deeply to read (format {fmt.name})") from None
        if found:
            return fmt.name, fmt.read
    names = sorted({f.name for f in formats})
    raise FormatError(
        f"{path}: unknown prediction format for benchmark '{benchmark}' (readers tried: {', '.join(names)})")
