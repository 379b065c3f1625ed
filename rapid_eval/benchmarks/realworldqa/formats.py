"""RealWorldQA rows of third-party prediction files (VLMEvalKit TSV, lmms-eval docs); it has no official output
format."""

from __future__ import annotations

from typing import Any

from rapid_eval.formats.base import Format
from rapid_eval.formats.rows import cell_text, option_columns, plain_sample
from rapid_eval.types import Sample


def from_port_row(row: dict[str, Any], index: str) -> Sample:
    """A realworldqa row in a port's own layout (VLMEvalKit TSV columns, lmms-eval ``doc``) that the adapter rejects."""
    return plain_sample("realworldqa", row, cell_text(row.get("id") or row.get("index")) or index,
                        options=option_columns(row))


READERS: tuple[Format, ...] = ()
"""No official output format of its own (files come through the general VLMEvalKit / lmms-eval readers)."""
