"""Server health for the OpenAI backend: counting attempts, a circuit breaker and a stall watchdog's clock.

Decisions (defaults documented in ``openai_api``):

- **Counting.** Every attempt beyond a request's first is a retry, counted by cause (``http_429``,
  ``http_503``, ``timeout``, ``connection``, ``malformed``), so retries show up in ``stats.jsonl`` instead of
  being invisible.
- **Circuit breaker.** ``threshold`` consecutive failed attempts with the *same* signature (status and the first 200
  characters of the body, or the transport error's kind), lasting at least ``window`` seconds with no success in
  between, mean the server fails for a reason that retrying will not fix (a model that is not loaded, an exhausted
  quota, a crashed worker). The breaker then opens: no more requests are sent and the run ends with one line quoting
  the server's error. The time window keeps a short burst from tripping it: at concurrency 64, a two-second outage
  or a 429 storm fails every request in flight the same way at once. Random faults (a mix of 429/500/503 at 20–50 %)
  practically never produce a long run of one signature, so they keep being retried.
- **Stall clock.** ``last_event`` is the time of the most recent answer of any kind; the engine's watchdog
  probes the server when nothing has answered for a while (see ``OpenAIEngine``).
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any


class CircuitOpen(RuntimeError):
    """The server keeps failing the same way: stop sending (carries the one-line reason)."""


class Health:
    """Shared by all workers of one ``generate`` call (one asyncio loop, so no locking is needed)."""

    def __init__(self, threshold: int, window: float = 0.0):
        self.threshold = int(threshold)
        self.window = float(window)
        self._since = 0.0
        self.retries: Counter[str] = Counter()
        self.attempts = 0
        self.probes = 0
        self._signature = ""
        self._streak = 0
        self.last_event = time.monotonic()
        self.opened: str | None = None

    def attempt(self, first: bool, cause: str | None = None) -> None:
        """Count one attempt; ``cause`` is why the previous attempt of this request failed."""
        self.attempts += 1
        if not first and cause:
            self.retries[cause] += 1

    def resent(self, n: int) -> None:
        """Count requests the transport sent again after a kept-alive connection closed without answering."""
        if n > 0:
            self.attempts += n
            self.retries["connection_closed"] += n

    def success(self) -> None:
        self.last_event = time.monotonic()
        self._signature, self._streak = "", 0

    def failure(self, signature: str, message: str) -> None:
        """Record a failed attempt; open the breaker after ``threshold`` identical failures in a row."""
        now = self.last_event = time.monotonic()
        if signature == self._signature:
            self._streak += 1
        else:
            self._signature, self._streak, self._since = signature, 1, now
        lasting = now - self._since >= self.window
        if self.threshold > 0 and self._streak >= self.threshold and lasting and self.opened is None:
            self.opened = (f"the server failed {self._streak} attempts in a row the same way for "
                           f"{now - self._since:.0f}s, so no more requests were sent: {message}")

    def check(self) -> None:
        """Raise ``CircuitOpen`` once the breaker is open."""
        if self.opened is not None:
            raise CircuitOpen(self.opened)

    def counters(self) -> dict[str, Any]:
        """What ``stats.jsonl`` records: attempts, retries by cause and in all, watchdog probes."""
        return {"attempts": self.attempts, "retries": sum(self.retries.values()),
                "retries_by_cause": dict(sorted(self.retries.items())), "probes": self.probes}


def cause_of(error: str) -> str:
    """A short retry cause from an attempt's error text (``HTTP 503: …`` -> ``http_503``)."""
    if error.startswith("HTTP "):
        return "http_" + error[5:8]
    for prefix, cause in (("timed out", "timeout"), ("connection", "connection"), ("malformed", "malformed")):
        if error.startswith(prefix):
            return cause
    return "other"
