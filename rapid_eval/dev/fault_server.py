"""A fault-injecting OpenAI-compatible chat server for reliability tests and ``bench/bench_faults.py``.

``python -m rapid_eval.dev.fault_server --port 8765 --rate 0.2`` answers every ``POST …/chat/completions``;
with probability ``rate`` an answer is replaced by one fault drawn uniformly from ``FAULTS``:

- ``429``: Too Many Requests with ``Retry-After`` (``--retry-after`` seconds); ``500`` and ``503`` errors;
- ``hang``: no answer for ``--hang`` seconds, then the connection is closed;
- ``drop``: the connection is closed without a response; ``truncated``: a 200 whose JSON is cut short;
- ``empty``: a 200 with no choices; ``badutf8``: a 200 whose body is not valid UTF-8;
- ``huge``: a valid 200 whose answer is 1 MB long (it succeeds: the run must store it).

A good answer is deterministic in the prompt (the same prompt, the same answer), so a run against a faulty
server can be compared with a run against a faultless one. Faults are drawn from a seeded generator, so a
run's fault sequence repeats for the same request order. ``answer="\\boxed{5}"`` replaces every good answer
by that text (a reasoner that answers 5 whatever it reads: the trainer tests' reward then depends on the item
only); ``prompts`` lists the last user message of every request received, in order. ``GET /stats`` returns
counts per kind; ``GET …/models`` always works (so the engine's start-up check passes and faults hit the
requests themselves).

``fault_server(...)`` runs it in a thread for tests and benches and yields its base URL. Pure asyncio.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import random
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

FAULTS = ("429", "500", "503", "hang", "drop", "truncated", "empty", "badutf8", "huge")
REASONS = {200: "OK", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}


def good_answer(prompt: str) -> str:
    """The faultless answer to a prompt: a short caption and a boxed digit, both fixed by the prompt."""
    digit = int(hashlib.sha256(prompt.encode()).hexdigest(), 16) % 10
    return f"A figure with labelled parts. The answer is \\boxed{{{digit}}}."


def _chat(content: str, model: str) -> dict:
    return {"id": "fault", "object": "chat.completion", "model": model,
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": max(1, len(content) // 4),
                      "total_tokens": 10 + max(1, len(content) // 4)}}


class ChatServer:
    """An OpenAI-compatible loopback server's request loop: ``GET`` answers ``/stats`` (``counts``) or a model list,
    ``POST .../chat/completions`` goes to :meth:`_chat`. Subclasses set ``name`` and ``counts`` and answer chats."""

    name = "chat"
    counts: Counter[str]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve one connection's requests until it closes (or a request tells to close it)."""
        try:
            while True:
                method, path, body = await read_request(reader)
                if not (method == "POST" and path.endswith("/chat/completions")):
                    payload = self.counts if path.endswith("/stats") else {
                        "object": "list", "data": [{"id": f"{self.name}-model", "owned_by": f"{self.name}-server"}]}
                    await send(writer, 200, json.dumps(payload).encode())
                    continue
                if not await self._chat(writer, json.loads(body or b"{}")):
                    return
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        except asyncio.CancelledError:  # the server is stopping with a hang in progress: end quietly
            pass
        finally:
            writer.close()

    async def _chat(self, writer: asyncio.StreamWriter, request: dict) -> bool:
        """Answer one chat request; False when the connection is to be closed."""
        raise NotImplementedError


