"""Image files for engines: base64 data URLs with the right mime type, and PIL images in RGB.

Both raise ``ImageError`` (naming the path) for a missing or unreadable file, so an engine can fail just the
request that references it. Nothing here imports torch.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any


class ImageError(ValueError):
    """An image file that is missing or cannot be decoded."""


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)


def sniff_mime(data: bytes) -> str | None:
    """The mime type from a file's first bytes (PNG, JPEG, GIF, WebP, BMP), or None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    return None


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise ImageError(f"cannot read image {path}: {e.strerror or e}") from e


def image_data_url(path: str) -> str:
    """``data:<mime>;base64,...`` for an image file; formats servers rarely accept are re-encoded as PNG."""
    data = _read(path)
    mime = sniff_mime(data)
    if mime is None or mime == "image/bmp":
        img = load_pil(path, data)
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        data, mime = buf.getvalue(), "image/png"
    else:
        _verify(path, data)
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _verify(path: str, data: bytes) -> None:
    """Check that the bytes decode as an image (cheap header check + PIL verify), so bad files fail here."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
    except Exception as e:  # PIL raises many types for corrupt data
        raise ImageError(f"cannot decode image {path}: {e}") from e


def load_pil(path: str, data: bytes | None = None) -> Any:
    """The image as an RGB ``PIL.Image`` (fully decoded, file closed)."""
    from PIL import Image

    data = _read(path) if data is None else data
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            return img.convert("RGB")
    except Exception as e:  # PIL raises many types for corrupt data
        raise ImageError(f"cannot decode image {path}: {e}") from e
