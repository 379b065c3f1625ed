"""A hostile OpenAI-compatible chat server: replies a client must survive without crashing, leaking memory or
losing the good replies around them. Used by ``tests/reliability/test_hostile_server.py``.

``python -m rapid_eval.dev.hostile_server --port 8766 --mode content_int --every 3`` answers every third
``POST …/chat/completions`` with the attack ``--mode`` and the others with the fault server's deterministic good
answer (``fault_server.good_answer``). Modes (``MODES``):

- wrong shapes in a 200: ``message_string``, ``message_null``, ``content_int``, ``content_list``,
  ``choices_dict``, ``reply_list``; a ``garbage_status`` line; ``deep_json`` (100k nested lists);
- poisoned values in a good-looking reply: ``usage_list``, ``usage_abc`` (``"prompt_tokens": "abc"``),
  ``usage_negative``,
  ``usage_huge`` (1e30), ``usage_nan`` (bare ``NaN``), ``surrogate`` (a lone ``\\ud800`` in the content);
- ``escape_error``: a 400 whose body carries terminal escape codes (clear screen, cursor up, erase line);
- memory: ``endless_chunked`` (chunks until the client hangs up), ``endless_headers``, ``endless_nolength``
  (no Content-Length, body until the client hangs up), ``huge`` (a well-formed ``--size``-byte answer).

``GET …/models`` always works. ``GET /stats`` returns counts per reply kind. Pure asyncio, reusing the fault
server's request reader and sender.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from rapid_eval.dev.fault_server import ChatServer, _chat, good_answer, send, serve_forever, serving

SHAPES = ("message_string", "message_null", "content_int", "content_list", "choices_dict", "reply_list",
          "garbage_status", "deep_json")
VALUES = ("usage_list", "usage_abc", "usage_negative", "usage_huge", "usage_nan", "surrogate")
MEMORY = ("endless_chunked", "endless_headers", "endless_nolength", "huge")
MODES = (*SHAPES, *VALUES, "escape_error", *MEMORY)
ESCAPES = "\x1b[2J\x1b[H\x1b[1A\x1b[2Kowned"
_PIECE = b"x" * (1 << 16)


class HostileServer(ChatServer):
    """Answers every ``every``-th chat request with ``mode`` (the others well); ``serve()`` via ``serving``."""

    name = "hostile"

    def __init__(self, mode: str, every: int = 1, size: int = 300 << 20):
        """Check ``mode`` against ``MODES``; ``every`` below 1 counts as 1, ``size`` is ``huge``'s body in bytes.

        Opens no socket (``serving`` does). Raises ``ValueError`` for an unknown mode.
        """
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; known: {', '.join(MODES)}")
        self.mode, self.every, self.size = mode, max(1, every), size
        self.counts: Counter[str] = Counter()

    async def _chat(self, writer: asyncio.StreamWriter, request: dict) -> bool:
        """A good answer, or on every ``every``-th request the attack; False when the connection is to be closed."""
        self.counts["requests"] += 1
        content = (request.get("messages") or [{}])[-1].get("content", "")
        prompt = content if isinstance(content, str) else json.dumps(content, sort_keys=True)
        if self.counts["requests"] % self.every:
            self.counts["ok"] += 1
            await send(writer, 200, json.dumps(_chat(good_answer(prompt), "m")).encode())
            return True
        self.counts[self.mode] += 1
        return await self.attack(writer, prompt)

    async def attack(self, writer: asyncio.StreamWriter, prompt: str) -> bool:
        """Send the attack; False when the connection is to be closed."""
        mode = self.mode
        good = _chat(good_answer(prompt), "m")
        if mode in MEMORY:
            await self._flood(writer, mode)
            return False
        if mode == "garbage_status":
            writer.write(b"\x00\x1bGARBAGE\r\n\r\n")
            await writer.drain()
            return False
        if mode == "escape_error":
            await send(writer, 400, b'{"error": "' + ESCAPES.encode() + b'"}')  # raw escape bytes, not JSON-escaped
            return True
        if mode == "deep_json":
            await send(writer, 200, b"[" * 100_000 + b"]" * 100_000)
            return True
        if mode == "reply_list":
            await send(writer, 200, json.dumps([good]).encode())
            return True
        choice, usage = good["choices"][0], good["usage"]
        raw = None
        if mode == "message_string":
            choice["message"] = "hello"
        elif mode == "message_null":
            choice["message"] = None
        elif mode == "content_int":
            choice["message"]["content"] = 42
        elif mode == "content_list":
            choice["message"]["content"] = [{"type": "text", "text": "hi"}]
        elif mode == "choices_dict":
            good["choices"] = choice
        elif mode == "usage_list":
            good["usage"] = [1, 2]
        elif mode == "usage_abc":
            usage["prompt_tokens"] = "abc"
        elif mode == "usage_negative":
            usage["prompt_tokens"], usage["completion_tokens"] = -5, -1
        elif mode == "usage_huge":
            usage["prompt_tokens"] = 1e30
        elif mode == "usage_nan":
            raw = json.dumps(good).replace('"prompt_tokens": 10', '"prompt_tokens": NaN').encode()
        elif mode == "surrogate":
            raw = json.dumps(good).replace("The answer", "\\ud800 The answer").encode()
        await send(writer, 200, raw if raw is not None else json.dumps(good).encode())
        return True

    async def _flood(self, writer: asyncio.StreamWriter, mode: str) -> None:
        """Write until the client hangs up (``huge``: ``size`` bytes of one well-formed answer)."""
        if mode == "huge":
            head = b'{"choices": [{"message": {"content": "'
            tail = b'"}}], "usage": {"prompt_tokens": 1, "completion_tokens": 1}}'
            n = max(0, self.size - len(head) - len(tail))
            writer.write(f"HTTP/1.1 200 OK\r\nContent-Length: {len(head) + n + len(tail)}\r\n\r\n".encode() + head)
            for _ in range(n // len(_PIECE)):
                writer.write(_PIECE)
                await writer.drain()
            writer.write(b"x" * (n % len(_PIECE)) + tail)
            await writer.drain()
            return
        if mode == "endless_headers":
            writer.write(b"HTTP/1.1 200 OK\r\n")
            while True:
                writer.write(b"X-Filler: " + _PIECE[:1000] + b"\r\n")
                await writer.drain()
        chunked = mode == "endless_chunked"
        writer.write(b"HTTP/1.1 200 OK\r\n" + (b"Transfer-Encoding: chunked\r\n" if chunked else b"") + b"\r\n")
        piece = b"%x\r\n%s\r\n" % (len(_PIECE), _PIECE) if chunked else _PIECE
        while True:
            writer.write(piece)
            await writer.drain()


@contextmanager
def hostile_server(mode: str, every: int = 1, size: int = 300 << 20,
                   host: str = "127.0.0.1") -> Iterator[tuple[str, HostileServer]]:
    """Run a ``HostileServer`` on a free port in a daemon thread; yield ``(base_url, server)``."""
    with serving(HostileServer(mode, every, size), host) as served:
        yield served


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: serve a ``HostileServer`` on ``--host:--port`` in the foreground until interrupted."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8766)
    ap.add_argument("--mode", required=True, choices=MODES)
    ap.add_argument("--every", type=int, default=1)
    ap.add_argument("--size", type=int, default=300 << 20)
    a = ap.parse_args(argv)
    serve_forever(HostileServer(a.mode, a.every, a.size).handle, a.host, a.port)


if __name__ == "__main__":
    main()
