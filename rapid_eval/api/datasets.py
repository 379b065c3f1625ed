"""Runs as Hugging Face datasets: :func:`export_run` and :func:`import_run` (see :mod:`rapid_eval.hub`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rapid_eval.hub.export import ExportResult
    from rapid_eval.hub.import_ import ImportResult
    from rapid_eval.storage.rundir import Run


def export_run(run: str | Path | Run, out: str | Path, *, records: str = "perception", images: bool = False,
               push: str | None = None, private: bool = False, command: str | None = None) -> ExportResult:
    """Write ``run``'s ``records`` (``perception``: every O_p variant; ``reasoning``: every answer with its
    verdict) as a Hugging Face dataset folder at ``out`` (parquet per benchmark + dataset card; see
    :mod:`rapid_eval.hub`); ``images`` embeds the items' images. ``push``: then upload it to the dataset repo
    of that id (huggingface_hub's token; :class:`rapid_eval.hub.push.HubPushError` if it fails, folder kept)."""
    from rapid_eval.hub.export import export_run as _export
    from rapid_eval.hub.push import push_folder

    result = _export(run, out, kind=records, images=images, command=command)
    if push:
        result.pushed = push_folder(result.out, push, private=private)
    return result


def import_run(source: str | Path, out: str | Path | Run, *, revision: str | None = None) -> ImportResult:
    """Build the run ``out`` from the perception dataset ``source`` (an export folder, a parquet file or a Hub
    id): its samples and perception records, keyed so that :func:`reason` asks exactly what it asked on the
    exporting run. Importing the same dataset again writes nothing."""
    from rapid_eval.hub.import_ import import_run as _import

    return _import(source, out, revision=revision)
