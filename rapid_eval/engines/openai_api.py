"""OpenAI-compatible HTTP backend (vLLM serve, SGLang, ``transformers serve``, hosted APIs).

Options (``load_engine("openai", served_model_name, **options)``):

- ``base_url``: default ``$OPENAI_BASE_URL`` or ``https://api.openai.com/v1``.
- ``api_key_env`` (default ``OPENAI_API_KEY``): the environment variable holding the key; ``"EMPTY"`` when unset
  (local servers). The key is read from the environment only and is never logged, stored or put in errors.
- ``concurrency`` (default 64): requests in flight, each worker on its own kept-alive connection.
- ``timeout`` (default 600 s: the read timeout of one attempt, generation included), ``connect_timeout``
  (default 10 s: opening a connection), ``max_retries`` (default 6), ``backoff_base`` (1 s), ``backoff_max``
  (60 s): retries with exponential backoff and jitter on 429/5xx/timeouts/connection errors/malformed JSON,
  waiting what ``Retry-After`` asks for when the server sends it. Retries are counted by cause
  (``counters()``), and ``stats.jsonl`` records them.
- ``breaker_threshold`` (default 16; 0 disables) and ``breaker_window`` (default 20 s): after that many consecutive
  attempts failing the same way (same status and body, or same transport error), over at least that long, with no
  success in between, the circuit opens: nothing more is sent and ``generate`` raises ``ServerUnavailable`` with one
  line quoting the server's error (see ``_health``). Completions already returned stay saved; rerunning resumes.
- ``stall_timeout`` (default 120 s; 0 disables) and ``probe_timeout`` (default 30 s): when requests are in
  flight and nothing at all has answered for ``stall_timeout``, a 1-token probe is sent; if neither it nor any
  other request answers within ``probe_timeout``, the endpoint is taken as hung and ``generate`` raises
  ``ServerUnavailable`` (a hung chat endpoint is detected in ``stall_timeout + probe_timeout`` instead of
  ``timeout x (max_retries + 1)`` per wave). A server that queues requests one at a time behind generations
  longer than that should raise ``stall_timeout``.
- ``max_response_bytes`` (default 8 MiB): a reply body larger than this fails its request at once (read in
  pieces and dropped as soon as it passes the limit, so an endless or huge body cannot exhaust memory).
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
from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from rapid_eval.engines._health import CircuitOpen, Health, cause_of
from rapid_eval.engines._http import (
    DEFAULT_MAX_RESPONSE_BYTES,
    FastHTTP,
    PooledHTTP,
    Response,
    ResponseTooLarge,
    Slot,
    wants_fast_path,
)
from rapid_eval.engines._openai_wire import (
    RETRY_STATUS,
    backoff_seconds,
    build_body,
    parse_response,
    retry_after_seconds,
)
from rapid_eval.engines._options import warn_unknown
from rapid_eval.engines.base import Engine, OnComplete
from rapid_eval.engines.feed import RequestFeed
from rapid_eval.model_files import model_identity
from rapid_eval.sanitize import printable
from rapid_eval.types import ChatRequest, Completion, Message, SamplingParams

DEFAULT_BASE_URL = "https://api.openai.com/v1"
LOOPBACK = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}
PINNABLE_SERVERS = {"vllm", "sglang"}


class ServerUnavailable(RuntimeError):
    """The server cannot be reached, rejects the credentials, keeps failing or hangs: nothing can succeed."""


PROBE = ChatRequest((Message("user", "ping"),), SamplingParams(temperature=0.0, max_new_tokens=1))


class OpenAIEngine(Engine):
    """Chat completions over HTTP with bounded concurrency and retries."""

    backend = "openai"

    def __init__(self, model: str, base_url: str | None = None, api_key_env: str = "OPENAI_API_KEY",
                 concurrency: int = 64, timeout: float = 600.0, max_retries: int = 6, backoff_base: float = 1.0,
                 backoff_max: float = 60.0, extra_body: dict[str, Any] | None = None,
                 max_tokens_field: str = "max_tokens", check_server: bool = True,
                 pin_sampling: bool | None = None, http_client: str = "auto", connect_timeout: float = 10.0,
                 breaker_threshold: int = 16, breaker_window: float = 20.0, stall_timeout: float = 120.0,
                 probe_timeout: float = 30.0, max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
                 **options: Any):
        """Check the options; nothing is sent before the first batch (which asks ``/models`` first: ``check_server``).

        The key is not kept on the engine: it is read from the ``api_key_env`` variable when an HTTP client is made.
        Raises ValueError for ``concurrency`` < 1, ``max_response_bytes`` < 1024 or an unknown ``http_client``;
        unknown options only warn.
        """
        self.base_url = (base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        super().__init__(model, base_url=self.base_url, api_key_env=api_key_env, concurrency=concurrency,
                         **options)
        warn_unknown(self.backend, options)
        if int(concurrency) < 1:
            raise ValueError(f"openai: concurrency must be >= 1, got {concurrency}")
        self.api_key_env = api_key_env
        self.concurrency = int(concurrency)
        self.timeout = float(timeout)
        self.connect_timeout = min(float(connect_timeout), self.timeout)
        self.breaker_threshold = int(breaker_threshold)
        self.breaker_window = float(breaker_window)
        self.stall_timeout, self.probe_timeout = float(stall_timeout), float(probe_timeout)
        self.max_response_bytes = int(max_response_bytes)
        if self.max_response_bytes < 1024:
            raise ValueError(f"openai: max_response_bytes must be >= 1024, got {max_response_bytes}")
        self._totals: dict[str, Any] = {}
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
        dropped); when the served name is a local model directory, also its path and file fingerprint; the
        ``extra_body`` fields when there are any."""
        host = urlsplit(self.base_url).hostname or self.base_url
        ident = {**super().identity(), "server": "localhost" if host in LOOPBACK else host}
        ident.update(model_identity(self.model) if os.path.isdir(self.model) else {})
        if self.extra_body:  # server-side fields change the output (GPT-OSS reasoning_effort): part of the key
            ident["extra_body"] = self.extra_body
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
        connect = self.connect_timeout
        fast = self.http_client == "fast" or (self.http_client == "auto" and wants_fast_path(self.base_url))
        if fast:
            return FastHTTP(self.base_url, self._headers(), self.timeout, connect, self.max_response_bytes)
        return PooledHTTP(self.base_url, self._headers(), self.timeout, connect, self.concurrency,
                          self.max_response_bytes)

    def counters(self) -> dict[str, Any]:
        """Attempts, retries (in all and by cause) and watchdog probes over this engine's life."""
        return dict(self._totals)

    def _add_counters(self, health: Health) -> None:
        new = health.counters()
        old = self._totals
        by_cause = dict(old.get("retries_by_cause", {}))
        for cause, n in new["retries_by_cause"].items():
            by_cause[cause] = by_cause.get(cause, 0) + n
        self._totals = {k: old.get(k, 0) + new[k] for k in ("attempts", "retries", "probes")}
        self._totals["retries_by_cause"] = dict(sorted(by_cause.items()))

    def _generate_stream(self, feed: RequestFeed, on_complete: OnComplete) -> None:
        self._generate(feed, on_complete)  # type: ignore[arg-type]  # the workers take from the feed as it fills

    async def _run_all(self, requests: list[ChatRequest] | RequestFeed, on_complete: OnComplete) -> None:
        http = self._transport()
        health = Health(self.breaker_threshold, self.breaker_window)
        try:
            if self._check:
                await self._check_server(http)
                self._check = False
            feed = requests if isinstance(requests, RequestFeed) else None
            pending = iter(enumerate(requests if isinstance(requests, list) else []))

            async def worker() -> None:
                slot = Slot()
                try:
                    while (item := next(pending, None) if feed is None else await feed.aget()) is not None:
                        try:
                            c = await self._one(http, slot, item[1], health)
                        except CircuitOpen:
                            raise
                        except Exception as e:  # whatever a server sent: this request fails, the others go on
                            slot.close()
                            c = Completion(finish_reason="error",
                                           error=self._scrub(f"unexpected reply: {printable(repr(e), 300)}"))
                        on_complete(item[0], c)
                finally:
                    slot.close()

            n = self.concurrency if feed is not None else min(self.concurrency, len(requests))
            workers = [asyncio.ensure_future(worker()) for _ in range(n)]
            watchdog = asyncio.ensure_future(self._watch(http, health, workers))
            try:
                await _first_failure(workers)
            except CircuitOpen as e:
                reason = health.opened or str(e)
                raise ServerUnavailable(f"openai: {self.base_url}: {self._scrub(reason)}") from None
            finally:
                watchdog.cancel()
                for w in workers:
                    w.cancel()
                await asyncio.gather(watchdog, *workers, return_exceptions=True)
        finally:
            self._add_counters(health)
            await http.aclose()

    async def _watch(self, http: FastHTTP | PooledHTTP, health: Health, workers: Sequence[asyncio.Future]) -> None:
        """Stall watchdog: probe when nothing has answered for ``stall_timeout``; open the circuit if the
        probe and every request in flight stay silent for ``probe_timeout`` more."""
        if self.stall_timeout <= 0:
            return
        while not all(w.done() for w in workers):
            idle = time.monotonic() - health.last_event
            if idle < self.stall_timeout:
                await asyncio.sleep(self.stall_timeout - idle + 0.01)
                continue
            health.probes += 1
            sent = time.monotonic()
            slot = Slot()
            try:
                payload = json.dumps(build_body(self.model, PROBE, self.extra_body, self.max_tokens_field,
                                                bool(self.pin_sampling))).encode()
                await http.request(slot, "POST", "/chat/completions", payload, timeout=self.probe_timeout)
                health.last_event = time.monotonic()  # any HTTP answer: the server is alive
            except (TimeoutError, ConnectionError) as e:
                if health.last_event < sent:  # nothing else answered meanwhile either
                    health.opened = (f"no answer for {time.monotonic() - sent + idle:.0f}s, and a 1-token probe "
                                     f"got none within {self.probe_timeout:g}s ({e}); the endpoint looks hung "
                                     f"(raise stall_timeout for servers that queue long generations)")
                    for w in workers:
                        w.cancel()
                    return
            finally:
                slot.close()

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

    async def _one(self, http: FastHTTP | PooledHTTP, slot: Slot, request: ChatRequest,
                   health: Health) -> Completion:
        t0 = time.perf_counter()
        try:
            args = (self.model, request, self.extra_body, self.max_tokens_field, bool(self.pin_sampling))
            body = await asyncio.to_thread(build_body, *args) if request.images else build_body(*args)
        except Exception as e:  # bad image, unserialisable option: only this request fails
            return Completion(finish_reason="error", error=f"cannot build request: {e}")
        payload = json.dumps(body).encode()
        error = "no attempt made"
        for attempt in range(self.max_retries + 1):
            health.check()
            health.attempt(first=attempt == 0, cause=cause_of(error))
            delay: float | None = None
            resent = slot.resent
            try:
                try:
                    resp = await http.request(slot, "POST", "/chat/completions", payload)
                finally:
                    health.resent(slot.resent - resent)
            except TimeoutError:
                error = f"timed out after {self.timeout:g}s"
            except ResponseTooLarge as e:  # the same request would get the same answer: not retried
                error = f"{e} (raise it with --engine-arg max_response_bytes=N)"
                health.success()
                break
            except ConnectionError as e:
                error = f"connection error: {e}"
            else:
                if resp.status == 200:
                    try:
                        c = replace(parse_response(json.loads(resp.content)), seconds=time.perf_counter() - t0)
                        health.success()
                        return c
                    except (ValueError, RecursionError) as e:  # truncated/invalid JSON, wrong shape, too deep
                        error = f"malformed response: {printable(str(e), 300)}"
                else:
                    error = f"HTTP {resp.status}: {printable(resp.text, 500)}"
                    if resp.status not in RETRY_STATUS:
                        health.success()  # the server answered: this request is wrong, not the server
                        break
                    delay = retry_after_seconds(resp.headers)
                    if delay is not None:  # honour it, plus a little jitter so clients do not return in step
                        delay += self._rng.uniform(0.0, min(1.0, 0.1 * delay))
            health.failure(error[:220], error)
            if attempt == self.max_retries:
                break
            if delay is None:
                delay = backoff_seconds(attempt, self.backoff_base, self.backoff_max, self._rng)
            await asyncio.sleep(delay)
        tries = f" (after {attempt + 1} attempts)" if attempt else ""
        return Completion(finish_reason="error", error=self._scrub(error + tries),
                          seconds=time.perf_counter() - t0)


async def _first_failure(workers: Sequence[asyncio.Future]) -> None:
    """Wait for every worker; re-raise the first exception at once (the caller cancels the others)."""
    done, _ = await asyncio.wait(workers, return_when=asyncio.FIRST_EXCEPTION)
    for w in done:
        if not w.cancelled() and w.exception() is not None:
            raise w.exception()  # type: ignore[misc]
    cancelled = [w for w in workers if w.cancelled()]
    if cancelled:  # the watchdog cancelled them: the endpoint is hung
        raise CircuitOpen("workers cancelled")


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
