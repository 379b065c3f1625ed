"""HTTP transports for the OpenAI backend, behind one small interface.

- ``FastHTTP``: a minimal HTTP/1.1 keep-alive client on asyncio streams for plain ``http://`` servers (vLLM,
  SGLang, ``transformers serve`` on a cluster or loopback). Each worker owns one connection and sends each
  request in a single write, so the per-request cost is a few microseconds; httpx's connection pool costs
  O(pool size) per request and caps a 64-way loopback run at a fraction of the server's rate.
- ``PooledHTTP``: ``httpx2`` (or ``httpx``) for ``https://`` and proxied URLs, where TLS, proxies and
  compression matter more than microseconds.

Both raise only ``TimeoutError`` or ``ConnectionError`` for transport failures and return a ``Response``.
Both bound what a server can make them hold: a body over ``max_bytes`` (``ResponseTooLarge``), more than
``MAX_HEADER_BYTES`` of headers or a status line that is not HTTP are transport failures, read in pieces and
refused as soon as the limit is passed (an endless body costs at most ``max_bytes``, not all memory).
"""

from __future__ import annotations

import asyncio
import importlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

DEFAULT_MAX_RESPONSE_BYTES = 8 << 20
"""Largest response body read (8 MiB: a 32k-token answer is well under 1 MiB of JSON); ``max_response_bytes``
raises it. With the default 64 requests in flight this bounds replies to 512 MiB in all."""
MAX_HEADER_BYTES = 64 << 10
"""Largest response head (status line and headers) read."""
_PIECE = 1 << 16


class ResponseTooLarge(ConnectionError):
    """The server sent more than the body or header limit: the request fails (it is not retried)."""


@dataclass
class Response:
    """A complete HTTP response; header names are lower case."""

    status: int
    headers: dict[str, str]
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


class Slot:
    """Per-worker state: FastHTTP keeps the worker's open connection here."""

    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    resent: int = 0
    """Requests sent a second time on a fresh connection because the kept-alive one closed without answering
    (the engine counts these as retries: the server may have received the first copy)."""

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def wants_fast_path(base_url: str) -> bool:
    """Plain http and no proxy configured for the host."""
    parts = urlsplit(base_url)
    if parts.scheme != "http":
        return False
    return not getproxies().get("http") or bool(proxy_bypass(parts.hostname or ""))


