"""A scored run made with the scripted engine on the bundled real items: two reasoners that answer A and B."""

from __future__ import annotations

from pathlib import Path

import pytest
from testlib import FIXTURES


def make_run(root: Path, tasks=("mathvista", "mmmu", "dynamath"), replies=(("llmA", "A"), ("llmB", "B")),
             variants=("direct", "none", "qcap+sol"), repeats: int = 1) -> Path:
    import rapid_eval as rapid

    samples = rapid.load_tasks(list(tasks), data_dir=FIXTURES)
    with rapid.load_engine("scripted", "vlm", reply="A caption. The answer is \\boxed{A}.") as vlm:
        rapid.perceive(samples, vlm, list(variants), root)
    for name, letter in replies:
        with rapid.load_engine("scripted", name, reply="<think>Let me see.</think>So \\boxed{" + letter + "}.") as llm:
            rapid.reason(root, llm, repeats=repeats)
    rapid.score(root)
    return root


@pytest.fixture(scope="session")
def scripted_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs") / "scripted")
