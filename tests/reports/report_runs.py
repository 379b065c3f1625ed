"""Runs for the reporter tests, made with the scripted engine on the bundled real items (imported by name, so
the module name is unique across the test folders)."""

from __future__ import annotations

from pathlib import Path

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
