"""Where a task's rows come from: a local JSONL, a ``save_to_disk`` folder, parquet files, or the hub.

With ``data_dir=ROOT`` the benchmark folder is ``ROOT/<task>/`` and is read as, in this order:

1. ``samples.jsonl`` (the format of ``shared/benchmarks/dev``: one JSON object per line, image paths relative
   to the folder);
2. Hugging Face ``save_to_disk`` output: ``<folder>/<split>/`` (a saved DatasetDict) or, for a task that reads
   a single split, ``<folder>/`` itself (a saved Dataset);
3. parquet files anywhere below the folder, chosen per split by file or folder name
   (``testmini-00000-of-00001.parquet``, ``validation/…``); a single-split task takes all of them.

Tasks with several hub configs (MMMU's 30 subjects, MathVerse) look in ``<folder>/<config>/`` for 2 and 3,
or, when the folder has no such subfolders, read it as one combined copy per split.
Without a data_dir, rows come from ``datasets.load_dataset(id, config, split=...)``; a hub that cannot be
reached ends in one :class:`TaskError` line that names ``--data-dir``. ``datasets`` and ``pyarrow`` are
imported only here, and only when such a source is used.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapid_eval.tasks.spec import Part, TaskError, TaskSpec

JSONL_PART = Part(None, "jsonl")
_BATCH = 64


@dataclass(frozen=True)
class RawRow:
    """One row as the source holds it, with where it came from (for error messages)."""

    data: dict[str, Any] | None
    origin: str
    part: Part
    index: int
    """0-based position of the row within its part (every line of a JSONL counts, broken ones too)."""
    error: str | None = None
    """Set (and ``data`` None) when the row itself is unreadable, e.g. a broken JSON line."""


class Source:
    """Rows of one task; ``rows()`` may be iterated more than once."""

    kind = "source"
    base_dir: Path | None = None

    def __init__(self, description: str):
        """``description`` names where the rows come from (``jsonl:<path>``, ``hub:<id>`` ...) in load results."""
        self.description = description

    def rows(self) -> Iterator[RawRow]:
        """Every row in source order, unreadable ones as a RawRow with ``error`` set; subclasses implement it."""
        raise NotImplementedError

    def count(self) -> int:
        """Number of rows, without converting them."""
        return sum(1 for _ in self.rows())


class JsonlSource(Source):
    """``<folder>/samples.jsonl``; image paths in rows are relative to ``<folder>``."""

    kind = "jsonl"

    def __init__(self, path: Path):
        """Opens nothing: the file is read anew by each ``rows()``."""
        super().__init__(f"jsonl:{path}")
        self.path = path
        self.base_dir = path.parent

    def rows(self) -> Iterator[RawRow]:
        """Read the file line by line; a line that is not UTF-8, not JSON or not an object comes with ``error`` set.

        Blank lines are skipped and not counted in ``RawRow.index``; broken lines are counted.
        """
        index = 0
        with open(self.path, "rb") as f:  # bytes: one non-UTF-8 line is that line's error, not the file's
            for lineno, raw in enumerate(f, start=1):
                if not raw.strip():
                    continue
                origin = f"{self.path}:{lineno}"
                try:
                    data = json.loads(raw.decode("utf-8"))
                except UnicodeDecodeError as e:
                    yield RawRow(None, origin, JSONL_PART, index, f"not UTF-8 (byte {e.start + 1} of the line)")
                except json.JSONDecodeError as e:
                    yield RawRow(
                        None, origin, JSONL_PART, index, f"broken JSON line ({e.msg} at column {e.colno})"
                    )
                except RecursionError:
                    yield RawRow(None, origin, JSONL_PART, index, "JSON nested too deeply")
                else:
                    if isinstance(data, dict):
                        yield RawRow(data, origin, JSONL_PART, index)
                    else:
                        yield RawRow(
                            None,
                            origin,
                            JSONL_PART,
                            index,
                            f"expected a JSON object, got {type(data).__name__}",
                        )
                index += 1


def _iter_arrow(ds: Any) -> Iterator[dict[str, Any]]:
    """Rows of a ``datasets.Dataset`` with images left as ``{"bytes", "path"}`` (no decode, no re-encode)."""
    for table in ds.with_format("arrow").iter(batch_size=_BATCH):
        yield from table.to_pylist()


class DatasetSource(Source):
    """Hugging Face datasets, one per part, loaded from the hub or from ``save_to_disk`` folders."""

    def __init__(self, description: str, kind: str, parts: list[tuple[Part, Any, str]]):
        """``parts``: (part, loaded ``datasets.Dataset``, label for row origins) each; ``kind``: ``hub`` or ``disk``."""
        super().__init__(description)
        self.kind = kind
        self._parts = parts

    def rows(self) -> Iterator[RawRow]:
        """Stream each part's dataset in Arrow batches; images stay ``{"bytes", "path"}`` dicts (not decoded)."""
        for part, ds, label in self._parts:
            for i, data in enumerate(_iter_arrow(ds)):
                yield RawRow(data, f"{label} row {i}", part, i)

    def count(self) -> int:
        """The datasets' lengths summed (no row is read)."""
        return sum(len(ds) for _, ds, _ in self._parts)


