"""Which images a report may copy into its site: a run's ``samples.jsonl`` is a file anyone can edit, so an
image path in it is not trusted. A path is copied only when it is absolute, names a regular file itself (not a
symlink, not a device or ``/proc`` entry), is at most ``MAX_IMAGE_BYTES``, and its bytes decode as an image
(PIL identifies and verifies them); the bytes copied are the bytes checked. Anything else (``/etc/shadow``,
``~/.bashrc``, ``/proc/self/environ``, a symlink to them) is refused with the reason, and the report says so.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
from pathlib import Path

from PIL import Image

MAX_IMAGE_BYTES = 64 << 20
"""Largest image file copied into a report."""
_EXT = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "WEBP": ".webp", "BMP": ".bmp", "TIFF": ".tif",
        "MPO": ".jpg"}


class RefusedImage(ValueError):
    """An image path a report will not copy (the message says why)."""


def read_image(src: str) -> tuple[bytes, str]:
    """``(bytes, extension)`` of the image file ``src``; ``RefusedImage`` unless it is a safe, decodable image."""
    p = Path(src)
    if not p.is_absolute():
        raise RefusedImage("not an absolute path")
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        raise RefusedImage("a symlink" if p.is_symlink() else f"cannot open ({e.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise RefusedImage("not a regular file")
        if st.st_size > MAX_IMAGE_BYTES:
            raise RefusedImage(f"larger than {MAX_IMAGE_BYTES >> 20} MiB")
        data = f.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES or not data:
        raise RefusedImage("empty" if not data else f"larger than {MAX_IMAGE_BYTES >> 20} MiB")
    try:
        with Image.open(io.BytesIO(data)) as im:
            fmt = (im.format or "").upper()
            im.verify()
    except Exception:  # PIL raises many kinds for bytes that are not an image
        raise RefusedImage("not a decodable image") from None
    if fmt not in _EXT:
        raise RefusedImage(f"image format {fmt or 'unknown'} not shown in reports")
    return data, _EXT[fmt]


def copy_image(src: str, img_dir: Path) -> str:
    """Copy the checked bytes of ``src`` into ``img_dir`` by content hash; return the site-relative path."""
    data, ext = read_image(src)
    name = f"{hashlib.sha256(data).hexdigest()[:20]}{ext}"
    target = img_dir / name
    if not target.exists():
        target.write_bytes(data)
    return f"img/{name}"


class ImageCopier:
    """Copies each image path once into ``img_dir`` (:func:`copy_image`), remembering what it refused and why."""

    def __init__(self, img_dir: Path) -> None:
        self.img_dir = img_dir
        self.seen: dict[str, str | None] = {}
        self.refused: dict[str, str] = {}

    def __call__(self, src: str) -> str | None:
        """The copied image's path relative to the site, or None when ``src`` was refused."""
        if src not in self.seen:
            try:
                self.seen[src] = copy_image(src, self.img_dir)
            except RefusedImage as e:
                self.seen[src] = None
                self.refused[src] = str(e)
        return self.seen[src]

    def warn_refused(self, where: str) -> None:
        """One warning naming (up to five of) the refused paths and why, if any were refused."""
        if not self.refused:
            return
        from rapid_eval.log import warn
        from rapid_eval.sanitize import printable

        shown = "; ".join(f"{printable(k, 200)} ({v})" for k, v in list(self.refused.items())[:5])
        warn(f"report: {len(self.refused)} image path(s) in {where} refused, not copied: {shown}"
             + (" ..." if len(self.refused) > 5 else ""))
