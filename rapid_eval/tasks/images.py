"""Turn whatever a dataset row holds for an image into an absolute file path.

A row may hold a path (relative to the benchmark folder), Hugging Face's ``{"bytes", "path"}`` struct, raw
bytes, or a PIL image. Paths are checked (exists, PIL can read it); in-memory images are written once to a
content-addressed cache, ``$RAPID_EVAL_CACHE/images/<sha256>.<ext>`` (:func:`rapid_eval.paths.cache_dir`,
default ``~/.cache/rapid-eval``), so that
``Sample.images`` are always file paths and identical images share one file. Encoded bytes are stored as they
are (extension from their format); PIL images are encoded as PNG.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from rapid_eval import paths

_EXT = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp", "BMP": "bmp", "TIFF": "tif", "MPO": "jpg"}


class ImageError(ValueError):
    """An image that is missing or cannot be read; the row it belongs to is skipped."""


def cache_dir() -> Path:
    """Folder of the content-addressed image cache."""
    return paths.cache_dir().expanduser() / "images"


def _check_readable(data: bytes | Path) -> str:
    """Open and verify the image; return PIL's format name. Raises ImageError."""
    try:
        with Image.open(io.BytesIO(data) if isinstance(data, bytes) else data) as im:
            fmt = im.format or "PNG"
            im.verify()
        return fmt
    except Image.DecompressionBombError as e:  # a decompression bomb, or just far too large to send
        raise ImageError(f"image too large ({e})") from e
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise ImageError(f"unreadable image ({type(e).__name__}: {e})") from e


def _store(data: bytes, ext: str) -> str:
    """Write ``data`` to the cache under its sha256 unless it is already there; return the path."""
    digest = hashlib.sha256(data).hexdigest()
    target = cache_dir() / f"{digest}.{ext}"
    if target.exists() and target.stat().st_size == len(data):
        return str(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return str(target)


def _from_bytes(data: bytes) -> str:
    fmt = _check_readable(data)
    return _store(data, _EXT.get(fmt.upper(), "img"))


def _from_pil(img: Image.Image) -> str:
    buf = io.BytesIO()
    try:
        img.save(buf, format="PNG")
    except (OSError, ValueError) as e:
        raise ImageError(f"cannot encode image as PNG ({e})") from e
    return _store(buf.getvalue(), "png")


def _from_path(ref: str, base_dir: Path | None) -> str:
    p = Path(ref).expanduser()
    if base_dir is not None:
        p = _confined(p if p.is_absolute() else base_dir / p, base_dir, ref)
    elif not p.is_absolute():
        raise ImageError(f"image path '{ref}' is relative and the source has no folder to resolve it in")
    if not p.is_file():
        raise ImageError(f"image file not found: {p}")
    _check_readable(p)
    return str(p.resolve())


def _confined(p: Path, base_dir: Path, ref: str) -> Path:
    """``p`` if it lies in the data folder ``base_dir``, by name and after following symlinks; else
    ``ImageError``. A symlink into a Hugging Face cache's ``blobs`` folder (``snapshots/<rev>/...`` links) is
    allowed: that is how the Hub lays a dataset out."""
    base = Path(os.path.normpath(base_dir.absolute()))
    lexical = Path(os.path.normpath(p.absolute()))
    if not lexical.is_relative_to(base):
        raise ImageError(f"image path '{ref}' points outside the data folder {base_dir}")
    real, real_base = p.resolve(), base_dir.resolve()
    roots = [real_base]
    if "snapshots" in real_base.parts:
        i = len(real_base.parts) - 1 - real_base.parts[::-1].index("snapshots")
        roots.append(Path(*real_base.parts[:i]) / "blobs")
    if not any(real.is_relative_to(r) for r in roots):
        raise ImageError(f"image path '{ref}' is a symlink to {real}, outside the data folder {base_dir}")
    return lexical


def materialize(ref: Any, base_dir: Path | None) -> str:
    """Absolute path of the image ``ref`` (path, HF struct, bytes or PIL image). Raises ImageError."""
    if isinstance(ref, Image.Image):
        return _from_pil(ref)
    if isinstance(ref, bytes | bytearray | memoryview):
        return _from_bytes(bytes(ref))
    if isinstance(ref, dict):
        if ref.get("bytes"):
            return _from_bytes(bytes(ref["bytes"]))
        if ref.get("path"):
            return _from_path(str(ref["path"]), base_dir)
        raise ImageError("image struct has neither bytes nor path")
    if isinstance(ref, str | os.PathLike) and str(ref):
        return _from_path(str(ref), base_dir)
    raise ImageError(f"no image data (got {type(ref).__name__})")
