"""A config's ``scorer:`` is the one every scoring pass of ``rapid-eval run`` uses: with ``scorer: generic`` no
answer is ever decided by a benchmark's official rule (before, each reasoning pass scored with the official rules
and the final pass scored everything again with the generic one)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rapid_eval.reports.config_run import run_config

FIXTURES = Path(__file__).resolve().parents[2] / "tasks" / "fixtures"


@pytest.mark.parametrize("stream", [True, False])
def test_every_pass_scores_with_the_configs_scorer(tmp_path, stream):
    config = tmp_path / "c.yaml"
    config.write_text(f"""
out: {tmp_path / 'run'}
data_dir: {FIXTURES}
limit: 2
tasks: [mathvista, wemath]
perceptors:
  - {{model: vlm, backend: scripted, engine_args: {{reply: "A caption. The answer is \\\\boxed{{A}}."}}}}
reasoners:
  - {{model: r1, backend: scripted, engine_args: {{reply: "The answer is \\\\boxed{{A}}."}}}}
  - {{model: r2, backend: scripted, engine_args: {{reply: "The answer is \\\\boxed{{B}}."}}}}
variants: [cap]
scorer: generic
stream: {str(stream).lower()}
tables: []
report: false
""", encoding="utf-8")
    run_config(config)
    cache = [json.loads(x) for x in (tmp_path / "run" / "verdict_cache.jsonl").read_text().splitlines()]
    verdicts = [json.loads(x) for x in (tmp_path / "run" / "verdicts.jsonl").read_text().splitlines()]
    samples = (tmp_path / "run" / "samples.jsonl").read_text().splitlines()
    assert len(verdicts) == 2 * len(samples) and {v["scorer"] for v in verdicts} == {"generic"}
    # one cached verdict per answer: every pass decided with the same scorer (a verdict-cache key includes it)
    assert len({c["key"] for c in cache}) == len(verdicts)
    assert not [c["decided_by"] for c in cache if c["decided_by"].startswith("rule:mathvista")]
