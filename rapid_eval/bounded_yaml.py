"""YAML read with bounds: a config is user data and may be hostile. An alias bomb (``a1: [*a0, *a0, ...]`` nine
levels deep) is a few hundred bytes that expands to billions of nodes as soon as anything walks it (``json.dumps``
of an ``extra_body``); a file of gigabytes or a 100k-deep nesting exhausts memory or the stack. So the file size,
the node count *with aliases expanded* and the nesting depth are checked on the composed node graph (which shares
aliased nodes, so the check itself is cheap) before anything is constructed.

Limits (raise them through the environment): ``RAPID_EVAL_MAX_CONFIG_BYTES`` (default 4 MiB),
``RAPID_EVAL_MAX_CONFIG_NODES`` (default 1,000,000 nodes after alias expansion), ``RAPID_EVAL_MAX_CONFIG_DEPTH``
(default 64).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml


class YamlTooLarge(ValueError):
    """A YAML file over one of the limits; the message names the file and the limit to raise."""


def _limit(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def load_yaml(path: str | Path) -> Any:
    """``yaml.safe_load`` of ``path`` within the limits above (``YamlTooLarge``, ``OSError``, ``YAMLError``)."""
    path = Path(path)
    max_bytes = _limit("RAPID_EVAL_MAX_CONFIG_BYTES", 4 << 20)
    with open(path, "rb") as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise YamlTooLarge(f"{path}: larger than {max_bytes} bytes (raise RAPID_EVAL_MAX_CONFIG_BYTES)")
    loader = yaml.SafeLoader(data.decode("utf-8"))
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise YamlTooLarge(f"{path}: nested too deeply to read") from None
        if node is None:
            return None
        _check(path, node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check(path: Path, root: yaml.Node) -> None:
    max_nodes = _limit("RAPID_EVAL_MAX_CONFIG_NODES", 1_000_000)
    max_depth = _limit("RAPID_EVAL_MAX_CONFIG_DEPTH", 64)
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        if depth > max_depth:
            raise YamlTooLarge(f"{path}: nested deeper than {max_depth} levels (line {node.start_mark.line + 1}; "
                               "raise RAPID_EVAL_MAX_CONFIG_DEPTH)")
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = 1  # a node reached again inside itself (a recursive alias) counts once
        if isinstance(node, yaml.SequenceNode):
            n = 1 + sum(size(child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            n = 1 + sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        else:
            n = 1
        if n > max_nodes:
            raise YamlTooLarge(f"{path}: expands to more than {max_nodes} values (aliases counted in full: an "
                               "alias bomb?); raise RAPID_EVAL_MAX_CONFIG_NODES if it is meant")
        sizes[id(node)] = n
        return n

    size(root, 0)
