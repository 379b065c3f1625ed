"""Run ``transformers serve`` (an OpenAI-compatible server) for local model directories, VLMs included.

``python -m rapid_eval.dev.serve [MODEL_DIR] --host 127.0.0.1 --port 8123 [--device cpu]`` takes the same
arguments as ``transformers serve``; without MODEL_DIR the server loads any local directory named in a
request's ``model`` field on demand. With MODEL_DIR the server is pinned and requests must name the model
exactly as given on the command line.

The launcher hooks nothing inside transformers: it runs the public ``transformers`` console script as
``transformers serve --trust-remote-code ...``. Qwen2.5-VL processors need torchvision for their video slot;
the tiny VLM of :mod:`rapid_eval.dev.tiny_models` ships its torchvision-free processor as remote code
(``auto_map`` in ``processor_config.json``), which the server builds through the public ``AutoProcessor``
mechanism in whichever process it loads models (transformers 5.25 loads them in a spawned worker, where a hook
of the launcher's process would not reach). Remote code is trusted for the local directories this development
server is given; do not point it at directories you do not trust.

A pinned MODEL_DIR's processor is loaded once before serving (as the server will load it), so a directory that
cannot load stops the launch with one line naming the transformers version, instead of failing every request.
Without torchvision, a VLM directory that ships no such processor cannot be served: the pinned check says so at
start; an unpinned server answers its requests with HTTP 500 (torchvision, or a directory built by
``rapid-eval dev tiny-models``, is then needed).

``serve_local(...)`` starts the launcher as a subprocess for tests and demos and yields its base URL.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

SERVE_FLAGS = ("--trust-remote-code",)
"""Flags the launcher adds to ``transformers serve`` (see the module docstring)."""


class ServeLaunchError(RuntimeError):
    """The server cannot start: its message is the one line the launcher exits with."""


def preflight(model_dir: str) -> None:
    """Load a pinned local model's processor once, as the server will, so a failure stops the launch."""
    import transformers
    from transformers import AutoProcessor

    if not Path(model_dir).is_dir():
        return  # a hub id: transformers serve resolves it itself
    try:
        AutoProcessor.from_pretrained(model_dir, trust_remote_code=True)
    except Exception as exc:  # noqa: BLE001 - any failure here would repeat on every request
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ServeLaunchError(f"transformers {transformers.__version__} cannot load the processor of "
                               f"{model_dir}: {type(exc).__name__}: {first}") from exc


def _model_dir(args: Sequence[str]) -> str | None:
    """The positional MODEL_DIR argument, if any (the first argument that is not an option)."""
    return args[0] if args and not args[0].startswith("-") else None


def transformers_cli() -> Any:
    """The ``transformers`` console script's callable, found through its public entry point."""
    from importlib.metadata import entry_points

    scripts = [ep for ep in entry_points(group="console_scripts") if ep.name == "transformers"]
    if not scripts:
        import transformers

        raise ServeLaunchError(f"transformers {transformers.__version__} installs no `transformers` command")
    return scripts[0].load()


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: check a pinned model, then run ``transformers serve --trust-remote-code ARGS``."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        model_dir = _model_dir(args)
        if model_dir:
            preflight(model_dir)
        cli = transformers_cli()
    except ServeLaunchError as exc:
        sys.exit(f"rapid_eval.dev.serve: {exc}")
    flags = [f for f in SERVE_FLAGS if f not in args]
    sys.argv = ["transformers", "serve", *flags, *args]
    cli()


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free right now on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _log_tail(path: Path, n: int = 4000) -> str:
    try:
        return path.read_text(errors="replace")[-n:]
    except OSError:
        return "(no log)"


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    """Poll ``url`` until it answers 200; raise with the server log if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode} before becoming healthy; "
                               f"log:\n{_log_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server not healthy at {url} after {timeout:g}s; log:\n{_log_tail(log)}")


@contextlib.contextmanager
def launched(cmd: Sequence[str], health_url: str, env: dict[str, str], timeout: float, log: Path,
             stop_timeout: float = 15.0) -> Iterator[subprocess.Popen]:
    """Run ``cmd`` with its output in ``log``, wait until ``health_url`` answers 200 (else raise with the log's
    tail), yield the process, and terminate it on exit (killed after ``stop_timeout`` seconds)."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=subprocess.STDOUT, env=env, stdin=subprocess.DEVNULL)
    try:
        wait_healthy(health_url, proc, log, timeout)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=stop_timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def serve_local(model_dir: str | Path | None = None, port: int | None = None, host: str = "127.0.0.1",
                device: str = "cpu", timeout: float = 180.0, extra_args: Sequence[str] = (),
                env: dict[str, str] | None = None) -> Iterator[str]:
    """Start the launcher in a subprocess and yield its base URL (``http://host:port/v1``).

    The child runs with ``HF_HOME`` in a fresh temporary directory (with ``hub/``), ``HF_HUB_OFFLINE=1`` and
    ``OMP_NUM_THREADS=1``; its output goes to ``serve.log`` there, which is included in the error when it
    does not become healthy within ``timeout`` seconds. The server is terminated on exit. With ``model_dir``
    the server is pinned to ``str(model_dir)``, which requests must then name exactly; without it, requests
    name any local model directory.
    """
    port = port or free_port(host)
    with tempfile.TemporaryDirectory(prefix="rapid-serve-") as tmp:
        home = Path(tmp) / "hf_home"
        (home / "hub").mkdir(parents=True)
        child_env = {**os.environ, "HF_HOME": str(home), "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1",
                     "TOKENIZERS_PARALLELISM": "false", "PYTHONUNBUFFERED": "1", **(env or {})}
        cmd = [sys.executable, "-m", "rapid_eval.dev.serve"]
        cmd += [str(model_dir)] if model_dir is not None else []
        cmd += ["--host", host, "--port", str(port), "--device", device, *extra_args]
        with launched(cmd, f"http://{host}:{port}/health", child_env, timeout, Path(tmp) / "serve.log"):
            yield f"http://{host}:{port}/v1"


if __name__ == "__main__":
    main()
