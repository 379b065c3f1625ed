"""Run ``transformers serve`` (an OpenAI-compatible server) for local model directories, VLMs included.

``python -m rapid_eval.dev.serve [MODEL_DIR] --host 127.0.0.1 --port 8123 [--device cpu]`` takes the same
arguments as ``transformers serve``; without MODEL_DIR the server loads any local directory named in a
request's ``model`` field on demand. With MODEL_DIR the server is pinned and requests must name the model
exactly as given on the command line.

Plain ``transformers serve`` cannot load Qwen2.5-VL processors without torchvision (the video processor needs
it). The launcher wraps the server's processor loading so that this case falls back to the image-only
processor. That wraps a private API of transformers 5.x (``ModelManager._load_processor``).

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


def patch_processor_loading() -> None:
    """Make the server fall back to the torchvision-free VL processor when ``AutoProcessor`` cannot load."""
    from transformers.cli.serving.model_manager import ModelManager

    from rapid_eval.engines._hf_processor import load_vl_processor

    original = ModelManager._load_processor
    if getattr(original, "_rapid_eval_patched", False):
        return

    def _load_processor(self, model_id_and_revision, gguf_file=None):
        try:
            return original(self, model_id_and_revision, gguf_file=gguf_file)
        except ImportError:
            model_id, revision = model_id_and_revision.split("@", 1)
            return load_vl_processor(model_id, revision=revision, trust_remote_code=self.trust_remote_code)

    _load_processor._rapid_eval_patched = True  # type: ignore[attr-defined]
    ModelManager._load_processor = _load_processor


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: patch processor loading, then hand the arguments to ``transformers serve``."""
    args = list(sys.argv[1:] if argv is None else argv)
    patch_processor_loading()
    from transformers.cli.transformers import app

    app(["serve", *args], prog_name="transformers")


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
        log = Path(tmp) / "serve.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=child_env,
                                    stdin=subprocess.DEVNULL)
        try:
            wait_healthy(f"http://{host}:{port}/health", proc, log, timeout)
            yield f"http://{host}:{port}/v1"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


if __name__ == "__main__":
    main()
