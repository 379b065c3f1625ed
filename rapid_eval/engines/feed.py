"""A bounded, thread-safe queue of chat requests that an engine serves while they are still being put.

Streaming stages (``api.perceive_and_reason``): the perception side puts a reasoner request as soon as its
perception record lands; the reasoner engine takes them from another thread (``Engine.generate_stream``), so both
engines are busy at once. ``put`` blocks while ``limit`` requests wait (memory stays bounded whatever the run's
size); ``close`` ends the stream once the queue is drained; ``abort`` ends it at once and drops what waits.
Takers are plain threads (``take``) or asyncio tasks (``aget``) of any event loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque

from rapid_eval.types import ChatRequest

Item = tuple[int, ChatRequest]
"""A request and its index: the order in which it was put (``on_complete`` reports that index)."""


class RequestFeed:
    """Requests put by producers, taken by one engine, each with its index in put order."""

    def __init__(self, limit: int = 10_000):
        """``limit``: how many requests may wait before ``put`` blocks; ValueError below 1."""
        if limit < 1:
            raise ValueError(f"feed limit must be >= 1, got {limit}")
        self.limit = limit
        self._items: deque[Item] = deque()
        self._cond = threading.Condition()
        self._closed = False
        self._count = 0
        self._waiters: deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = deque()

    def put(self, request: ChatRequest) -> int | None:
        """Queue ``request`` (waiting while ``limit`` requests wait); its index, or None if the feed is closed."""
        with self._cond:
            while len(self._items) >= self.limit and not self._closed:
                self._cond.wait()
            if self._closed:
                return None
            i = self._count
            self._count += 1
            self._items.append((i, request))
            self._cond.notify_all()
            self._wake(everyone=False)
            return i

    def close(self) -> None:
        """No more requests: takers finish what waits, then see the end."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            self._wake(everyone=True)

    def abort(self) -> list[Item]:
        """End the stream now; return the requests that were still waiting (never handed to the engine)."""
        with self._cond:
            dropped = list(self._items)
            self._items.clear()
            self._closed = True
            self._cond.notify_all()
            self._wake(everyone=True)
            return dropped

    def __len__(self) -> int:
        """Requests put so far (taken or not): the next ``put``'s index."""
        return self._count

    def take(self) -> list[Item]:
        """Every waiting request, waiting for at least one; empty once the feed is closed and drained."""
        with self._cond:
            while not self._items and not self._closed:
                self._cond.wait()
            out = list(self._items)
            self._items.clear()
            self._cond.notify_all()
            return out

    async def aget(self) -> Item | None:
        """The next request (awaiting one without blocking the loop); None once closed and drained."""
        loop = asyncio.get_running_loop()
        while True:
            with self._cond:
                if self._items:
                    item = self._items.popleft()
                    self._cond.notify_all()
                    return item
                if self._closed:
                    return None
                fut: asyncio.Future[None] = loop.create_future()
                self._waiters.append((loop, fut))
            await fut

    def _wake(self, everyone: bool) -> None:
        """Wake one (or every) asyncio taker waiting for a request (caller holds the condition)."""
        while self._waiters:
            loop, fut = self._waiters.popleft()
            if fut.done():  # its taker was cancelled
                continue
            try:
                loop.call_soon_threadsafe(_resolve, fut)
            except RuntimeError:  # that loop has closed: its taker is gone
                continue
            if not everyone:
                return


def _resolve(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)
