"""The serve launcher's one dependency on transformers internals names itself when it breaks.

``rapid_eval.dev.serve`` hooks the public ``AutoProcessor.from_pretrained`` and relies on a single
implementation detail of ``transformers serve``: that it loads processors through that call. These tests fail
with a message naming the installed transformers version when a release changes that, instead of the break
surfacing as HTTP 500s on every VLM request three layers away.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys

import pytest

transformers = pytest.importorskip("transformers")

from rapid_eval.dev import serve  # noqa: E402


def test_installed_transformers_keeps_the_seam():
    try:
        serve.check_serving_seam()
    except serve.ServeSeamChanged as exc:  # pragma: no cover - only on a breaking release
        pytest.fail(f"transformers {transformers.__version__} changed what rapid_eval.dev.serve relies on: {exc}")


def test_transformers_console_script_is_found():
    cli = serve._transformers_cli()
    assert callable(cli), f"transformers {transformers.__version__}: its console script is not callable"


def test_a_changed_seam_is_refused_with_one_line_naming_the_version(monkeypatch):
    monkeypatch.setattr(serve, "_torchvision_available", lambda: False)
    monkeypatch.setattr(inspect, "getsource", lambda module: "def _load_processor(self): return load_it()\n")
    with pytest.raises(SystemExit) as stop:
        serve.main(["/nonexistent-model", "--port", "1"])
    message = str(stop.value.code)
    assert message.startswith("rapid_eval.dev.serve: transformers ") and transformers.__version__ in message
    assert "\n" not in message and "AutoProcessor.from_pretrained" in message


def test_fallback_loads_the_tiny_vlm_processor_through_the_public_call(tiny_models):
    """In a fresh interpreter: plain ``AutoProcessor`` fails without torchvision, the hooked one loads."""
    code = (
        "import sys\n"
        "from transformers import AutoProcessor\n"
        "from transformers.utils import is_torchvision_available\n"
        "from rapid_eval.dev.serve import install_processor_fallback\n"
        f"path = {str(tiny_models['vlm'])!r}\n"
        "if not is_torchvision_available():\n"
        "    try:\n"
        "        AutoProcessor.from_pretrained(path)\n"
        "        sys.exit('plain AutoProcessor loaded without torchvision: the fallback is no longer needed')\n"
        "    except ImportError:\n"
        "        pass\n"
        "install_processor_fallback(); install_processor_fallback()\n"
        "p = AutoProcessor.from_pretrained(path)\n"
        "assert hasattr(p, 'image_processor') and p.tokenizer is not None, p\n"
        "print(type(p).__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, f"transformers {transformers.__version__}: {out.stderr[-2000:]}{out.stdout}"
    assert "Processor" in out.stdout


def test_a_pinned_model_that_cannot_load_stops_the_launch(tmp_path):
    """A pinned directory whose processor cannot load fails before serving, not per request."""
    (tmp_path / "config.json").write_text("{}")
    out = subprocess.run([sys.executable, "-m", "rapid_eval.dev.serve", str(tmp_path), "--port", "1"],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"})
    assert out.returncode == 1
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("rapid_eval.dev.serve: transformers ") and f"processor of {tmp_path}:" in last, \
        out.stderr[-2000:]
