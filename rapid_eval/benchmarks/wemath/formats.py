"""We-Math rows of third-party prediction files (VLMEvalKit TSV, lmms-eval docs); no official output format is read.

The option string is split by the adapter's own :func:`~rapid_eval.benchmarks.wemath.adapter.parse_options`
(one rule for both, so a stray ``;C.`` inside an option is read the same way everywhere).
"""

from __future__ import annotations

from typing import Any

from rapid_eval.benchmarks.wemath.adapter import parse_options
from rapid_eval.formats.base import Format
from rapid_eval.formats.rows import cell_text, option_columns, plain_sample
from rapid_eval.types import Sample


def from_port_row(row: dict[str, Any], index: str) -> Sample:
    """A We-Math row in a port's own layout (VLMEvalKit TSV columns, lmms-eval ``doc``) that the adapter rejects."""
    options = tuple(parse_options(cell_text(row.get("option"))))
    key = cell_text(row.get("key"))
    sid = f"{cell_text(row.get('ID'))}_{key.rsplit('_', 1)[-1]}" if row.get("ID") else index
    return plain_sample("wemath", row, sid, answer_type="choice", options=options or option_columns(row),
                        group={"ID": cell_text(row.get("ID")), "key": cell_text(row.get("key"))})


READERS: tuple[Format, ...] = ()
"""No official output format of its own (files come through the general VLMEvalKit / lmms-eval readers)."""
