"""An unusable grader fails the whole curriculum before any stage starts (no folder made, no model loaded)."""

from __future__ import annotations

import pytest

from rapid_eval.training.config import build_stages
from rapid_eval.training.runner import run_curriculum, run_stage


def test_a_later_stages_unknown_grader_fails_before_the_first_stage(tmp_path):
    plan = build_stages("perception", stages="grpo,vpo", flags={"data": "mathvista"},
                        sets={"perception": {"grader": "nope"}})
    with pytest.raises(ValueError, match="unknown grader 'nope'"):
        run_curriculum(plan, str(tmp_path / "no-such-model"), tmp_path / "out")
    assert not (tmp_path / "out").exists()  # stage 1 did not start


def test_run_stage_checks_the_grader_before_the_data_and_the_policy(tmp_path):
    cfg = build_stages("grpo", flags={"data": "no-such-task", "grader": "nope"})[0]
    with pytest.raises(ValueError, match="unknown grader 'nope'"):
        run_stage(cfg, str(tmp_path / "no-such-model"), tmp_path / "out")
