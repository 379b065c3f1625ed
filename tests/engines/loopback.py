"""A small real HTTP/1.1 server on 127.0.0.1 for client tests: keep-alive, scripted responses, no framework.

``LoopbackServer(handler)`` runs an asyncio server in a background thread. ``handler(request)`` is a coroutine
that gets a ``Request`` and returns a ``Reply`` (status, JSON or raw body, headers, optional delay, or a body
cut short with the connection closed). Used to test retries and to measure client overhead.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Reply:
    status: int = 200
    body: bytes | dict | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    close_after: int | None = None
    """Send only this many body bytes (with the full Content-Length), then close the connection."""


Handler = Callable[[Request], Awaitable[Reply]]
REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests",
           500: "Internal Server Error", 503: "Service Unavailable"}


def chat_json(content: str = "ok", reasoning: str | None = None, finish: str = "stop",
              prompt_tokens: int = 7, completion_tokens: int = 3) -> dict:
    """A minimal chat-completion response body."""
    msg: dict[str, Any] = {"role": "assistant", "content": content}
    if reasoning is not None:
        msg["reasoning_content"] = reasoning
    return {"id": "x", "object": "chat.completion", "model": "m",
            "choices": [{"index": 0, "message": msg, "finish_reason": finish}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens}}


class LoopbackServer:
    """Start with ``with LoopbackServer(handler) as srv:``; ``srv.base_url`` ends in ``/v1``."""

    def __init__(self, handler: Handler):
        self.handler = handler
        self.requests: list[Request] = []
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.port = 0

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main())
        self._loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        self._tasks: set[asyncio.Task] = set()
        server = await asyncio.start_server(self._track, "127.0.0.1", 0, backlog=1024)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        await self._stop.wait()
        server.close()
        for t in list(self._tasks):
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await server.wait_closed()

    async def _track(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._conn(reader, writer)
        finally:
            self._tasks.discard(task)

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def _conn(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                method, path, _ = line.decode().split(" ", 2)
                headers: dict[str, str] = {}
                while (h := await reader.readline()) not in (b"\r\n", b""):
                    k, v = h.decode().split(":", 1)
                    headers[k.strip().lower()] = v.strip()
                n = int(headers.get("content-length", 0))
                req = Request(method, path, headers, await reader.readexactly(n) if n else b"")
                self.requests.append(req)
                reply = await self.handler(req)
                if reply.delay:
                    await asyncio.sleep(reply.delay)
                body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body or {}).encode()
                head = [f"HTTP/1.1 {reply.status} {REASONS.get(reply.status, 'X')}",
                        f"Content-Length: {len(body)}", "Content-Type: application/json"]
                head += [f"{k}: {v}" for k, v in reply.headers.items()]
                data = ("\r\n".join(head) + "\r\n\r\n").encode()
                if reply.close_after is not None:
                    writer.write(data + body[: reply.close_after])
                    await writer.drain()
                    break
                writer.write(data + body)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            writer.close()
