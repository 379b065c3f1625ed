"""Training against hostile files: a truncated newest checkpoint, another run's checkpoints in ``--out``, a data
row with ``"image": 5``."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import pytest

from rapid_eval.training.checkpoints import check_same_run, last_checkpoint
from rapid_eval.training.data import load_training_data


def _checkpoint(out: Path, step: int) -> Path:
    d = out / f"checkpoint-{step}"
    d.mkdir(parents=True)
    (d / "trainer_state.json").write_text(json.dumps({"global_step": step}))
    with zipfile.ZipFile(d / "optimizer.pt", "w") as z:
        z.writestr("archive/data.pkl", b"x" * 100)
    header = json.dumps({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}).encode()
    (d / "model.safetensors").write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 16)
    return d


def test_a_truncated_newest_checkpoint_falls_back_to_the_previous_one_naming_the_bad_file(tmp_path, capsys):
    _checkpoint(tmp_path, 2)
    newest = _checkpoint(tmp_path, 4)
    weights = newest / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-5])  # disk full / kill -9 during the save
    assert last_checkpoint(tmp_path) == tmp_path / "checkpoint-2"
    assert str(weights) in capsys.readouterr().err.replace("\n", "")
    opt = tmp_path / "checkpoint-2" / "optimizer.pt"
    opt.write_bytes(opt.read_bytes()[:30])
    assert last_checkpoint(tmp_path) is None


def test_another_runs_checkpoints_in_out_are_refused_not_resumed(tmp_path):
    settings = {"kind": "perception", "data": "a.jsonl", "learning_rate": 1e-6, "num_generations": 4, "init": "m"}
    check_same_run(tmp_path, settings)
    _checkpoint(tmp_path, 2)
    check_same_run(tmp_path, dict(settings))  # the same run again: resumes
    with pytest.raises(ValueError, match="another run .*learning_rate: 1e-06 there, 2e-06 now.*num_generations"):
        check_same_run(tmp_path, {**settings, "learning_rate": 2e-6, "num_generations": 8})


def test_a_data_row_with_a_number_for_its_image_is_skipped_naming_the_line(tmp_path):
    rows = [{"question": "q1", "answer": "1", "image": "a.png"}, {"question": "q2", "answer": "2", "image": 5},
            {"question": "q3", "answer": "3", "image": [{"bytes": "x"}]}, {"question": "q4", "answer": "4"}]
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    data = load_training_data(str(path))
    assert [s.question for s in data.samples] == ["q1", "q4"]
    assert len(data.errors) == 2 and data.errors[0].startswith(f"{path}:2:") and "image must be" in data.errors[0]
    assert data.errors[1].startswith(f"{path}:3:")
