"""Option parsing shared by the command lines (``rapid-eval`` and its sub-apps): ``K=V`` lists."""

from __future__ import annotations

from typing import Any

import typer


def kv_options(items: list[str] | None, flag: str) -> dict[str, Any]:
    """``["k=v", ...]`` -> ``{"k": "v"}``; a malformed item is a usage error naming the flag."""
    out: dict[str, Any] = {}
    for kv in items or []:
        if "=" not in kv:
            raise typer.BadParameter(f"{flag} expects K=V, got '{kv}'")
        k, v = kv.split("=", 1)
        out[k.strip()] = v.strip()
    return out
