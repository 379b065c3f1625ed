"""A scored run made with the scripted engine on the bundled real items: two reasoners that answer A and B."""

from __future__ import annotations

from pathlib import Path

import pytest
from testlib import FIXTURES


def make_run(root: Path, tasks=("mathvista", "mmmu", "dynamath"), replies=(("llmA", "A"), ("llmB", "B")),
             variants=("direct", "none", "qcap+sol"), repeats: int = 1) -> Path:
    from rapid_eval.engines.registry import load_engine
    from rapid_eval.perception import perceive
    from rapid_eval.prompts import PromptSet
    from rapid_eval.reasoning import reason
    from rapid_eval.rundir import Run
    from rapid_eval.scoring.score_run import score_run
    from rapid_eval.tasks import load_task
    from rapid_eval.types import PERCEPTOR_DEFAULTS, REASONER_DEFAULTS

    samples = [s for t in tasks for s in load_task(t, data_dir=str(FIXTURES)).samples]
    run, prompts = Run(root), PromptSet()
    with load_engine("scripted", "vlm", reply="A caption. The answer is \\boxed{A}.") as vlm:
        perceive(run, vlm, samples, list(variants), prompts, PERCEPTOR_DEFAULTS)
    for name, letter in replies:
        with load_engine("scripted", name, reply="<think>Let me see.</think>So \\boxed{" + letter + "}.") as llm:
            reason(run, llm, prompts, REASONER_DEFAULTS, repeats=repeats)
    score_run(run)
    return root


@pytest.fixture(scope="session")
def scripted_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs") / "scripted")
