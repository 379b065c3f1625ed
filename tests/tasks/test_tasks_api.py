"""Public API of rapid_eval.tasks: names, listing, options, limits, errors, cheap import, image cache."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from testlib import FIXTURES, REPO

from rapid_eval.tasks import TaskError, describe_tasks, fixtures_dir, load_task, task_names
from rapid_eval.tasks._loader import adapter_for
from rapid_eval.tasks.adapter import RowContext
from rapid_eval.tasks.images import ImageError, materialize
from rapid_eval.tasks.spec import Part, load_spec

ALL = ["dynamath", "logicvista", "mathverse", "mathvision", "mathvista", "mmmu", "realworldqa", "wemath"]


def test_task_names_and_fixtures_dir():
    assert task_names() == ALL
    assert fixtures_dir() == FIXTURES


def test_describe_tasks_lists_specs_and_counts_local_rows():
    entries = {e["name"]: e for e in describe_tasks(data_dir=FIXTURES)}
    assert list(entries) == ALL
    mmmu = entries["mmmu"]
    assert (mmmu["hub_id"], mmmu["splits"], mmmu["expected_size"]) == ("MMMU/MMMU", ["validation"], 900)
    assert len(mmmu["configs"]) == 30 and "Energy_and_Power" in mmmu["configs"]
    assert entries["dynamath"]["splits"] == [f"sample_variant{k}" for k in range(1, 11)]
    assert entries["mathverse"]["options"] == {"version": "Vision Only"}
    assert entries["mathvision"]["split_sizes"] == {"test": 3040, "testmini": 304}
    assert "NC" in entries["wemath"]["license"] and "headline_metric" not in entries["wemath"]  # the scorer's
    counts = {n: e["local_rows"] for n, e in entries.items()}
    assert counts == {
        "dynamath": 10,
        "logicvista": 3,
        "mathverse": 6,
        "mathvision": 3,
        "mathvista": 3,
        "mmmu": 2,
        "realworldqa": 2,
        "wemath": 3,
    }
    assert all(e["description"] and e["license"] for e in entries.values())


def test_describe_without_local_data(tmp_path):
    entry = describe_tasks(data_dir=tmp_path)[0]
    assert entry["local_rows"] is None and "local_rows" not in describe_tasks()[0]


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda: load_task("mathvist"), "unknown task 'mathvist' (did you mean 'mathvista'?)"),
        (
            lambda: load_task("mathverse", data_dir=FIXTURES, options={"version": "vision onyl"}),
            "bad value 'vision onyl' for option 'version' (did you mean 'Vision Only'?)",
        ),
        (
            lambda: load_task("mathvision", data_dir=FIXTURES, options={"split": "val"}),
            "bad value 'val' for option 'split'",
        ),
        (
            lambda: load_task("wemath", data_dir=FIXTURES, options={"version": "x"}),
            "task 'wemath' has no option 'version' (its options: none)",
        ),
        (lambda: load_task("wemath", data_dir=FIXTURES, limit=-1), "--limit must be a non-negative integer"),
        (
            lambda: load_task("wemath", data_dir="/nonexistent-dir"),
            "no folder for task 'wemath' under --data-dir",
        ),
    ],
)
def test_task_errors_are_one_clear_line(call, message):
    with pytest.raises(TaskError) as info:
        call()
    assert message in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    "task,options,limit,expected_ids",
    [
        ("mathvista", None, 2, ["106", "225"]),  # no groups: first N
        ("mathvista", None, 0, []),
        ("wemath", None, 1, ["2steps_48_1", "2steps_48_2", "2steps_48_multi"]),  # whole ID group
        ("dynamath", None, 3, [f"29-v{k}" for k in range(1, 11)]),  # whole seed
        ("mathverse", {"version": "all"}, 2, ["2196", "2197", "2198", "2199", "2200"]),  # whole problem
        ("mmmu", None, 1, ["validation_Energy_and_Power_2"]),
    ],
)
def test_limit(task, options, limit, expected_ids):
    res = load_task(task, data_dir=FIXTURES, limit=limit, options=options)
    assert [s.id for s in res.samples] == expected_ids


def test_import_is_cheap():
    code = (
        "import sys, rapid_eval.tasks as t\n"
        "t.load_task('wemath', data_dir=t.fixtures_dir()); t.describe_tasks(data_dir=t.fixtures_dir())\n"
        "print(sorted(m for m in ('torch', 'transformers', 'datasets') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_image_cache_content_addressed(tmp_path, monkeypatch):
    monkeypatch.setenv("RAPID_EVAL_CACHE", str(tmp_path))
    pil = Image.new("RGB", (4, 4), (10, 200, 30))
    first, second = materialize(pil, None), materialize(pil.copy(), None)
    assert first == second and Path(first).parent == tmp_path / "images" and first.endswith(".png")
    buf = io.BytesIO()
    pil.save(buf, format="JPEG")
    jpg = materialize({"bytes": buf.getvalue(), "path": "x.jpg"}, None)
    assert jpg.endswith(".jpg") and Path(jpg).read_bytes() == buf.getvalue()
    assert len(list((tmp_path / "images").iterdir())) == 2


def test_image_refs_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("RAPID_EVAL_CACHE", str(tmp_path))
    rel = "images/106.png"
    assert materialize(rel, FIXTURES / "mathvista") == str((FIXTURES / "mathvista" / rel).resolve())
    for ref, base, msg in [
        (rel, None, "is relative and the source has no folder"),
        ({"bytes": None, "path": None}, None, "neither bytes nor path"),
        (b"\x89PNG broken", None, "unreadable image"),
        (None, None, "no image data"),
    ]:
        with pytest.raises(ImageError, match=msg):
            materialize(ref, base)


def test_adapter_maps_rows_without_images_for_scorers():
    """Prediction files carry no images: convert() still maps them, and only flags the missing image."""
    row = json.loads((FIXTURES / "wemath" / "samples.jsonl").read_text().splitlines()[0])
    del row["_image_file"], row["image_path"]
    spec = load_spec("wemath")
    draft = adapter_for(spec).convert(row, RowContext("wemath", Part(None, "jsonl"), 0, spec.options))
    assert draft.sample.id == "2steps_48_1" and draft.sample.options[0] == "Northeast"
    assert draft.images == () and draft.problem == "missing field '_image_file' or 'image_path'"
