"""One place for user-facing messages: warnings and errors go to stderr through rich, never secrets."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

console = Console(stderr=True, highlight=False)


def warn(msg: str) -> None:
    console.print(f"[yellow]warning:[/yellow] {escape(msg)}", soft_wrap=True)


def info(msg: str) -> None:
    console.print(escape(msg), soft_wrap=True)


def error(msg: str) -> None:
    console.print(f"[red]error:[/red] {escape(msg)}", soft_wrap=True)
