"""``rapid-eval import``: a run built from an exported perception dataset (a local folder, a parquet file, or a
Hub id, read through ``datasets``), ready for ``reason`` and ``score`` with no perception call.

The run gets the dataset's samples (``samples.jsonl``) and its perception records with their original keys, so
``reason`` keys its calls exactly as on the exporting run and gives the same answers (same reasoner, same seeds),
and ``score`` applies the same rules to the same gold. Images exported with the dataset are written to
``RUN/images/<benchmark>/<hash of uid>/<k>.<ext>``; without them, samples name those paths all the same (the files
are absent): the reasoner needs only to know that the item has an image, which picks its prompt.

Importing the same dataset again writes nothing. A dataset of another schema version or kind is refused with one
line (:class:`~rapid_eval.hub.schema.HubSchemaError`), as is a run that already holds a sample of the same uid
with other contents (another dataset's item under the same name).
"""

from __future__ import annotations

import itertools
import json
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapid_eval.hashing import content_hash
from rapid_eval.hub._quiet import quiet
from rapid_eval.hub.schema import HubSchemaError, check_row
from rapid_eval.records import PerceptionRecord
from rapid_eval.storage.cache import CallStats
from rapid_eval.storage.rundir import Run
from rapid_eval.types import Sample


class HubImportError(ValueError):
    """The dataset cannot be read or does not fit the run; one line naming it."""


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_run` did."""

    run: Run
    """The run written to."""
    rows: int
    """Rows read from the dataset."""
    samples_added: int
    """Samples written (new, or changed)."""
    records_added: int
    """Perception records written (0 on a repeated import)."""
    images_written: int
    """Image files written."""
    images: bool
    """Whether the dataset carried its images."""


def _is_local(source: str) -> bool:
    return Path(source).exists()


def iter_rows(source: str, revision: str | None = None) -> Iterator[dict[str, Any]]:
    """Every row of the dataset at ``source`` as plain values (images as ``{"bytes", "path"}``), all splits."""
    import datasets

    local = _is_local(source)
    with tempfile.TemporaryDirectory(prefix="rapid-eval-import-") as cache, quiet():
        try:
            if local and Path(source).is_file():
                loaded = datasets.load_dataset("parquet", data_files=str(source), cache_dir=cache)
            else:  # a folder (an export's card chooses the config `all`) or a Hub id (the user's cache)
                loaded = datasets.load_dataset(source, revision=revision, cache_dir=cache if local else None)
        except Exception as e:  # datasets raises many kinds (not found, offline, bad files): one line each
            first = (str(e).strip().splitlines() or [""])[0]
            where = "" if local else " (a Hub id: is the Hub reachable, the id right, the token set?)"
            raise HubImportError(f"{source}: cannot load the dataset{where}: {type(e).__name__}: {first}") from None
        splits = loaded.values() if isinstance(loaded, dict) else [loaded]
        for split in splits:
            for batch in split.with_format("arrow").iter(batch_size=1000):
                yield from batch.to_pylist()


def _image_dir(run: Run, sample: dict[str, Any]) -> Path:
    uid = f"{sample['task']}/{sample['id']}"
    return run.root / "images" / str(sample["task"]) / content_hash(uid, 16)


def _write_image(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; True when written."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def _sample(run: Run, row: dict[str, Any], source: str) -> tuple[Sample, int]:
    """The row's sample with image paths in the run (writing the images it carries); and images written."""
    try:
        d = json.loads(row["sample"])
    except (TypeError, ValueError):
        raise HubImportError(f"{source}: row {row.get('uid')}: column `sample` is not JSON") from None
    folder = _image_dir(run, d)
    paths = [folder / name for name in d.get("images") or []]
    written = 0
    carried = row.get("images")
    if carried:
        if len(carried) != len(paths):
            raise HubImportError(f"{source}: row {row['uid']}: {len(carried)} images for {len(paths)} names")
        written = sum(_write_image(p, img["bytes"]) for p, img in zip(paths, carried, strict=True)
                      if img and img.get("bytes") is not None)
    sample = Sample.from_dict({**d, "images": [str(p) for p in paths]})
    if sample.uid != row["uid"]:
        raise HubImportError(f"{source}: row {row['uid']}: its `sample` is {sample.uid}")
    return sample, written


def _record(row: dict[str, Any]) -> PerceptionRecord:
    def load(col: str) -> Any:
        return json.loads(row[col]) if row.get(col) is not None else None

    return PerceptionRecord(
        key=row["perception_key"], task=row["benchmark"], sample_id=row["sample_id"], variant=row["variant"],
        perceptor=load("perceptor") or {}, parts=load("parts") or {}, caption=row.get("caption"),
        solution=row.get("solution"), answer=row.get("direct_answer"), prompt_tokens=row.get("prompt_tokens") or 0,
        completion_tokens=row.get("completion_tokens") or 0, seconds=row.get("seconds") or 0.0,
        truncated_thinking=row.get("truncated_thinking"), finish_reason=row.get("finish_reason"),
        error=row.get("error"))


def _same_item(a: Sample, b: Sample) -> bool:
    """Equal but for where the images are."""
    return {**a.to_dict(), "images": len(a.images)} == {**b.to_dict(), "images": len(b.images)}


def import_run(source: str | Path, out: str | Path | Run, *, revision: str | None = None) -> ImportResult:
    """Build (or extend) the run ``out`` from the perception dataset at ``source`` (see the module docstring)."""
    started = time.time()
    src = str(source)
    stream = iter_rows(src, revision)
    first = next(stream, None)
    if first is None:
        raise HubSchemaError(f"{src}: the dataset has no rows")
    check_row(first, src)  # a dataset of another kind or version is refused before the run is touched
    run = out if isinstance(out, Run) else Run(out, create=True)
    rows = samples_added = records_added = images_written = 0
    carried = False
    seen: set[str] = set()
    with run.lock("perceive"):  # the import writes what perceive writes
        for row in itertools.chain([first], stream):
            check_row(row, src)
            rows += 1
            carried = carried or bool(row.get("images"))
            if row["uid"] not in seen:
                seen.add(row["uid"])
                sample, n = _sample(run, row, src)
                images_written += n
                old = run.sample(sample.uid)
                if old is not None and not _same_item(old, sample):
                    raise HubImportError(f"{src}: {run.root} already holds {sample.uid} with other contents; "
                                         "import into a new run")
                if old != sample:
                    run.add_samples([sample])
                    samples_added += 1
            rec = _record(row).to_dict()
            if run.perception.get(rec["key"]) != rec:
                run.perception.append(rec)
                records_added += 1
        if samples_added or records_added or images_written:
            run.log_stats("import", rows, CallStats(), started, source=src, revision=revision,
                          samples_added=samples_added, records_added=records_added, images_written=images_written)
        run.close()
    return ImportResult(run, rows, samples_added, records_added, images_written, carried)
