"""The columns of an exported dataset: one schema per record kind, versioned, shared by export and import.

A row is one record of the run (a perception record, or a reasoning record with its verdict) carrying everything
a reader needs without the run: the sample (``sample``, the full :class:`~rapid_eval.types.Sample` as JSON, is what
``import`` rebuilds; ``question``, ``gold``, ``answer_type`` and ``options`` are readable copies), the O_p text and
its parts, and the provenance of every model involved (identity, sampling, prompts, as JSON strings: an engine's
identity differs between backends, and a JSON column keeps one Arrow schema across shards and runs).

Every row carries ``record_kind`` and ``schema_version``; ``import`` refuses any other version with one line.
Version history:

- perception 1, reasoning 1: the columns below.
"""

from __future__ import annotations

from typing import Any

SCHEMA_VERSION = 1
"""The dataset schema version this rapid-eval writes and reads (per kind; bumped when a column changes meaning)."""
KINDS = ("perception", "reasoning")
"""Record kinds that can be exported."""
SPLIT = "test"
"""The split name of every config (the rows are benchmark test items)."""

_COMMON: tuple[tuple[str, str], ...] = (
    ("record_kind", "string"),  # perception | reasoning
    ("schema_version", "int32"),  # SCHEMA_VERSION
    ("uid", "string"),  # task/id (Sample.uid): the sample's key
    ("benchmark", "string"),  # task name (tasks/<benchmark>.yaml)
    ("sample_id", "string"),  # Sample.id
    ("variant", "string"),  # O_p variant (rapid_eval/variants.py)
    ("question", "string"),  # RAPID's {q}
    ("gold", "string"),  # the gold answer (a JSON list where the benchmark accepts several)
    ("answer_type", "string"),  # choice | multi_choice | integer | float | text | list
    ("options", "list<string>"),  # option texts, letters A, B, ... by position
    ("n_images", "int32"),  # images of the item (0: reasoned from the plain question prompt)
    ("sample", "string"),  # JSON of the whole Sample (images as file names): what import rebuilds and scores with
    ("perception_key", "string"),  # the perception record's key (import keeps it, so reasoning keys match)
    ("perceptor_model", "string"),  # the perceptor's model name
    ("perceptor", "string"),  # JSON: the perceptor's engine identity
)

PERCEPTION: tuple[tuple[str, str], ...] = (
    *_COMMON,
    ("op_text", "string"),  # the O_p the reasoner reads: caption, then solution, joined by a blank line
    ("caption", "string"),  # caption part (cap/qcap), "" for an item without image, null when the variant has none
    ("solution", "string"),  # tentative solution part (sol), or null
    ("direct_answer", "string"),  # the MLLM's own answer (variant direct), or null
    ("parts", "string"),  # JSON: generation key per MLLM call of the variant
    ("perceptor_sampling", "string"),  # JSON: sampling of the perceptor calls (null for variant none)
    ("perceptor_prompts", "string"),  # JSON: per part, the chat sent (system, user text, number of images)
    ("prompt_tokens", "int64"),
    ("completion_tokens", "int64"),
    ("seconds", "float64"),
    ("finish_reason", "string"),  # direct only
    ("truncated_thinking", "bool"),  # direct only
    ("error", "string"),  # a failed part (reason skips the record, as on the original run)
)

REASONING: tuple[tuple[str, str], ...] = (
    *_COMMON,
    ("reasoning_key", "string"),  # the reasoning record's key
    ("reasoner_model", "string"),
    ("reasoner", "string"),  # JSON: the reasoner's engine identity
    ("reasoner_sampling", "string"),  # JSON: sampling of the reasoner call (seed included)
    ("reasoner_messages", "string"),  # JSON: the chat the reasoner was sent (system, user with the O_p)
    ("generation_key", "string"),
    ("repeat", "int32"),  # repeat index of reason --repeats (0 for the plain run)
    ("text", "string"),  # the reasoner's answer
    ("reasoning", "string"),  # its reasoning trace, where it produced one
    ("prompt_tokens", "int64"),
    ("completion_tokens", "int64"),
    ("seconds", "float64"),
    ("finish_reason", "string"),
    ("truncated_thinking", "bool"),
    ("error", "string"),
    ("scorer", "string"),  # which scorer decided (the last `score` pass of the run); null: not scored
    ("correct", "bool"),  # the verdict (null: undecided or not scored)
    ("extracted", "string"),  # the answer the scorer extracted
    ("decided_by", "string"),
    ("flags", "list<string>"),
    ("verdict", "string"),  # JSON: the whole verdict (explanation, details)
)

COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {"perception": PERCEPTION, "reasoning": REASONING}


class HubSchemaError(ValueError):
    """A dataset this rapid-eval cannot read: not an export, another kind, or another schema version."""


def features(kind: str, images: bool = False) -> Any:  # datasets.Features
    """The ``datasets.Features`` of ``kind`` (``images``: plus a list of images per row)."""
    from datasets import Features, Image, List, Value

    cols: dict[str, Any] = {}
    for name, dtype in COLUMNS[kind]:
        cols[name] = List(Value("string")) if dtype == "list<string>" else Value(dtype)
    if images:
        cols["images"] = List(Image())
    return Features(cols)


def check_row(row: dict[str, Any], source: str, kind: str = "perception") -> None:
    """Raise :class:`HubSchemaError` (one line naming ``source``) unless ``row`` is a ``kind`` row of this
    schema version."""
    if "schema_version" not in row or "record_kind" not in row:
        raise HubSchemaError(f"{source}: not a rapid-eval export (no record_kind/schema_version column)")
    found, version = row["record_kind"], row["schema_version"]
    if found != kind:
        raise HubSchemaError(f"{source}: a {found} dataset; import reads {kind} datasets")
    if version != SCHEMA_VERSION:
        raise HubSchemaError(f"{source}: {found} schema version {version}; this rapid-eval reads version "
                             f"{SCHEMA_VERSION} only (export it again with a matching rapid-eval)")
