"""Hand-made hostile files: a run's ``samples.jsonl`` naming secrets as images, image paths in a data folder that
point outside it (absolute, ``../``, symlink), symlinked run files, repeated ids, alias bombs, wrongly typed
configs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image
from testlib import FIXTURES

import rapid_eval as rapid
from rapid_eval.reports.explorer import build_explorer
from rapid_eval.tasks import load_task


def _png(path: Path) -> Path:
    Image.new("RGB", (4, 4), (200, 10, 10)).save(path)
    return path


def test_report_copies_only_decodable_images_never_secrets_or_symlinks(tmp_path: Path, capsys):
    run = tmp_path / "run"
    samples = rapid.load_tasks(["mathvista"], data_dir=FIXTURES, limit=2)
    with rapid.load_engine("scripted", "vlm", reply="\\boxed{A}") as vlm:
        rapid.perceive(samples, vlm, ["direct"], run)
    rapid.score(run)
    data = tmp_path / "data"  # the folder the report is told images come from
    data.mkdir()
    secret = data / "shadow"
    secret.write_text("root:$6$SECRET-HASH:19000:0:99999:7:::\nOPENAI_API_KEY=sk-secret-in-a-file\n")
    good = _png(data / "good.png")
    link = data / "link.png"
    link.symlink_to(good)
    stray = _png(tmp_path / "stray.png")  # a real image, but outside every folder images come from
    hostile = [str(secret), str(stray), str(link), "/proc/self/environ", str(Path.home() / ".bashrc"),
               "relative.png", str(good)]
    lines = [json.loads(x) for x in (run / "samples.jsonl").read_text().splitlines()]
    for rec in lines:
        rec["images"] = hostile
    (run / "samples.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines))
    for idx in run.glob("samples.jsonl.*"):
        idx.unlink()
    site = tmp_path / "site"
    build_explorer([run], site, data_dirs=[data])
    copied = sorted((site / "img").iterdir())
    assert len(copied) == 1 and copied[0].read_bytes() == good.read_bytes()
    everything = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())
    assert b"SECRET" not in everything and b"sk-secret" not in everything
    err = " ".join(capsys.readouterr().err.split())
    assert "6 image path(s)" in err and "shadow (not a decodable image)" in err and "a symlink" in err
    assert "stray.png (outside the run's data folders" in err and "environ (outside the run's data folders" in err


def test_the_report_copies_images_from_the_data_folder_perceive_recorded(tmp_path: Path):
    run = tmp_path / "run"
    out = subprocess.run([sys.executable, "-m", "rapid_eval.cli", "perceive", "--backend", "scripted", "--model", "vlm",
                          "--tasks", "mathvista", "--limit", "1", "--variants", "direct", "--data-dir", str(FIXTURES),
                          "--run", str(run)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    stats = [json.loads(x) for x in (run / "stats.jsonl").read_text().splitlines()]
    assert stats[-1]["data_dir"] == str(FIXTURES.resolve())
    rapid.score(run)
    build_explorer([run], tmp_path / "site")  # no data_dirs: the recorded folder is enough
    assert len(list((tmp_path / "site" / "img").iterdir())) == 1


@pytest.mark.parametrize("where", ["absolute", "dotdot", "symlink"])
def test_an_image_path_outside_the_data_folder_is_refused_with_the_row_named(tmp_path: Path, where):
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "mathvista", data / "mathvista")
    outside = _png(tmp_path / "outside.png")
    rows = [json.loads(x) for x in (data / "mathvista" / "samples.jsonl").read_text().splitlines()]
    key = next(k for k in ("_image_file", "image") if k in rows[0])
    ref = {"absolute": str(outside), "dotdot": "../../outside.png", "symlink": "inside.png"}[where]
    (data / "mathvista" / "inside.png").symlink_to(outside)
    rows[0][key] = [ref] if isinstance(rows[0][key], list) else ref
    (data / "mathvista" / "samples.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    loaded = load_task("mathvista", data_dir=str(data))
    assert len(loaded.samples) == len(rows) - 1
    assert all(str(outside.resolve()) not in s.images for s in loaded.samples)
    assert len(loaded.errors) == 1 and "outside the data folder" in loaded.errors[0], loaded.errors


@pytest.mark.parametrize("name", ["perceive.lock", "generations.jsonl", "stats.jsonl"])
def test_a_symlinked_run_file_is_refused_and_its_target_left_untouched(tmp_path: Path, name):
    run = tmp_path / "run"
    samples = rapid.load_tasks(["mathvista"], data_dir=FIXTURES, limit=1)
    with rapid.load_engine("scripted", "vlm", reply="\\boxed{A}") as vlm:
        rapid.perceive(samples, vlm, ["direct"], run)  # a real run first: its files exist
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"line one\nline two without newline")
    (run / name).unlink(missing_ok=True)
    (run / name).symlink_to(victim)
    with pytest.raises(OSError, match="symlink"):
        with rapid.load_engine("scripted", "vlm", reply="other \\boxed{B}") as vlm:
            rapid.perceive(samples, vlm, ["direct", "cap"], run)
    assert victim.read_bytes() == b"line one\nline two without newline"


def test_rescore_refuses_an_item_repeated_within_a_file(tmp_path: Path):
    from rapid_eval.formats.base import FormatError
    from rapid_eval.rescore import rescore

    src = Path(__file__).parents[1] / "data" / "lmms_eval" / "20261130_194332_samples_rwqa_local.jsonl"
    lines = src.read_text().splitlines()
    (tmp_path / "20261130_194332_results.json").write_bytes((src.parent / "20261130_194332_results.json").read_bytes())
    stuffed = tmp_path / src.name
    stuffed.write_text("\n".join([lines[1]] * 10 + [lines[0]]) + "\n")  # one right answer ten times, one wrong
    with pytest.raises(FormatError, match=f"{stuffed.name}: item .* appears more than once"):
        rescore("realworldqa", [stuffed], workers=0)


BOMB = "".join([f"a{i}: &a{i} [{', '.join([f'*a{i - 1}' if i else 'x'] * 10)}]\n" for i in range(10)])


@pytest.mark.parametrize(("body", "named"), [
    ("perceptors: [{model: m, backend: openai, engine_args: {extra_body: {x: *a9}}}]\n" + "", "alias bomb"),
    ("tasks: 5\nperceptors: [{model: m}]\n", "'tasks'"),
    ("tasks: [{}]\nperceptors: [{model: m}]\n", "'tasks[0]'"),
    ("tasks: [mathvista]\nperceptors: [{model: m}]\nrepeats: two\n", "'repeats'"),
    ("tasks: [mathvista]\nperceptors: [{model: m}]\nbootstrap: -1\n", "'bootstrap'"),
    ("tasks: [mathvista]\nperceptors: [{model: m}]\nscorer: best\n", "'scorer'"),
    ("tasks: [mathvista]\nperceptors: [{model: m}]\nformats: [md, docx]\n", "'formats'"),
    ("tasks: [mathvista]\nperceptors: [{model: m}]\ntables: [variants, pie]\n", "'tables[1]'"),
    ("tasks: [mathvista]\nperceptors: [{model: m, max_new_tokens: lots}]\n", "'perceptors[0].max_new_tokens'"),
    ("tasks: [mathvista]\nperceptors: [{model: m}]\n" + "x: " + "[" * 200 + "]" * 200 + "\n", "nested"),
])
def test_a_bad_config_is_refused_whole_before_any_model_loads_naming_file_and_key(tmp_path: Path, body, named):
    from rapid_eval.reports.config_run import ConfigError, load_config

    path = tmp_path / "run.yaml"
    path.write_text("out: runs/x\n" + (BOMB + "tasks: [mathvista]\n" if "*a9" in body else "") + body)
    t0 = time.perf_counter()
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert str(path) in str(e.value) and named in str(e.value), e.value
    assert time.perf_counter() - t0 < 1.0


DEEP = '{"key": "deep", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n"


def test_a_100k_deep_json_line_is_skipped_by_score_and_report(tmp_path: Path):
    run = tmp_path / "run"
    samples = rapid.load_tasks(["mathvista"], data_dir=FIXTURES, limit=2)
    with rapid.load_engine("scripted", "vlm", reply="A caption. \\boxed{A}") as vlm:
        rapid.perceive(samples, vlm, ["direct", "cap"], run)
    with rapid.load_engine("scripted", "llm", reply="\\boxed{A}") as llm:
        rapid.reason(run, llm)
    for name in ("perception.jsonl", "reasoning.jsonl", "generations.jsonl"):
        with open(run / name, "a") as f:
            f.write(DEEP)
    rapid.score(run)
    build_explorer([run], tmp_path / "site")
    assert (tmp_path / "site" / "index.html").exists()


def test_rescore_names_a_file_nested_too_deeply(tmp_path: Path):
    from rapid_eval.formats.base import FormatError
    from rapid_eval.rescore import rescore

    deep = tmp_path / "20261130_194332_samples_rwqa_local.jsonl"
    deep.write_text(DEEP)
    with pytest.raises(FormatError, match=deep.name):
        rescore("realworldqa", [deep], workers=0)


def test_an_xlsx_zip_bomb_is_refused_fast_naming_the_file(tmp_path: Path, monkeypatch):
    import zipfile

    from rapid_eval.formats.base import FormatError
    from rapid_eval.rescore import rescore

    monkeypatch.setenv("RAPID_EVAL_MAX_XLSX_BYTES", str(16 << 20))  # the 256 MiB default, scaled down
    bomb = tmp_path / "Model_MathVista_MINI.xlsx"
    row = "<row>" + "<c t='inlineStr'><is><t>x</t></is></c>" * 3 + "</row>"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData>" + row * 300_000 + "</sheetData></worksheet>")
    assert bomb.stat().st_size < 1 << 20
    t0 = time.perf_counter()
    with pytest.raises(FormatError, match=f"{bomb.name}: unpacks to .* MiB limit"):
        rescore("mathvista", [bomb], workers=0)
    assert time.perf_counter() - t0 < 2.0


def test_a_run_cannot_make_the_whole_filesystem_or_home_an_image_root(tmp_path: Path):
    from rapid_eval.reports.images import image_roots

    run = tmp_path / "run"
    run.mkdir()
    lines = [{"command": "perceive", "data_dir": d} for d in ("/", str(Path.home()), str(tmp_path / "data"))]
    (run / "stats.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines) + "{not json\n")
    roots = image_roots([run])
    assert Path("/") not in roots and Path(os.path.realpath(Path.home())) not in roots
    assert Path(os.path.realpath(tmp_path / "data")) in roots and Path(os.path.realpath(run)) in roots
