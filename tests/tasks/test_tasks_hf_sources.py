"""save_to_disk and parquet copies (HF field names, Image() columns) round-trip; an offline hub is one line.

The datasets are built in a tmp dir from the fixture rows, renamed to the Hugging Face schemas.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image as PILImage
from testlib import FIXTURES, REPO

from rapid_eval.tasks import TaskError, describe_tasks, load_task

datasets = pytest.importorskip("datasets")
datasets.disable_progress_bars()


@pytest.fixture(autouse=True)
def image_cache(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("RAPID_EVAL_CACHE", str(cache))
    return cache / "images"


def _rows(task: str) -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / task / "samples.jsonl").read_text().splitlines()]


def _img(task: str, rel: str) -> dict:
    return {"bytes": (FIXTURES / task / rel).read_bytes(), "path": None}


def _png(color: tuple[int, int, int]) -> dict:
    buf = io.BytesIO()
    PILImage.new("RGB", (8, 8), color).save(buf, format="PNG")
    return {"bytes": buf.getvalue(), "path": None}


def _dynamath_hf_rows(variant: int) -> list[dict]:
    """HF schema (id, ground_truth, knowledge_level, decoded_image) for seed 29 plus a made-up seed 30."""
    src = [r for r in _rows("dynamath") if r["_variant"] == variant][0]
    row = {
        "id": "29",
        "question": src["question"],
        "image": src["image"],
        "ground_truth": src["answer"],
        "answer_type": src["answer_type"],
        "subject": src["subject"],
        "knowledge_level": src["level"],
        "decoded_image": _img("dynamath", src["_image_file"]),
    }
    return [row, {**row, "id": "30", "decoded_image": _png((variant * 20, 0, 0))}]


def _save_dynamath(root: Path) -> None:
    features = None
    splits = {}
    for k in range(1, 11):
        ds = datasets.Dataset.from_list(_dynamath_hf_rows(k))
        features = features or ds.features.copy()
        features["decoded_image"] = datasets.Image()
        splits[f"sample_variant{k}"] = ds.cast(features)
    datasets.DatasetDict(splits).save_to_disk(str(root / "dynamath"))


def test_save_to_disk_datasetdict_dynamath(tmp_path, image_cache):
    _save_dynamath(tmp_path)
    res = load_task("dynamath", data_dir=tmp_path)
    assert res.errors == [] and res.source == f"disk:{tmp_path / 'dynamath'}"
    local = {e["name"]: e for e in describe_tasks(data_dir=tmp_path)}["dynamath"]
    assert (local["local_source"], local["local_rows"]) == (res.source, 20)
    assert len(res.samples) == 20
    assert res.samples[0].id == "29-v1" and res.samples[1].id == "30-v1"  # hub order: variant-major
    by_id = {s.id: s for s in res.samples}
    assert by_id["29-v10"].group == {"seed": "29", "variant": "10"}  # variant from the split name
    assert by_id["29-v1"].metadata["level"] == "elementary school" and by_id["29-v1"].answer == "B"
    for s in res.samples:
        (path,) = s.images
        assert Path(path).parent == image_cache and Path(path).suffix == ".png"
    original = (FIXTURES / "dynamath" / "variant3" / "image" / "image29.png").read_bytes()
    assert Path(by_id["29-v3"].images[0]).read_bytes() == original  # stored as is, content-addressed


def test_grouped_limit_reads_whole_seed_and_caches_only_it(tmp_path, image_cache):
    _save_dynamath(tmp_path)
    res = load_task("dynamath", data_dir=tmp_path, limit=5)
    assert [s.id for s in res.samples] == [f"29-v{k}" for k in range(1, 11)]
    used = {Path(p) for s in res.samples for p in s.images}
    assert set(image_cache.iterdir()) == used  # seed 30's images were never written (29's dedupe to fewer)


def _mathvista_hf_rows() -> list[dict]:
    out = []
    for r in _rows("mathvista"):
        row = {k: v for k, v in r.items() if not k.startswith("_")}
        row["precision"] = float(r["precision"]) if r["precision"] is not None else None
        row["decoded_image"] = _img("mathvista", r["_image_file"])
        out.append(row)
    return out


def test_parquet_mathvista_split_chosen_by_file_name(tmp_path):
    rows = _mathvista_hf_rows()
    features = datasets.Dataset.from_list(rows).features.copy()
    features["decoded_image"] = datasets.Image()
    data = tmp_path / "mathvista" / "data"
    data.mkdir(parents=True)
    datasets.Dataset.from_list(rows, features=features).to_parquet(
        str(data / "testmini-00000-of-00001.parquet")
    )
    decoy = {**rows[0], "pid": "9999"}
    datasets.Dataset.from_list([decoy], features=features).to_parquet(
        str(data / "test-00000-of-00001.parquet")
    )
    res = load_task("mathvista", data_dir=tmp_path)
    assert res.errors == [] and res.source == f"parquet:{tmp_path / 'mathvista'}"
    by_id = {s.id: s for s in res.samples}
    assert sorted(by_id) == ["106", "225", "540"]  # the test-split file is not read
    assert {e["name"]: e for e in describe_tasks(data_dir=tmp_path)}["mathvista"]["local_rows"] == 3
    assert by_id["540"].question.endswith("Choices:\n(A) 3/11\n(B) 8/11\n(C) 6/11\n(D) 3/5")
    assert by_id["540"].metadata["answer_letter"] == "A" and by_id["106"].metadata["source"] == "DVQA"
    assert all(Path(s.images[0]).is_file() for s in res.samples)


def _mmmu_hf_rows() -> list[dict]:
    out = []
    for r in _rows("mmmu"):
        first = Path(r["image_1"]).stem
        row = {
            "id": first[: -len("_1")],
            "question": r["question"],
            "options": str(r["options"]),
            "answer": r["answer"],
            "question_type": "multiple-choice",
            "subfield": "x",
        }
        for k in range(1, 8):
            row[f"image_{k}"] = _img("mmmu", r[f"image_{k}"]) if r.get(f"image_{k}") else None
        out.append(row)
    open_q = {
        **out[0],
        "id": "validation_Math_7",
        "options": "[]",
        "answer": "['0.74', '0.32']",
        "question_type": "open",
    }
    return [*out, open_q]


def test_parquet_mmmu_combined_copy(tmp_path):
    rows = _mmmu_hf_rows()
    features = datasets.Dataset.from_list(rows[:2]).features.copy()
    for k in range(1, 8):
        features[f"image_{k}"] = datasets.Image()
    (tmp_path / "mmmu").mkdir()
    path = tmp_path / "mmmu" / "validation-00000-of-00001.parquet"
    datasets.Dataset.from_list(rows, features=features).to_parquet(str(path))
    res = load_task("mmmu", data_dir=tmp_path)
    assert res.errors == []
    by_id = {s.id: s for s in res.samples}
    assert len(by_id["test_Music_251"].images) == 5 and by_id["test_Music_251"].options[0] == "<image 4>"
    open_q = by_id["validation_Math_7"]
    assert (open_q.answer, open_q.answer_type, open_q.options) == (["0.74", "0.32"], "text", ())
    assert "\nOptions:" not in open_q.question and open_q.metadata["subject"] == "Math"


def test_mmmu_partial_per_subject_copy_is_an_error(tmp_path):
    (tmp_path / "mmmu" / "Music").mkdir(parents=True)
    with pytest.raises(TaskError, match=r"no data for task 'mmmu'.*Accounting/validation"):
        load_task("mmmu", data_dir=tmp_path)


def test_save_to_disk_bare_dataset_wemath(tmp_path):
    rows = []
    for r in _rows("wemath"):
        row = {k: v for k, v in r.items() if not k.startswith("_")}
        row["image_path"] = _img("wemath", r["_image_file"])
        rows.append(row)
    features = datasets.Dataset.from_list(rows).features.copy()
    features["image_path"] = datasets.Image()
    datasets.Dataset.from_list(rows, features=features).save_to_disk(str(tmp_path / "wemath"))
    res = load_task("wemath", data_dir=tmp_path, limit=1)  # whole group of 3
    assert res.errors == [] and [s.id for s in res.samples] == [
        "2steps_48_1",
        "2steps_48_2",
        "2steps_48_multi",
    ]


def test_parquet_logicvista_hub_schema(tmp_path):
    r = _rows("logicvista")[0]
    row = {k: v for k, v in r.items() if not k.startswith("_")}
    row.update(id=2, image=_img("logicvista", r["_image_file"]))
    features = datasets.Dataset.from_list([row]).features.copy()
    features["image"] = datasets.Image()
    (tmp_path / "logicvista").mkdir()
    datasets.Dataset.from_list([row], features=features).to_parquet(
        str(tmp_path / "logicvista" / "x.parquet")
    )
    (s,) = load_task("logicvista", data_dir=tmp_path).samples  # single split: any parquet file is taken
    assert (s.id, s.answer_type) == ("v1_2", "multi_choice")


def test_offline_hub_is_one_line_naming_data_dir(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    code = (
        "from rapid_eval.tasks import load_task, TaskError\n"
        "try:\n    load_task('mathvista')\nexcept TaskError as e:\n    print('ERR', e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, timeout=120
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("ERR")]
    assert len(lines) == 1 and "\n" not in lines[0]
    assert "AI4Math/MathVista[testmini]" in lines[0] and "--data-dir" in lines[0]


def test_parquet_mathverse_per_config_folders(tmp_path):
    vision, text_only = [], []
    for r in _rows("mathverse"):
        row = {k: v for k, v in r.items() if not k.startswith("_")}
        if r["problem_version"] == "Text Only":
            text_only.append({**row, "image": ""})
        else:
            vision.append({**row, "image": _img("mathverse", r["_image_file"])})
    features = datasets.Dataset.from_list(vision).features.copy()
    features["image"] = datasets.Image()
    for config, rows, feats in [("testmini", vision, features), ("testmini_text_only", text_only, None)]:
        (tmp_path / "mathverse" / config).mkdir(parents=True)
        out = tmp_path / "mathverse" / config / f"{config}-00000-of-00001.parquet"
        datasets.Dataset.from_list(rows, features=feats).to_parquet(str(out))
    default = load_task("mathverse", data_dir=tmp_path)
    assert [s.id for s in default.samples] == ["2200"] and default.errors == []
    every = load_task("mathverse", data_dir=tmp_path, options={"version": "all,text only"})
    assert [s.id for s in every.samples] == ["2196", "2197", "2198", "2199", "2200", "text_only_440"]
    assert every.samples[-1].images == () and all(len(s.images) == 1 for s in every.samples[:-1])
    assert every.options == {
        "version": "Text Dominant, Text Lite, Vision Intensive, Vision Dominant, Vision Only, Text Only"
    }
