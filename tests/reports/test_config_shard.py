"""``rapid-eval run CONFIG --shard I/N``: each node runs its share of a config (streamed); ``merge`` of the shards
then equals the unsharded config run, record for record and score for score."""

from __future__ import annotations

import json
from pathlib import Path

from testlib import FIXTURES
from typer.testing import CliRunner

from rapid_eval import api, cli
from rapid_eval.storage.merge import merge_runs
from rapid_eval.storage.rundir import Run

FILES = ("samples", "generations", "perception", "reasoning")


def _records(run: Path, name: str) -> dict[str, dict]:
    return {r["key"]: {k: v for k, v in r.items() if k not in ("created", "seconds")}
            for r in Run(run, create=False).store(name)}


def _config(tmp: Path) -> Path:
    cfg = {
        "out": "unused", "data_dir": str(FIXTURES), "tasks": ["dynamath", "wemath", "mathvista", "mmmu"],
        "perceptors": [{"model": "vlm", "backend": "scripted", "engine_args": {"reply": "caption of {last_word}"}}],
        "reasoners": [{"model": "llm", "backend": "scripted",
                       "engine_args": {"reply": "<think>t</think>The answer is \\boxed{{seed_letter}}."}}],
        "variants": ["qcap+sol", "cap", "direct"], "repeats": 2, "tables": ["variants"], "report": False,
        "bootstrap": 10,
    }
    path = tmp / "cfg.yaml"
    path.write_text(json.dumps(cfg))
    return path


def _run(*args: str) -> None:
    res = CliRunner().invoke(cli.app, ["run", *args])
    assert res.exit_code == 0, f"{res.output}\n{res.exception!r}"


def test_config_shards_merged_equal_the_unsharded_config_run(tmp_path):
    cfg = _config(tmp_path)
    _run(str(cfg), "--out", str(tmp_path / "whole"))
    for i in range(2):
        _run(str(cfg), "--out", str(tmp_path / f"s{i}"), "--shard", f"{i}/2")
    shares = [len(_records(tmp_path / f"s{i}", "samples")) for i in range(2)]
    assert all(shares) and sum(shares) == len(_records(tmp_path / "whole", "samples"))
    merge_runs([tmp_path / "s0", tmp_path / "s1"], tmp_path / "merged")
    for name in FILES:
        assert _records(tmp_path / "merged", name) == _records(tmp_path / "whole", name), name
    assert api.score(tmp_path / "merged").rows == api.score(tmp_path / "whole").rows


def test_bad_shard_fails_before_anything_runs(tmp_path):
    res = CliRunner().invoke(cli.app, ["run", str(_config(tmp_path)), "--out", str(tmp_path / "x"), "--shard", "2/2"])
    assert res.exit_code == 2 and "I/N" in res.output and not (tmp_path / "x").exists()
