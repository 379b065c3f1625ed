"""``rapid-eval rescore FILE... --benchmark B --report DIR``: the audit of a rescored prediction file as a static
HTML page (open ``DIR/audit.html`` from disk, no server), in the explorer's style.

Layout of DIR:

    audit.html, dom.js, audit.js, explorer.css
    data/audit.js          the summary lines of the rescore, the class counts and one compact row per item (id,
                           class, whether the verdicts differ, gold, the file's verdict and extraction, ours,
                           our extraction, what decided ours, the response excerpt)
    data/d-NNNNN.js        item details in chunks of CHUNK (question, options, full response, images), loaded
                           when an item is opened
    img/<hash>.<ext>       each image once, copied by the explorer's own copy function (its rules apply)

Images come from the benchmark's data dir (``--data-dir``) only: the task is loaded with its images and matched to
the file's items by the benchmark-natural key (the benchmark's ``natural_key``). Every string reaches
the page as data and is set as text (never as HTML).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rapid_eval.log import warn
from rapid_eval.reports.explorer import CHUNK, STATIC, _gold, _js
from rapid_eval.reports.images import ImageCopier
from rapid_eval.rescore.audit import CLASSES
from rapid_eval.rescore.result import AuditRow, RescoreResult

NO_CLASS = "-"
"""The class filter's value for items the audit has nothing to report on (verdicts agree, or no stored verdict)."""


def _answer_text(x: Any) -> str | None:
    """An extracted answer as one line of text (a list of letters as ``b, c``); None when there is none."""
    if x is None:
        return None
    if isinstance(x, (list, tuple)):
        return ", ".join(map(str, x))
    return str(x)


def _verdict(v: bool | None) -> int:
    return -1 if v is None else int(bool(v))


def _row(it: AuditRow) -> dict[str, Any]:
    """The page's compact row of one audit row."""
    return {"id": str(it.id), "cls": it.cls or NO_CLASS, "differ": it.differs, "gold": _gold(it.gold),
            "stored": _verdict(it.stored), "stored_x": _answer_text(it.stored_extracted), "ours": _verdict(it.ours),
            "ours_x": _answer_text(it.ours_extracted), "by": it.decided_by, "excerpt": it.response,
            "source": it.source}


def item_images(benchmark: str, data_dir: str | Path | None) -> dict[str, tuple[str, ...]]:
    """``{natural key: image paths}`` of the benchmark's items under ``data_dir`` (the task loader's image step
    checks each image); empty, with a warning, when there is no data dir or the task cannot be loaded with images."""
    if data_dir is None:
        return {}
    from rapid_eval import benchmarks
    from rapid_eval.tasks import load_task

    bench = benchmarks.get(benchmark)
    try:
        loaded = load_task(benchmark, data_dir=data_dir, options=dict(bench.adapter.gold_options) or None, images=True)
    except Exception as e:  # noqa: BLE001 - TaskError and friends: the page is still worth writing, without images
        warn(f"audit page: no images from {data_dir} ({e})")
        return {}
    if loaded.errors:
        warn(f"audit page: {len(loaded.errors)} items of {data_dir} have no usable image row "
             f"(first: {loaded.errors[0]})")
    return {bench.natural_key(s): s.images for s in loaded.samples if s.images}


def page_data(result: RescoreResult, images: Mapping[str, Sequence[str]], img_dir: Path
              ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the index the page filters over, the per-item details) of a :func:`rapid_eval.rescore.rescore` result
    made with ``items=True, context=True``; each item's images (looked up by its natural key in ``images``) are
    copied into ``img_dir`` by the report's checked copy
    (:class:`~rapid_eval.reports.images.ImageCopier`) and referred to relative to the page."""
    from rapid_eval.rescore.result import summary_lines

    items, contexts = result.items, result.contexts
    if items is None or contexts is None or len(items) != len(contexts):
        raise ValueError("audit page: the rescore result holds no items with their contexts "
                         "(rescore(..., items=True, context=True))")
    copy = ImageCopier(img_dir)
    rows: list[dict[str, Any]] = []
    details: list[dict[str, Any]] = []
    for it, ctx in zip(items, contexts, strict=True):
        rows.append(_row(it))
        srcs = images.get(ctx["key"], ())
        details.append({"question": ctx["question"], "options": [str(o) for o in ctx["options"]],
                        "response": ctx["response"],
                        "images": [x for x in map(copy, srcs) if x]})
    copy.warn_refused(f"the data dir's items of {result.benchmark}")
    classes = [{"name": c, "items": sum(r["cls"] == c for r in rows),
                "differ": sum(r["cls"] == c and r["differ"] for r in rows)} for c in (*CLASSES, NO_CLASS)]
    index = {"chunk": CHUNK, "benchmark": result.benchmark, "files": [str(f) for f in result.files],
             "summary": summary_lines(result), "classes": classes, "rows": rows}
    return index, details


def build_audit_page(result: RescoreResult, out: Path, data_dir: str | Path | None = None) -> Path:
    """Write the audit page of ``result`` (``rescore(..., items=True, context=True)``) into ``out``, with images
    from ``data_dir`` where given; return the path of ``audit.html``."""
    out.mkdir(parents=True, exist_ok=True)
    data, img = out / "data", out / "img"
    data.mkdir(exist_ok=True)
    img.mkdir(exist_ok=True)
    index, details = page_data(result, item_images(result.benchmark, data_dir), img)
    for name in ("dom.js", "audit.js", "explorer.css"):
        shutil.copyfile(STATIC / name, out / name)
    for i in range(0, max(len(details), 1), CHUNK):
        _js(data / f"d-{i // CHUNK:05d}.js", "AUDIT.chunk", i // CHUNK, details[i:i + CHUNK])
    _js(data / "audit.js", "AUDIT.index", index)
    shutil.copyfile(STATIC / "audit.html", out / "audit.html")
    return out / "audit.html"
