"""OpenAI-compatible HTTP backend (vLLM serve, SGLang, ``transformers serve``, hosted APIs).

Options (``load_engine("openai", served_model_name, **options)``):

- ``base_url``: default ``$OPENAI_BASE_URL`` or ``https://api.openai.com/v1``.
- ``api_key_env`` (default ``OPENAI_API_KEY``): the environment variable holding the key; ``"EMPTY"`` when unset
  (local servers). The key is read from the environment only and is never logged, stored or put in errors.
- ``concurrency`` (default 64): requests in flight, each worker on its own kept-alive connection.
- ``timeout`` (default 600 s per attempt), ``max_retries`` (default 6), ``backoff_base`` (1 s), ``backoff_max``
  (60 s): retries with exponential backoff and jitter on 429/5xx/timeouts/connection errors/malformed JSON,
  waiting what ``Retry-After`` asks for when the server sends it.
- ``extra_body``: a dict merged into every request body (server-specific fields).
- ``max_tokens_field`` (default ``max_tokens``; ``max_completion_tokens`` for APIs that require it).
- ``check_server`` (default True): ``GET /models`` once before the first batch, so an unreachable server or a
  rejected key fails the whole run with a clear message instead of one error per request.
- ``pin_sampling`` (default None = auto): also send ``top_k=-1``, ``min_p=0`` and ``repetition_penalty`` so
  the server's ``generation_config`` defaults cannot change sampling; auto turns it on when ``/models`` says
  the server is vLLM or SGLang (``transformers serve`` rejects these fields).
- ``http_client``: ``auto`` (default: the lean keep-alive client of ``_http.FastHTTP`` for plain ``http://``
  without a proxy, else a pooled ``httpx2``/``httpx`` client), ``fast`` or ``httpx``.

Requests run on a private asyncio loop: ``concurrency`` workers, each with its own kept-alive connection,
pull requests in order; ``on_complete`` is called from that loop's thread as each request finishes.
Importing this module loads neither torch nor transformers.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from rapid_eval.engines._fingerprint import model_identity
from rapid_eval.engines._http import FastHTTP, PooledHTTP, Response, Slot, wants_fast_path
from rapid_eval.engines._openai_wire import (
    RETRY_STATUS,
    backoff_seconds,
    build_body,
    parse_response,
    retry_after_seconds,
)
from rapid_eval.engines._options import warn_unknown
from rapid_eval.engines.base import Engine, OnComplete
from rapid_eval.types import ChatRequest, Completion

DEFAULT_BASE_URL = "https://api.openai.com/v1"
LOOPBACK = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}
PINNABLE_SERVERS = {"vllm", "sglang"}


class ServerUnavailable(RuntimeError):
    """The server cannot be reached or rejects the credentials: nothing can succeed."""


class OpenAIEngine(Engine):
    """Chat completions over HTTP with bounded concurrency and retries."""

    backend = "openai"

    def __init__(self, model: str, base_url: str | None = None, api_key_env: str = "OPENAI_API_KEY",
                 concurrency: int = 64, timeout: float = 600.0, max_retries: int = 6, backoff_base: float = 1.0,
                 backoff_max: float = 60.0, extra_body: dict[str, Any] | None = None,
                 max_tokens_field: str = "max_tokens", check_server: bool = True,
                 pin_sampling: bool | None = None, http_client: str = "auto", **options: Any):
        self.base_url = (base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        super().__init__(model, base_url=self.base_url, api_key_env=api_key_env, concurrency=concurrency,
                         **options)
        warn_unknown(self.backend, options)
        if int(concurrency) < 1:
            raise ValueError(f"openai: concurrency must be >= 1, got {concurrency}")
        self.api_key_env = api_key_env
        self.concurrency = int(concurrency)
        self.timeout = float(timeout)
        self.max_retries = int(max_retries)
        self.backoff_base, self.backoff_max = float(backoff_base), float(backoff_max)
        self.extra_body = dict(extra_body or {})
        self.max_tokens_field = max_tokens_field
        self._check = bool(check_server)
        self.pin_sampling = pin_sampling
        if http_client not in ("auto", "fast", "httpx"):
            raise ValueError(f"openai: http_client must be auto, fast or httpx, got {http_client!r}")
        self.http_client = http_client
        self._rng = random.Random()

    def _key(self) -> str:
        return os.environ.get(self.api_key_env) or "EMPTY"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._key()}", "Content-Type": "application/json"}

    def _scrub(self, msg: str) -> str:
        key = self._key()
        return msg.replace(key, "***") if key != "EMPTY" and len(key) >= 8 else msg

    def identity(self) -> dict[str, Any]:
        """Served model name, backend and server host (loopback hosts collapse to ``localhost``, ports are
        dropped); when the served name is a local model directory, also its path and file fingerprint."""
        host = urlsplit(self.base_url).hostname or self.base_url
        ident = {**super().identity(), "server": "localhost" if host in LOOPBACK else host}
        ident.update(model_identity(self.model) if os.path.isdir(self.model) else {})
        return ident

    def _generate(self, requests: list[ChatRequest], on_complete: OnComplete) -> None:
        coro = self._run_all(requests, on_complete)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(coro)
            return
        _run_in_thread(coro)  # called from inside a running loop (e.g. a notebook)

    def _transport(self) -> FastHTTP | PooledHTTP:
        connect = min(self.timeout, 30.0)
        fast = self.http_client == "fast" or (self.http_client == "auto" and wants_fast_path(self.base_url))
        if fast:
            return FastHTTP(self.base_url, self._headers(), self.timeout, connect)
        return PooledHTTP(self.base_url, self._headers(), self.timeout, connect, self.concurrency)

    async def _run_all(self, requests: list[ChatRequest], on_complete: OnComplete) -> None:
        http = self._transport()
        try:
            if self._check:
                await self._check_server(http)
                self._check = False
            pending = iter(enumerate(requests))

            async def worker() -> None:
                slot = Slot()
                try:
                    for i, req in pending:
                        on_complete(i, await self._one(http, slot, req))
                finally:
                    slot.close()

            await asyncio.gather(*(worker() for _ in range(min(self.concurrency, len(requests)))))
        finally:
            await http.aclose()

    async def _check_server(self, http: FastHTTP | PooledHTTP) -> None:
        slot = Slot()
        try:
            resp = await http.request(slot, "GET", "/models", timeout=min(self.timeout, 30.0))
        except (TimeoutError, ConnectionError) as e:
            raise ServerUnavailable(f"openai: cannot reach {self.base_url}: {self._scrub(str(e))}") from None
        finally:
            slot.close()
        if resp.status in (401, 403):
            raise ServerUnavailable(f"openai: {self.base_url} rejected the API key (HTTP {resp.status}); "
                                    f"set the environment variable {self.api_key_env}")
        if self.pin_sampling is None:
            self.pin_sampling = _server_kind(resp) in PINNABLE_SERVERS

    async def _one(self, http: FastHTTP | PooledHTTP, slot: Slot, request: ChatRequest) -> Completion:
        t0 = time.perf_counter()
        try:
            args = (self.model, request, self.extra_body, self.max_tokens_field, bool(self.pin_sampling))
            body = await asyncio.to_thread(build_body, *args) if request.images else build_body(*args)
        except Exception as e:  # bad image, unserialisable option: only this request fails
            return Completion(finish_reason="error", error=f"cannot build request: {e}")
        payload = json.dumps(body).encode()
        error = "no attempt made"
        for attempt in range(self.max_retries + 1):
            delay: float | None = None
            try:
                resp = await http.request(slot, "POST", "/chat/completions", payload)
            except TimeoutError:
                error = f"timed out after {self.timeout:g}s"
            except ConnectionError as e:
                error = f"connection error: {e}"
            else:
                if resp.status == 200:
                    try:
                        c = parse_response(json.loads(resp.content))
                        c.seconds = time.perf_counter() - t0
                        return c
                    except ValueError as e:  # truncated/invalid JSON or missing choices
                        error = f"malformed response: {e}"
                else:
                    error = f"HTTP {resp.status}: {resp.text[:500]}"
                    if resp.status not in RETRY_STATUS:
                        break
                    delay = retry_after_seconds(resp.headers)
                    if delay is not None:  # honour it, plus a little jitter so clients do not return in step
                        delay += self._rng.uniform(0.0, min(1.0, 0.1 * delay))
            if attempt == self.max_retries:
                break
            if delay is None:
                delay = backoff_seconds(attempt, self.backoff_base, self.backoff_max, self._rng)
            await asyncio.sleep(delay)
        tries = f" (after {attempt + 1} attempts)" if attempt else ""
        return Completion(finish_reason="error", error=self._scrub(error + tries),
                          seconds=time.perf_counter() - t0)


def _server_kind(resp: Response) -> str:
    """``owned_by`` of the first model listed by ``GET /models`` (``vllm``, ``sglang`` ...), or ``""``."""
    try:
        return str(resp.json()["data"][0].get("owned_by", "")).lower()
    except Exception:  # not JSON, no models listed: unknown server
        return ""


def _run_in_thread(coro: Any) -> None:
    """Run a coroutine to completion on a fresh loop in a helper thread, re-raising its exception."""
    box: dict[str, BaseException] = {}

    def target() -> None:
        try:
            asyncio.run(coro)
        except BaseException as e:  # re-raised in the caller's thread
            box["error"] = e

    t = threading.Thread(target=target, name="rapid-eval-openai")
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
