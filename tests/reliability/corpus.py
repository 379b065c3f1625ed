"""A corpus of bad inputs built from a real bundled benchmark (WeMath): one good copy of every row, plus rows
that are each broken in one way. ``build(data_dir)`` writes ``data_dir/wemath/samples.jsonl`` and its images and
returns ``{kind: line number}`` of the broken rows."""

from __future__ import annotations

import json
import shutil
import struct
import zlib
from pathlib import Path

from testlib import FIXTURES


def huge_png(path: Path, width: int = 20000, height: int = 10000) -> None:
    """A valid 1-bit grayscale PNG of ``width x height`` (200 megapixels by default) in a few tens of KB."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    comp = zlib.compressobj(9)
    body = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
                     + chunk(b"IDAT", body) + chunk(b"IEND", b""))


def build(data_dir: Path) -> dict[str, int]:
    """Write the corpus; return the 1-based line of each broken row by kind."""
    bench = data_dir / "wemath"
    shutil.copytree(FIXTURES / "wemath", bench)
    good = [json.loads(x) for x in (bench / "samples.jsonl").read_text().splitlines() if x.strip()]
    (bench / "images" / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\nthis is not an image")
    (bench / "images" / "empty.png").write_bytes(b"")
    huge_png(bench / "images" / "huge.png")

    def variant(i: int, **changes: object) -> str:
        row = {**good[0], "ID": f"bad_{i}", **changes}
        return json.dumps({k: v for k, v in row.items() if v is not None})

    broken: list[tuple[str, bytes]] = [
        ("non_utf8", b'{"ID": "bad_u", "question": "caf\xe9"}'),
        ("malformed", b'{"ID": "bad_m", "question": '),
        ("not_object", b'["a", "list"]'),
        ("missing_answer", variant(1, answer=None).encode()),
        ("list_answer", variant(2, answer=["D"]).encode()),
        ("missing_image", variant(3, _image_file="images/nope.png", image_path="nope.png").encode()),
        ("corrupt_image", variant(4, _image_file="images/corrupt.png").encode()),
        ("empty_image", variant(5, _image_file="images/empty.png").encode()),
        ("huge_image", variant(6, _image_file="images/huge.png").encode()),
    ]
    lines = [json.dumps(r).encode() for r in good]
    where: dict[str, int] = {}
    for kind, raw in broken:
        lines.append(raw)
        where[kind] = len(lines)
    (bench / "samples.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    return where