class FaultServer(ChatServer):
    """State and request handling; ``serve()`` runs it on the current asyncio loop."""

    name = "fault"

    def __init__(self, rate: float = 0.2, seed: int = 0, hang: float = 20.0, retry_after: float = 1.0,
                 faults: Sequence[str] = FAULTS, latency: float = 0.0, answer: str | None = None):
        """Check ``faults`` and seed the fault draw; opens no socket (``serving`` or ``serve_forever`` does).

        Args:
            rate: probability in [0, 1] that a chat request gets a fault instead of its good answer.
            seed: seed of the fault draw (the same request order, the same faults).
            hang: seconds a ``hang`` fault waits before closing the connection.
            retry_after: the ``Retry-After`` header of a ``429``, in seconds.
            faults: the kinds drawn from, a subset of ``FAULTS``.
            latency: seconds every chat request waits before its answer (or fault).
            answer: the text of every good answer; None answers ``good_answer(prompt)``.

        Raises:
            ValueError: a kind in ``faults`` that is not in ``FAULTS``.
        """
        unknown = set(faults) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {', '.join(FAULTS)}")
        self.rate, self.hang, self.retry_after, self.latency = rate, hang, retry_after, latency
        self.faults = tuple(faults)
        self.rng = random.Random(seed)
        self.counts: Counter[str] = Counter()
        self.answer = answer
        self.prompts: list[str] = []

    def draw(self) -> str:
        """``ok`` or a fault kind."""
        return self.rng.choice(self.faults) if self.faults and self.rng.random() < self.rate else "ok"

    async def _chat(self, writer: asyncio.StreamWriter, request: dict) -> bool:
        """Answer one chat request; False when the connection was closed."""
        kind = self.draw()
        self.counts[kind] += 1
        self.counts["requests"] += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        messages = request.get("messages") or [{}]
        content = messages[-1].get("content", "")
        prompt = content if isinstance(content, str) else json.dumps(content, sort_keys=True)
        model = str(request.get("model", "m"))
        self.prompts.append(prompt)
        if kind == "ok":
            await send(writer, 200, json.dumps(_chat(self.answer or good_answer(prompt), model)).encode())
        elif kind in ("429", "500", "503"):
            extra = {"Retry-After": f"{self.retry_after:g}"} if kind == "429" else {}
            await send(writer, int(kind), json.dumps({"error": {"message": f"injected {kind}"}}).encode(), extra)
        elif kind == "hang":
            await asyncio.sleep(self.hang)
            return False
        elif kind == "drop":
            return False
        elif kind == "truncated":
            await send(writer, 200, json.dumps(_chat(good_answer(prompt), model)).encode()[:40])
        elif kind == "empty":
            await send(writer, 200, json.dumps({"id": "x", "object": "chat.completion", "choices": []}).encode())
        elif kind == "badutf8":
            await send(writer, 200, b'{"choices": [{"message": {"content": "\xff\xfe bad"}}]}')
        elif kind == "huge":
            await send(writer, 200, json.dumps(_chat("x" * (1 << 20) + good_answer(prompt), model)).encode())
        return True


async def read_request(reader: asyncio.StreamReader) -> tuple[str, str, bytes]:
    """``(method, path, body)`` of the next HTTP/1.1 request on a kept-alive connection (Content-Length bodies;
    raises ``IncompleteReadError`` when the client closes)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
    return method, path, await reader.readexactly(int(headers.get("content-length", "0") or 0))


async def send(writer: asyncio.StreamWriter, status: int, payload: bytes, headers: dict | None = None) -> None:
    """Write one HTTP/1.1 JSON response (keep-alive)."""
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    writer.write(f"HTTP/1.1 {status} {REASONS.get(status, 'X')}\r\nContent-Type: application/json\r\n{extra}"
                 f"Content-Length: {len(payload)}\r\n\r\n".encode("latin-1") + payload)
    await writer.drain()


@contextlib.contextmanager
def fault_server(host: str = "127.0.0.1", **options: object) -> Iterator[tuple[str, FaultServer]]:
    """Run a ``FaultServer(**options)`` on a free port in a daemon thread; yield ``(base_url, server)``."""
    with serving(FaultServer(**options), host) as served:  # type: ignore[arg-type]
        yield served


@contextlib.contextmanager
def serving(state: Any, host: str = "127.0.0.1") -> Iterator[tuple[str, Any]]:
    """Run any object with an asyncio ``handle(reader, writer)`` on a free port in a daemon thread;
    yield ``(base_url, state)``."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, object] = {}

    async def main() -> None:
        server = await asyncio.start_server(state.handle, host, 0, backlog=1024)
        holder["port"] = server.sockets[0].getsockname()[1]
        holder["stop"] = stop = asyncio.Event()
        ready.set()
        await stop.wait()
        server.close()
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in others:
            t.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def run() -> None:
        loop.run_until_complete(main())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield f"http://{host}:{holder['port']}/v1", state
    finally:
        loop.call_soon_threadsafe(holder["stop"].set)  # type: ignore[attr-defined]
        thread.join(5)


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: serve a ``FaultServer`` on ``--host:--port`` in the foreground until interrupted."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--rate", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--hang", type=float, default=20.0)
    ap.add_argument("--retry-after", type=float, default=1.0)
    ap.add_argument("--latency", type=float, default=0.0)
    ap.add_argument("--faults", default=",".join(FAULTS))
    a = ap.parse_args(argv)
    state = FaultServer(a.rate, a.seed, a.hang, a.retry_after, [f for f in a.faults.split(",") if f], a.latency)
    serve_forever(state.handle, a.host, a.port)


def serve_forever(handle: Any, host: str, port: int) -> None:
    """Serve ``handle`` (an asyncio stream handler) on ``host:port`` until interrupted."""

    async def serve() -> None:
        server = await asyncio.start_server(handle, host, port, backlog=1024)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
