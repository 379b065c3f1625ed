"""All of ../shared/benchmarks/dev loads: every row, counts as in benchmarks-data.md, every image on disk.

Skipped cleanly on a fresh clone without ../shared.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from testlib import shared_path

from rapid_eval.tasks import load_task

# task, options, rows expected (benchmarks-data.md section 2)
CASES = [
    ("mathvista", None, 100),
    ("mathverse", {"version": "all, Text Only"}, 96),  # 16 problems x 6 versions
    ("mathverse", None, 16),  # default: Vision Only
    ("wemath", None, 60),
    ("mathvision", None, 50),
    ("dynamath", None, 80),
    ("logicvista", None, 50),
    ("mmmu", None, 21),
]


def _raw_rows(task: str) -> int:
    return sum(1 for line in open(shared_path("benchmarks", "dev", task, "samples.jsonl")) if line.strip())


@pytest.mark.parametrize("task,options,expected", CASES)
def test_dev_rows_all_load(task, options, expected):
    root = shared_path("benchmarks", "dev")
    res = load_task(task, data_dir=root, options=options)
    assert res.errors == []
    assert len(res.samples) == expected
    assert len({s.id for s in res.samples}) == expected
    for s in res.samples:
        assert all(Path(p).is_file() for p in s.images), s.id
    if options is None and task != "mathverse":
        assert expected == _raw_rows(task)


def test_dev_image_counts():
    root = shared_path("benchmarks", "dev")
    with_images = [s for s in load_task("mathvista", data_dir=root).samples if s.images]
    assert sorted(s.id for s in with_images) == ["106", "225", "540"]  # only 3 dev rows have an image
    mmmu = load_task("mmmu", data_dir=root).samples
    assert sum(len(s.images) for s in mmmu) == 25
    verse = load_task("mathverse", data_dir=root, options={"version": "all, Text Only"}).samples
    assert Counter(s.group["version"] for s in verse) == Counter(
        {
            v: 16
            for v in (
                "Text Dominant",
                "Text Lite",
                "Vision Intensive",
                "Vision Dominant",
                "Vision Only",
                "Text Only",
            )
        }
    )
    assert all(s.images for s in verse if s.group["version"] != "Text Only")
    assert Counter(s.answer_type for s in load_task("mathvista", data_dir=root).samples) == Counter(
        {"choice": 52, "integer": 42, "float": 4, "list": 2}
    )


def test_dev_groups_are_whole():
    root = shared_path("benchmarks", "dev")
    wemath = Counter(s.group["ID"] for s in load_task("wemath", data_dir=root).samples)
    assert len(wemath) == 18 and sorted(Counter(wemath.values()).items()) == [(3, 12), (4, 6)]
    dyna = load_task("dynamath", data_dir=root).samples
    seeds = Counter(s.group["seed"] for s in dyna)
    assert sorted(seeds, key=int) == ["29", "73", "96", "183", "196", "238", "242", "494"]
    assert set(seeds.values()) == {10}
    assert Counter(s.answer_type for s in dyna) == Counter({"float": 40, "choice": 20, "text": 20})


def test_dev_wemath_options_all_parse():
    res = load_task("wemath", data_dir=shared_path("benchmarks", "dev"))
    for s in res.samples:
        assert s.options[-1] == "No correct answer" and len(s.options) in (4, 5), s.id
        assert s.answer in s.letters, s.id


def test_mathvision_annotations_without_images():
    res = load_task("mathvision", data_dir=shared_path("benchmarks", "annotations"))
    assert res.errors == [] and len(res.samples) == 3040
    assert all(s.images == () for s in res.samples)
    assert Counter(s.answer_type == "choice" for s in res.samples)[True] == 1532