class ParquetSource(Source):
    """Parquet files, read batch by batch with pyarrow."""

    kind = "parquet"

    def __init__(self, description: str, parts: list[tuple[Part, list[Path]]]):
        """``parts``: each part with its parquet files, read in that order; no file is opened here."""
        super().__init__(description)
        self._parts = parts

    def rows(self) -> Iterator[RawRow]:
        """Stream each part's files batch by batch; ``index`` counts across a part's files, origins name the file."""
        import pyarrow.parquet as pq

        for part, files in self._parts:
            index = 0
            for path in files:
                for i, data in enumerate(_parquet_rows(pq.ParquetFile(path))):
                    yield RawRow(data, f"{path} row {i}", part, index)
                    index += 1

    def count(self) -> int:
        """The row counts of the files' parquet metadata summed (no row is read)."""
        import pyarrow.parquet as pq

        return sum(pq.ParquetFile(p).metadata.num_rows for _, files in self._parts for p in files)


def _parquet_rows(pf: Any) -> Iterator[dict[str, Any]]:
    for batch in pf.iter_batches(batch_size=_BATCH):
        yield from batch.to_pylist()


def _part_root(bench_dir: Path, spec: TaskSpec, part: Part) -> Path:
    multi_config = len([c for c in spec.configs if c]) > 1
    return bench_dir / part.config if multi_config and part.config else bench_dir


def _disk_dir(bench_dir: Path, spec: TaskSpec, part: Part, single: bool) -> Path | None:
    root = _part_root(bench_dir, spec, part)
    if (root / part.split / "state.json").is_file():
        return root / part.split
    if single and (root / "state.json").is_file():
        return root
    return None


def _split_matches(path: Path, root: Path, split: str) -> bool:
    stem = path.name.split(".")[0]
    if stem == split or any(stem.startswith(split + sep) for sep in ("-", "_")):
        return True
    return split in path.relative_to(root).parts[:-1]


def _parquet_files(bench_dir: Path, spec: TaskSpec, part: Part, single: bool) -> list[Path]:
    root = _part_root(bench_dir, spec, part)
    files = sorted(root.rglob("*.parquet")) if root.is_dir() else []
    matching = [p for p in files if _split_matches(p, root, part.split)]
    return matching or (files if single else [])


def _collapse_configs(bench_dir: Path, spec: TaskSpec, parts: list[Part]) -> list[Part]:
    """A multi-config task whose folder has no per-config subfolders is read as one combined copy per split
    (e.g. all 30 MMMU subjects concatenated into ``mmmu/validation-*.parquet``)."""
    if len([c for c in spec.configs if c]) < 2 or any(
        (bench_dir / p.config).is_dir() for p in parts if p.config
    ):
        return parts
    return [Part(None, split) for split in dict.fromkeys(p.split for p in parts)]


def local_source(spec: TaskSpec, parts: list[Part], data_dir: str | Path) -> Source:
    """The source for ``data_dir/<task>/`` (JSONL, save_to_disk or parquet); TaskError when there is none."""
    bench_dir = Path(data_dir).expanduser().resolve() / spec.name
    if not bench_dir.is_dir():
        raise TaskError(
            f"no folder for task '{spec.name}' under --data-dir {Path(data_dir)} (expected {bench_dir})"
        )
    jsonl = bench_dir / "samples.jsonl"
    if jsonl.is_file():
        return JsonlSource(jsonl)
    parts = _collapse_configs(bench_dir, spec, parts)
    single = len(parts) == 1
    disk = [_disk_dir(bench_dir, spec, p, single) for p in parts]
    if all(disk):
        import datasets

        loaded = [(p, datasets.load_from_disk(str(d)), str(d)) for p, d in zip(parts, disk, strict=True)]
        return DatasetSource(f"disk:{bench_dir}", "disk", loaded)
    files = [_parquet_files(bench_dir, spec, p, single) for p in parts]
    if all(files):
        return ParquetSource(f"parquet:{bench_dir}", list(zip(parts, files, strict=True)))
    wanted = ", ".join(f"{p.config}/{p.split}" if p.config else p.split for p in parts)
    raise TaskError(
        f"no data for task '{spec.name}' in {bench_dir}: expected samples.jsonl, save_to_disk folders or "
        f"parquet files for {wanted}"
    )


def hub_source(spec: TaskSpec, parts: list[Part]) -> Source:
    """Load every part with ``datasets.load_dataset``; an unreachable hub is one TaskError line."""
    import datasets

    loaded = []
    for part in parts:
        label = f"{spec.hub_id}[{part.config + '/' if part.config else ''}{part.split}]"
        try:
            ds = datasets.load_dataset(spec.hub_id, part.config, split=part.split)
        except Exception as e:  # network, offline mode, gated repo, missing split: all end the same way
            reason = (str(e).strip().splitlines() or [type(e).__name__])[0]
            raise TaskError(
                f"cannot load {label} from the Hugging Face hub ({type(e).__name__}: {reason}); "
                f"download it where the hub is reachable, or pass --data-dir DIR with {spec.name}/samples.jsonl, "
                f"a save_to_disk folder or parquet files (offline, the bundled items: --data-dir {_fixtures()})"
            ) from None
        loaded.append((part, ds, label))
    return DatasetSource(f"hub:{spec.hub_id}", "hub", loaded)


def open_source(spec: TaskSpec, parts: list[Part], data_dir: str | Path | None) -> Source:
    """Local source when ``data_dir`` is given, else the hub."""
    return local_source(spec, parts, data_dir) if data_dir is not None else hub_source(spec, parts)


def _fixtures() -> str:
    """The bundled real items (``tasks/fixtures``), relative to the working directory when under it."""
    from rapid_eval.paths import fixtures_dir

    here = fixtures_dir()
    try:
        return str(here.relative_to(Path.cwd()))
    except ValueError:
        return str(here)
