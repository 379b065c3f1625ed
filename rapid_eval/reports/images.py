"""Which images a report may copy into its site: a run's ``samples.jsonl`` is a file anyone can edit, so an
image path in it is not trusted. A path is copied only when it is absolute, names a regular file itself (not a
symlink, not a device or ``/proc`` entry), is at most ``MAX_IMAGE_BYTES``, and its bytes decode as an image
(PIL identifies and verifies them); the bytes copied are the bytes checked. Anything else (``/etc/shadow``,
``~/.bashrc``, ``/proc/self/environ``, a symlink to them) is refused with the reason, and the report says so.

It must also live under one of the folders images come from (:func:`image_roots`): the run itself, the data
folders its ``perceive`` commands loaded (recorded in ``stats.jsonl``), the folders a report is given
(``--data-dir``), the bundled items, and the image and Hugging Face caches. The filesystem root and the home
folder itself are never roots, whatever a run records.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
from collections.abc import Sequence
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


def image_roots(runs: Sequence[Path] = (), data_dirs: Sequence[str | Path] = ()) -> list[Path]:
    """The folders a report copies images from: each run, the data folders its ``perceive`` lines in
    ``stats.jsonl`` name, ``data_dirs``, the bundled items, and the image and Hugging Face caches (resolved)."""
    from rapid_eval.paths import fixtures_dir
    from rapid_eval.tasks.images import cache_dir

    found: list[str | Path] = [*runs, *data_dirs, fixtures_dir(), cache_dir(), *_hf_caches()]
    for run in runs:
        found += _recorded_data_dirs(Path(run) / "stats.jsonl")
    roots: list[Path] = []
    for r in found:
        real = Path(os.path.realpath(Path(r).expanduser()))
        if real != Path(real.anchor) and real != Path(os.path.realpath(Path.home())) and real not in roots:
            roots.append(real)
    return roots


def _hf_caches() -> list[str]:
    home = Path(os.environ.get("HF_HOME") or Path.home() / ".cache" / "huggingface")
    return [os.environ.get("HF_HUB_CACHE") or str(home / "hub"),
            os.environ.get("HF_DATASETS_CACHE") or str(home / "datasets")]


def _recorded_data_dirs(stats: Path) -> list[str]:
    """The ``data_dir`` of every ``perceive`` line of a run's ``stats.jsonl`` (bad lines skipped)."""
    import json

    out: list[str] = []
    try:
        with open(stats, "rb") as f:
            for line in f:
                try:
                    rec = json.loads(line)
                except (ValueError, RecursionError):
                    continue
                if isinstance(rec, dict) and isinstance(rec.get("data_dir"), str):
                    out.append(rec["data_dir"])
    except OSError:
        pass
    return out


def check_root(src: str, roots: Sequence[Path]) -> None:
    """``RefusedImage`` unless ``src`` resolves to a path under one of ``roots``."""
    real = Path(os.path.realpath(src))
    if not any(real.is_relative_to(r) for r in roots):
        raise RefusedImage("outside the run's data folders (give the folder with --data-dir)")


def copy_image(src: str, img_dir: Path, roots: Sequence[Path] | None = None) -> str:
    """Copy the checked bytes of ``src`` into ``img_dir`` by content hash; return the site-relative path.
    With ``roots``, only an image under one of them (:func:`image_roots`)."""
    if roots is not None:
        check_root(src, roots)
    data, ext = read_image(src)
    name = f"{hashlib.sha256(data).hexdigest()[:20]}{ext}"
    target = img_dir / name
    if not target.exists():
        target.write_bytes(data)
    return f"img/{name}"


class ImageCopier:
    """Copies each image path once into ``img_dir`` (:func:`copy_image`), remembering what it refused and why."""

    def __init__(self, img_dir: Path, roots: Sequence[Path] | None = None) -> None:
        """Copy into ``img_dir`` (which must exist); ``roots`` as :func:`copy_image` takes it. Copies nothing yet."""
        self.img_dir = img_dir
        self.roots = roots
        self.seen: dict[str, str | None] = {}
        self.refused: dict[str, str] = {}

    def __call__(self, src: str) -> str | None:
        """The copied image's path relative to the site, or None when ``src`` was refused."""
        if src not in self.seen:
            try:
                self.seen[src] = copy_image(src, self.img_dir, self.roots)
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
