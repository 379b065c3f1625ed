"""Test configuration: offline, single-threaded tiny models; shared fixtures (tiny models, a serve, images)."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import pytest  # noqa: E402
from testlib import FIXTURES, REPO, SHARED, shared_path  # noqa: E402,F401

pytest_plugins = ["fixtures_models"]


@pytest.fixture(scope="session")
def images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Image files of different sizes and formats, plus a corrupt and a missing path."""
    from PIL import Image

    d = tmp_path_factory.mktemp("images")
    out = {}
    for name, size, color, fmt in [("red.png", (64, 48), "red", "PNG"), ("blue.jpg", (30, 100), "blue", "JPEG"),
                                   ("green.png", (120, 90), "green", "PNG"), ("gray.webp", (40, 40), "gray", "WEBP")]:
        Image.new("RGB", size, color).save(d / name, format=fmt)
        out[name.split(".")[0]] = str(d / name)
    (d / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a png")
    out["corrupt"] = str(d / "corrupt.png")
    out["missing"] = str(Path(d) / "does-not-exist.png")
    return out