class FastHTTP:
    """Keep-alive HTTP/1.1 over asyncio streams (Content-Length or chunked bodies)."""

    def __init__(self, base_url: str, headers: dict[str, str], timeout: float, connect_timeout: float,
                 max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES):
        self.max_bytes = max_bytes
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "localhost", parts.port or 80
        self.prefix = parts.path.rstrip("/")
        name = f"[{self.host}]" if ":" in self.host else self.host
        host_header = name if self.port == 80 else f"{name}:{self.port}"
        self._head = "".join(f"{k}: {v}\r\n" for k, v in {"Host": host_header, **headers}.items())
        self.timeout, self.connect_timeout = timeout, connect_timeout

    async def request(self, slot: Slot, method: str, path: str, body: bytes = b"",
                      timeout: float | None = None) -> Response:
        """Send one request on the slot's connection (reconnecting once if a kept-alive one went stale)."""
        timeout = timeout or self.timeout
        data = (f"{method} {self.prefix}{path} HTTP/1.1\r\n{self._head}Content-Length: {len(body)}\r\n\r\n"
                .encode("latin-1") + body)
        reused = slot.writer is not None
        try:
            async with asyncio.timeout(timeout):
                try:
                    return await self._exchange(slot, data)
                except (_StaleConnection, ConnectionResetError, BrokenPipeError):
                    slot.close()
                    if not reused:
                        raise ConnectionError("server closed the connection without a response") from None
                    slot.resent += 1
                    return await self._exchange(slot, data)
        except TimeoutError:
            slot.close()
            raise TimeoutError(f"no response within {timeout:g}s") from None
        except ResponseTooLarge:
            slot.close()
            raise
        except (OSError, asyncio.IncompleteReadError, ValueError) as e:
            slot.close()
            raise ConnectionError(f"{type(e).__name__}: {e}") from None

    async def _exchange(self, slot: Slot, data: bytes) -> Response:
        if slot.writer is None:
            async with asyncio.timeout(self.connect_timeout):
                slot.reader, slot.writer = await asyncio.open_connection(self.host, self.port)
        assert slot.reader is not None and slot.writer is not None
        slot.writer.write(data)
        await slot.writer.drain()
        line = await slot.reader.readline()
        if not line:
            slot.close()
            raise _StaleConnection
        status = _status(line)
        headers: dict[str, str] = {}
        size = len(line)
        while (h := await slot.reader.readline()) not in (b"\r\n", b"\n", b""):
            size += len(h)
            if size > MAX_HEADER_BYTES:
                raise ResponseTooLarge(f"response headers over {MAX_HEADER_BYTES} bytes")
            k, _, v = h.decode("latin-1").partition(":")
            headers[k.strip().lower()] = v.strip()
        content = await self._body(slot.reader, headers)
        if headers.get("connection", "").lower() == "close" or "content-length" not in headers and \
                "chunked" not in headers.get("transfer-encoding", ""):
            slot.close()
        return Response(status, headers, content)

    async def _body(self, reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
        limit = self.max_bytes
        too_large = f"response body over max_response_bytes={limit}"
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = bytearray()
            while (size := int((await reader.readline()).split(b";")[0].strip() or b"0", 16)) > 0:
                if len(body) + size > limit:
                    raise ResponseTooLarge(too_large)
                body += await reader.readexactly(size)
                await reader.readexactly(2)
            trailers = 0
            while (t := await reader.readline()) not in (b"\r\n", b"\n", b""):
                trailers += len(t)
                if trailers > MAX_HEADER_BYTES:
                    raise ResponseTooLarge(f"response trailers over {MAX_HEADER_BYTES} bytes")
            return bytes(body)
        if "content-length" in headers:
            length = int(headers["content-length"])
            if length > limit:
                raise ResponseTooLarge(too_large)
            return await reader.readexactly(length)
        body = bytearray()
        while piece := await reader.read(_PIECE):
            body += piece
            if len(body) > limit:
                raise ResponseTooLarge(too_large)
        return bytes(body)

    async def aclose(self) -> None:
        """Nothing pooled here: workers close their own slots."""


class _StaleConnection(ConnectionError):
    """A kept-alive connection that the server had already closed."""


def _status(line: bytes) -> int:
    """The status code of an ``HTTP/1.x NNN reason`` line; ``ConnectionError`` for anything else."""
    parts = line.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not (parts[1].isdigit() and len(parts[1]) == 3):
        raise ConnectionError(f"not an HTTP status line: {line[:60]!r}")
    return int(parts[1])


class PooledHTTP:
    """httpx2 (the openai SDK's client) or httpx with one pool of ``concurrency`` connections."""

    def __init__(self, base_url: str, headers: dict[str, str], timeout: float, connect_timeout: float,
                 concurrency: int, max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES):
        self.max_bytes = max_bytes
        httpx: Any  # either module: the two share the API used here
        try:
            httpx = importlib.import_module("httpx2")
        except ImportError:  # older installs: the classic httpx
            httpx = importlib.import_module("httpx")
        self._httpx = httpx
        self.base = base_url.rstrip("/")
        self.client = httpx.AsyncClient(
            headers=headers, timeout=httpx.Timeout(timeout, connect=connect_timeout),
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency))

    async def request(self, slot: Slot, method: str, path: str, body: bytes = b"",
                      timeout: float | None = None) -> Response:
        httpx = self._httpx
        kw: dict[str, Any] = {"timeout": timeout} if timeout else {}
        try:
            async with self.client.stream(method, self.base + path, content=body or None, **kw) as r:
                content = bytearray()
                async for piece in r.aiter_bytes():
                    content += piece
                    if len(content) > self.max_bytes:
                        raise ResponseTooLarge(f"response body over max_response_bytes={self.max_bytes}")
                headers = {k.lower(): v for k, v in r.headers.items()}
                return Response(r.status_code, headers, bytes(content))
        except httpx.TimeoutException:
            raise TimeoutError("no response in time") from None
        except httpx.TransportError as e:
            raise ConnectionError(f"{type(e).__name__}: {e}") from None

    async def aclose(self) -> None:
        await self.client.aclose()
