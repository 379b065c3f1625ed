"""One Benchmark object per folder: found by name, its parts imported on use, its headline the scorer's own."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from testlib import FIXTURES, REPO

from rapid_eval import benchmarks
from rapid_eval.formats.gold import load_gold
from rapid_eval.scoring.generic import GenericScorer
from rapid_eval.tasks import TaskError, load_task
from rapid_eval.tasks.spec import load_spec


def test_every_folder_is_one_benchmark_and_an_unknown_name_gets_the_nearest():
    folders = sorted(p.parent.name for p in (REPO / "rapid_eval" / "benchmarks").glob("*/adapter.py"))
    assert benchmarks.names() == folders and [b.name for b in benchmarks.all()] == folders
    assert benchmarks.get(folders[0]) is benchmarks.get(folders[0])  # built once
    with pytest.raises(benchmarks.UnknownBenchmark, match=r"did you mean 'wemath'\?"):
        benchmarks.get("wemth")


def test_the_headline_is_the_scorers_and_the_yaml_no_longer_says_it():
    for b in benchmarks.all():
        assert b.headline_metric == b.scorer_class.headline
        assert "headline_metric" not in yaml.safe_load(b.task_yaml.read_text(encoding="utf-8"))
    assert benchmarks.get("wemath").headline_metric == "Score (Strict)"  # the YAML said score_strict
    assert benchmarks.get("dynamath").headline_metric == "worst-case accuracy"


def test_a_yaml_that_still_names_a_headline_is_refused_with_the_file(tmp_path, monkeypatch):
    (tmp_path / "tasks").mkdir()
    text = (REPO / "tasks" / "realworldqa.yaml").read_text(encoding="utf-8") + "headline_metric: accuracy\n"
    (tmp_path / "tasks" / "realworldqa.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("RAPID_EVAL_HOME", str(tmp_path))
    load_spec.cache_clear()
    try:
        with pytest.raises(TaskError, match=r"realworldqa\.yaml: .*headline_metric is not read"):
            load_spec("realworldqa")
    finally:
        load_spec.cache_clear()


def test_the_papers_seven_come_in_the_papers_order_with_their_headers():
    paper = benchmarks.paper_benchmarks()
    assert [b.paper_order for b in paper] == list(range(1, 8))
    assert [b.short_name for b in paper] == ["MVista", "MVision", "MVerse", "MMMU", "WeMath", "DynaM", "LogicV"]
    assert benchmarks.get("realworldqa").paper_order is None and benchmarks.get("realworldqa").short_name == "RWQA"


def test_parts_come_from_the_folder_and_missing_ones_have_defaults():
    b = benchmarks.get("mathvista")
    assert b.adapter.name == "mathvista" and b.has_own_scorer and b.readers
    assert b.judge_protocols() == ("official", "vlmevalkit")
    assert benchmarks.get("mmmu").judge_protocols() == ("vlmevalkit",)  # JUDGE = None: rule-based officially
    assert benchmarks.get("wemath").judge_protocols() == () and benchmarks.get("wemath").judge() is None
    assert benchmarks.get("wemath").replay_vlmevalkit([{"res": "A"}]) == [None]  # no judge.py: nothing to replay
    with pytest.raises(ValueError, match="judge protocol"):
        b.judge("gpt")


def test_natural_keys_come_from_the_adapters():
    keys = {name: benchmarks.get(name).natural_key(load_task(name, data_dir=FIXTURES, images=False).samples[0])
            for name in ("dynamath", "wemath", "logicvista", "mathvista")}
    assert keys["dynamath"].count("-") >= 1 and "@" in keys["wemath"] and keys["logicvista"].startswith("v1_")
    first = load_task("mathvista", data_dir=FIXTURES, images=False).samples[0]
    assert keys["mathvista"] == first.id
    gold = benchmarks.get("wemath").load_gold(FIXTURES)
    assert gold == load_gold("wemath", FIXTURES) and all("@" in k for k in gold)


def test_replay_hooks_give_vlmevalkits_verdicts():
    mcq = {"A": "cat", "B": "dog", "answer": "B", "prediction": "It is a dog: B", "log": "Match Log: B. "}
    assert benchmarks.get("realworldqa").replay_vlmevalkit([mcq]) == [True]
    assert benchmarks.get("logicvista").replay_vlmevalkit([{"res": "BD", "answer": "B, D", "log": "x"},
                                                           {"res": "BD", "answer": "B, D"}]) == [True, None]


def test_a_folder_without_scorer_is_scored_by_the_generic_rule(tmp_path):
    code = (
        "import sys, shutil, pathlib\n"
        "import rapid_eval.registry as r\n"
        f"d = pathlib.Path({str(tmp_path)!r}) / 'benchmarks'\n"
        "shutil.copytree(r._BENCHMARKS_DIR / 'realworldqa', d / 'toy', ignore=shutil.ignore_patterns('scorer.py'))\n"
        "(d / 'toy' / '__init__.py').write_text('')\n"
        "r._BENCHMARKS_DIR = d\n"
        "import rapid_eval.benchmarks as b\n"
        "b.__path__.append(str(d))\n"
        "t = b.get('toy')\n"
        "print(t.scorer_class.__name__, t.headline_metric, t.display_name, t.short_name, t.paper_order)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert out.stdout.split() == [GenericScorer.__name__, "accuracy", "toy", "toy", "None"], out.stderr


def test_asking_per_item_reads_the_folder_listing_once(monkeypatch):
    """``get(name).natural_key(s)`` runs once per item of a prediction file (coverage, audit contexts): it must not
    list the benchmarks folder and look the adapter up again each time (20,000 items took 6 s)."""
    from pathlib import Path

    from rapid_eval import registry
    from rapid_eval.types import Sample

    calls = {"listings": 0, "attr": 0}
    real_glob, real_attr = Path.glob, benchmarks.benchmark_attr

    def counted_glob(self, pattern, *a, **k):
        calls["listings"] += self == registry._BENCHMARKS_DIR
        return real_glob(self, pattern, *a, **k)

    def counted_attr(*a, **k):
        calls["attr"] += 1
        return real_attr(*a, **k)

    registry._benchmark_folders.cache_clear()
    monkeypatch.setattr(Path, "glob", counted_glob)
    monkeypatch.setattr(benchmarks, "benchmark_attr", counted_attr)
    keys = [benchmarks.get("mathvision").natural_key(Sample(id=str(i), task="mathvision", question="q", answer="1"))
            for i in range(50)]
    assert keys == [str(i) for i in range(50)]
    assert calls["listings"] <= 1 and calls["attr"] <= 1
