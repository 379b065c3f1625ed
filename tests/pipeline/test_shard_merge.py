"""``--shard I/N`` and ``rapid-eval merge``: shard runs merged record for record equal to one unsharded run."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from testlib import FIXTURES
from typer.testing import CliRunner

from rapid_eval import api, cli
from rapid_eval.storage.merge import MergeError, merge_runs
from rapid_eval.storage.rundir import Run
from rapid_eval.tasks.shard import Shard, parse_shard, shard_samples
from rapid_eval.types import Sample

TASKS = "dynamath,wemath,mathverse,mathvista,mmmu,logicvista"
FILES = ("samples", "generations", "perception", "reasoning")


def _records(run: Path, name: str) -> dict[str, dict]:
    """Latest record per key, without the write time (the only field two runs of one call may differ in)."""
    return {r["key"]: {k: v for k, v in r.items() if k != "created"} for r in Run(run, create=False).store(name)}


def _engine(model: str, **options):
    reply = "caption of {last_word}" if model == "vlm" else "<think>t</think>The answer is \\boxed{{seed_letter}}."
    return api.load_engine("scripted", model, reply=reply, **options)


def _pipeline(samples, out: Path, shard: str | None = None, reason_shard: str | None = None, **perceive_kw) -> Path:
    with _engine("vlm") as vlm:
        api.perceive(samples, vlm, "qcap+sol,direct", out, shard=shard, **perceive_kw)
    with _engine("llm") as llm:
        api.reason(out, llm, shard=reason_shard)
    return out


def _dynamath(seeds: int) -> list[Sample]:
    return [Sample(id=f"{s}-v{v}", task="dynamath", question=f"q{s}", answer="1", group={"seed": str(s),
            "variant": str(v)}) for s in range(seeds) for v in range(1, 11)]


def test_shards_partition_the_samples_keep_groups_whole_and_balance():
    samples = _dynamath(7) + [Sample(id=str(i), task="mathvista", question="q", answer="1") for i in range(31)]
    shards = [shard_samples(samples, Shard(i, 3)) for i in range(3)]
    uids = [s.uid for part in shards for s in part]
    assert sorted(uids) == sorted(s.uid for s in samples)  # every sample exactly once
    for seed in range(7):
        assert sum(any(s.group.get("seed") == str(seed) for s in part) for part in shards) == 1
    sizes = [len(part) for part in shards]
    assert max(sizes) - min(sizes) <= 10, sizes  # at most one group apart (101 samples: 30/30/41 would fail)
    shuffled = random.Random(1).sample(samples, len(samples))  # the split depends on the set, not the order
    assert [{s.uid for s in shard_samples(shuffled, Shard(i, 3))} for i in range(3)] == \
        [{s.uid for s in p} for p in shards]


@pytest.mark.parametrize("text", ["2/2", "1", "-1/3", "a/b", "0/0"])
def test_bad_shard_is_refused(text):
    with pytest.raises(ValueError, match="--shard expects I/N"):
        parse_shard(text)


@pytest.fixture(scope="module")
def fixture_samples():
    return api.load_tasks(TASKS, FIXTURES, on_error=None)


@pytest.fixture(scope="module")
def unsharded(tmp_path_factory, fixture_samples) -> Path:
    return _pipeline(fixture_samples, tmp_path_factory.mktemp("full") / "run")


def test_perceive_shards_merged_equal_an_unsharded_run(tmp_path, fixture_samples, unsharded):
    shards = [_pipeline(fixture_samples, tmp_path / f"s{i}", shard=f"{i}/2") for i in range(2)]
    assert all(len(_records(s, "samples")) < len(fixture_samples) for s in shards)
    merge_runs(shards, tmp_path / "merged")
    for name in FILES:
        assert _records(tmp_path / "merged", name) == _records(unsharded, name), name
    assert api.score(tmp_path / "merged").rows == api.score(unsharded).rows


def test_reason_shards_of_one_perceived_run_merged_equal_an_unsharded_run(tmp_path, fixture_samples, unsharded):
    with _engine("vlm") as vlm:
        api.perceive(fixture_samples, vlm, "qcap+sol,direct", tmp_path / "p")
    for i in range(3):  # each node reasons its share of a copy of the perceived run
        shutil.copytree(tmp_path / "p", tmp_path / f"r{i}")
        with _engine("llm") as llm:
            res = api.reason(tmp_path / f"r{i}", llm, shard=f"{i}/3")
        assert 0 < res.records < len(_records(unsharded, "reasoning"))
    merge_runs([tmp_path / f"r{i}" for i in range(3)], tmp_path / "merged")
    for name in FILES:
        assert _records(tmp_path / "merged", name) == _records(unsharded, name), name


def test_merge_refuses_shards_made_with_other_settings(tmp_path, fixture_samples):
    a = _pipeline(fixture_samples, tmp_path / "a", shard="0/2")
    b = _pipeline(fixture_samples, tmp_path / "b", shard="1/2", temperature=0.7)
    with pytest.raises(MergeError) as e:
        merge_runs([a, b], tmp_path / "m")
    msg = str(e.value)
    assert str(a) in msg and str(b) in msg and "perceive settings" in msg and "temperature: 0.0 vs 0.7" in msg
    assert "\n" not in msg and not (tmp_path / "m").exists()
    result = CliRunner().invoke(cli.app, ["merge", str(a), str(b), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "different perceive settings" in result.output


def test_merge_refuses_missing_repeated_or_differently_cut_shards(tmp_path, fixture_samples):
    s = {spec: _pipeline(fixture_samples, tmp_path / spec.replace("/", "of"), shard=spec)
         for spec in ("0/3", "1/3", "2/3", "1/2")}
    with pytest.raises(MergeError, match=r"shard\(s\) 2/3 missing"):
        merge_runs([s["0/3"], s["1/3"]], tmp_path / "m")
    with pytest.raises(MergeError, match="shards of different splits"):
        merge_runs([s["0/3"], s["1/3"], s["1/2"]], tmp_path / "m")
    shutil.copytree(s["1/3"], tmp_path / "copy")
    with pytest.raises(MergeError, match="are both perceive shard 1/3"):
        merge_runs([s["0/3"], s["1/3"], tmp_path / "copy"], tmp_path / "m")
    fewer = _pipeline(fixture_samples[:-4], tmp_path / "fewer", shard="2/3")
    with pytest.raises(MergeError, match="shards of different splits"):
        merge_runs([s["0/3"], s["1/3"], fewer], tmp_path / "m")
    merge_runs([s["0/3"], s["1/3"], s["2/3"]], tmp_path / "ok")
    with pytest.raises(MergeError, match="already holds records"):
        merge_runs([s["0/3"], s["1/3"], s["2/3"]], tmp_path / "ok")


def test_merge_never_writes_stats_through_a_symlink(tmp_path, fixture_samples):
    shards = [_pipeline(fixture_samples[:6], tmp_path / f"s{i}", shard=f"{i}/2") for i in range(2)]
    outside = tmp_path / "outside.txt"
    outside.write_text("keep\n")
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "stats.jsonl").symlink_to(outside)
    with pytest.raises(OSError, match="stats.jsonl"):
        merge_runs(shards, tmp_path / "m")
    assert outside.read_text() == "keep\n"  # the file the link points at is untouched


def test_merge_copies_the_shards_stats_lines_once_each(tmp_path, fixture_samples):
    shards = [_pipeline(fixture_samples[:6], tmp_path / f"s{i}", shard=f"{i}/2") for i in range(2)]
    merge_runs(shards, tmp_path / "m")
    got = Run(tmp_path / "m", create=False).stats()
    want = [(line.to_dict(), str(s)) for s in shards for line in Run(s, create=False).stats()]
    assert [(({k: v for k, v in g.to_dict().items() if k != "merged_from"}), g.extra["merged_from"]) for g in got] \
        == want
