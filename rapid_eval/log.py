"""One place for user-facing output. Results (tables, scores, summaries) go to stdout through :func:`result` and
:func:`stdout_console`; progress, warnings and errors go to stderr through :data:`console`, never secrets.

So ``rapid-eval tasks | grep mathvista`` and ``rapid-eval rescore ... > out.txt`` capture the results while the
progress stays on the terminal, as with lm-eval, lmms-eval and Inspect."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.markup import escape

console = Console(stderr=True, highlight=False)

PIPE_WIDTH = 200
"""Width of tables written to a pipe or file: wide enough that no name or hub id is cut mid-word."""


def stdout_console() -> Console:
    """A console on the current ``sys.stdout`` for results: the terminal's width, or :data:`PIPE_WIDTH` columns
    when stdout is a pipe or a file (rich would otherwise assume 80 and fold cells mid-word)."""
    tty = hasattr(sys.stdout, "isatty") and sys.stdout.isatty()
    return Console(file=sys.stdout, highlight=False, width=None if tty else PIPE_WIDTH)


def result(msg: str) -> None:
    """One line of a command's result, on stdout (plain text, no markup)."""
    sys.stdout.write(msg + "\n")
    sys.stdout.flush()


def warn(msg: str) -> None:
    """One ``warning:`` line on stderr; ``msg`` is shown as plain text (rich markup in it is escaped)."""
    console.print(f"[yellow]warning:[/yellow] {escape(msg)}", soft_wrap=True)


def info(msg: str) -> None:
    """One progress or status line on stderr, as plain text (markup escaped)."""
    console.print(escape(msg), soft_wrap=True)


def error(msg: str) -> None:
    """One ``error:`` line on stderr (markup escaped); it does not exit (``cli_checks.usage_error`` does)."""
    console.print(f"[red]error:[/red] {escape(msg)}", soft_wrap=True)
