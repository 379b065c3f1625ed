"""A rich progress bar for long steps: counts, ETA and generated tokens per second."""

from __future__ import annotations

import time
from types import TracebackType

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from rapid_eval.log import console


class _TokensPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        tokens = task.fields.get("tokens", 0)
        elapsed = task.elapsed or 0.0
        rate = tokens / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:,.0f} tok/s", style="cyan")


class StepProgress:
    """``with StepProgress("perceive", total) as p: p.advance(tokens)``; silent when total is 0."""

    def __init__(self, description: str, total: int):
        """Builds the bar on stderr, labelled ``description``; shown from ``__enter__``, never when ``total`` is 0."""
        self.total = total
        self.tokens = 0
        self.started = time.perf_counter()
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            _TokensPerSecond(),
            console=console,
            transient=False,
            disable=total == 0,
        )
        self._task = self._progress.add_task(description, total=total, tokens=0)

    def advance(self, tokens: int | None = 0) -> None:
        """Count one finished request and add its ``tokens`` (None: 0) to the tok/s column."""
        self.tokens += tokens or 0
        self._progress.update(self._task, advance=1, tokens=self.tokens)

    def __enter__(self) -> StepProgress:
        self._progress.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._progress.stop()
