"""Bad rows give one error each, naming file:line and sample id; every other row still loads."""

from __future__ import annotations

import json
import shutil

import pytest
from testlib import FIXTURES

from rapid_eval.tasks import load_task


def _copy_fixture(task: str, tmp_path):
    """A writable copy of a fixture folder; returns (jsonl path, its rows)."""
    shutil.copytree(FIXTURES / task, tmp_path / task)
    path = tmp_path / task / "samples.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return path, rows


def _write(path, lines):
    path.write_text("".join(line + "\n" for line in lines))


def test_wemath_missing_field_missing_image_broken_json_garbage_image(tmp_path):
    path, rows = _copy_fixture("wemath", tmp_path)
    (tmp_path / "wemath" / "images" / "garbage.png").write_bytes(b"not a png at all")
    no_answer = {k: v for k, v in rows[1].items() if k != "answer"}
    missing_img = {**rows[0], "ID": "2steps_900", "_image_file": "images/nope.png"}
    garbage_img = {**rows[0], "ID": "2steps_901", "_image_file": "images/garbage.png"}
    lines = [
        json.dumps(rows[0]),  # line 1: fine
        json.dumps(no_answer),  # line 2: missing 'answer'
        '{"ID": "2steps_9", "key": ',  # line 3: broken JSON
        "",  # blank lines are ignored, not errors
        json.dumps(missing_img),  # line 5: image file does not exist
        json.dumps(garbage_img),  # line 6: image is not an image
        json.dumps(rows[2]),  # line 7: fine
        json.dumps(rows[0]),  # line 8: same id as line 1
    ]
    _write(path, lines)
    res = load_task("wemath", data_dir=tmp_path)
    assert [s.id for s in res.samples] == ["2steps_48_1", "2steps_48_multi"]
    assert len(res.errors) == 5
    e_answer, e_json, e_missing, e_garbage, e_dup = res.errors
    assert e_answer == f"{path}:2: sample 2steps_48_2: missing field 'answer'"
    assert e_json.startswith(f"{path}:3: broken JSON line")
    assert (
        e_missing.startswith(f"{path}:5: sample 2steps_900_1: image file not found:")
        and "nope.png" in e_missing
    )
    assert e_garbage.startswith(f"{path}:6: sample 2steps_901_1: unreadable image")
    assert e_dup == f"{path}:8: sample 2steps_48_1: duplicate id, row skipped"


@pytest.mark.parametrize(
    "task,drop,reason",
    [
        ("mathvista", ["pid"], "sample (id unknown): missing field 'pid'"),
        ("dynamath", ["answer"], "sample 29-v1: missing field 'ground_truth' or 'answer'"),
        ("mmmu", ["question"], "sample validation_Energy_and_Power_2: missing field 'question'"),
        ("mathverse", ["problem_version"], "sample 2196: missing field 'problem_version'"),
        ("logicvista", ["answer"], "sample v1_2: missing field 'answer'"),
        ("mathvision", ["answer"], "sample 621: missing field 'answer'"),
        ("realworldqa", ["image", "_image_file"], "sample 0: missing field '_image_file' or 'image'"),
    ],
)
def test_missing_field_reported_rest_loads(tmp_path, task, drop, reason):
    path, rows = _copy_fixture(task, tmp_path)
    for key in drop:
        rows[0].pop(key)
    _write(path, [json.dumps(r) for r in rows])
    options = {"version": "all, Text Only"} if task == "mathverse" else None
    res = load_task(task, data_dir=tmp_path, options=options)
    assert len(res.samples) == len(rows) - 1
    assert res.errors == [f"{path}:1: {reason}"]


def test_mmmu_unparseable_options_and_non_object_line(tmp_path):
    path, rows = _copy_fixture("mmmu", tmp_path)
    rows[0]["options"] = "['unterminated"
    _write(path, [json.dumps(rows[0]), "[1, 2, 3]", json.dumps(rows[1])])
    res = load_task("mmmu", data_dir=tmp_path)
    assert [s.id for s in res.samples] == ["test_Music_251"]
    assert res.errors[0].startswith(f"{path}:1: sample validation_Energy_and_Power_2: cannot parse options")
    assert res.errors[1] == f"{path}:2: expected a JSON object, got list"


def test_dynamath_bad_answer_type(tmp_path):
    path, rows = _copy_fixture("dynamath", tmp_path)
    rows[3]["answer_type"] = "essay"
    _write(path, [json.dumps(r) for r in rows])
    res = load_task("dynamath", data_dir=tmp_path)
    assert len(res.samples) == 9
    assert res.errors == [
        f"{path}:4: sample 29-v4: unknown answer_type 'essay' (expected one of multiple choice, float, text)"
    ]
