"""The serve launcher depends on no transformers internals: only the public console script and remote code.

``rapid_eval.dev.serve`` runs ``transformers serve --trust-remote-code``; the tiny VLM ships its torchvision-free
processor as remote code (``auto_map``), so the server builds it through the public ``AutoProcessor`` mechanism
in whatever process it loads models. These tests pin each piece of that contract with messages that name the
installed transformers version when a release changes it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

transformers = pytest.importorskip("transformers")

from rapid_eval.dev import serve  # noqa: E402
from rapid_eval.dev.tiny_models import REMOTE_PROCESSOR_FILE  # noqa: E402


def test_transformers_console_script_is_found():
    cli = serve.transformers_cli()
    assert callable(cli), f"transformers {transformers.__version__}: its console script is not callable"


def test_serve_accepts_the_flags_the_launcher_adds():
    out = subprocess.run([sys.executable, "-m", "transformers.cli.transformers", "serve", "--help"],
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0:  # the module path is not public: ask the console script instead
        out = subprocess.run(["transformers", "serve", "--help"], capture_output=True, text=True, timeout=120)
    for flag in serve.SERVE_FLAGS:
        assert flag in out.stdout, f"transformers {transformers.__version__}: `transformers serve` lacks {flag}"


def test_the_tiny_vlm_names_its_processor_as_remote_code(tiny_models):
    vlm = tiny_models["vlm"]
    config = json.loads((vlm / "processor_config.json").read_text())
    module, cls = config["auto_map"]["AutoProcessor"].split(".")
    assert (vlm / f"{module}.py").is_file() and f"{module}.py" == REMOTE_PROCESSOR_FILE
    assert f"class {cls}(" in (vlm / REMOTE_PROCESSOR_FILE).read_text()


def test_a_fresh_process_loads_the_tiny_vlm_processor_through_the_public_auto_class(tiny_models):
    """In a fresh interpreter (as a server's spawned worker is): no rapid_eval import, no hook, only
    ``AutoProcessor.from_pretrained(dir, trust_remote_code=True)``."""
    code = (
        "import sys\n"
        "from transformers import AutoProcessor\n"
        f"p = AutoProcessor.from_pretrained({str(tiny_models['vlm'])!r}, trust_remote_code=True)\n"
        "assert hasattr(p, 'image_processor') and p.tokenizer is not None, p\n"
        "assert not any(m.startswith('rapid_eval') for m in sys.modules)\n"
        "print(type(p).__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": ""}, cwd=tiny_models["vlm"])
    assert out.returncode == 0, f"transformers {transformers.__version__}: {out.stderr[-2000:]}{out.stdout}"
    assert out.stdout.strip() == "Qwen2_5_VLImageOnlyProcessor"


def test_a_pinned_model_that_cannot_load_stops_the_launch(tmp_path):
    """A pinned directory whose processor cannot load fails before serving, with one line, not per request."""
    (tmp_path / "config.json").write_text("{}")
    out = subprocess.run([sys.executable, "-m", "rapid_eval.dev.serve", str(tmp_path), "--port", "1"],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"})
    assert out.returncode == 1
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith(f"rapid_eval.dev.serve: transformers {transformers.__version__} ") \
        and f"processor of {tmp_path}:" in last, out.stderr[-2000:]
