"""``rapid-eval demo``: the whole pipeline offline, on tiny random models and the bundled real items."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

from rapid_eval.log import info, warn
from rapid_eval.paths import cache_dir, fixtures_dir

DEMO_TOKENS = 48
"""A short budget keeps the demo well under three minutes on two CPU cores, whatever the models emit."""


def run_demo(out: Path, models: Path | None = None) -> dict:
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # 6x faster for tiny models on CPU
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from rapid_eval.dev.tiny_models import build_tiny_models
    from rapid_eval.engines.registry import load_engine
    from rapid_eval.evaluation.runner import score_run
    from rapid_eval.perception import VARIANTS, perceive
    from rapid_eval.prompts import PromptSet
    from rapid_eval.reasoning import reason
    from rapid_eval.reports.tables import show_summary
    from rapid_eval.rundir import Run
    from rapid_eval.tasks import load_task, task_names
    from rapid_eval.types import PERCEPTOR_DEFAULTS, REASONER_DEFAULTS

    started = time.time()
    models = Path(models) if models else cache_dir() / "tiny-models"
    paths = build_tiny_models(models)
    data = fixtures_dir()
    samples = []
    for task in task_names():
        if (data / task / "samples.jsonl").exists():
            res = load_task(task, data_dir=str(data))
            for e in res.errors:
                warn(e)
            samples += res.samples
    info(f"demo: {len(samples)} bundled real items from {len(task_names())} benchmarks ({data})")
    run, prompts = Run(out), PromptSet()
    with load_engine("hf", str(paths["vlm"])) as vlm:
        n_p, st_p = perceive(run, vlm, samples, list(VARIANTS), prompts,
                             replace(PERCEPTOR_DEFAULTS, max_new_tokens=DEMO_TOKENS))
    run.log_stats("demo:perceive", n_p, st_p, started)
    with load_engine("hf", str(paths["llm"])) as llm:
        n_r, st_r, _ = reason(run, llm, prompts, replace(REASONER_DEFAULTS, max_new_tokens=DEMO_TOKENS))
    run.log_stats("demo:reason", n_r, st_r, started)
    show_summary(score_run(run, mode="official", workers=1), run.root, "official")
    info(
        f"\ndemo finished in {time.time() - started:.0f}s: {n_p} perception records "
        f"({st_p.generated} generated, {st_p.reused} reused), {n_r} reasoning records "
        f"({st_r.generated} generated, {st_r.reused} reused) in {run.root}\n"
        "The tiny models have random weights and scripted decoders: every caption is the same short sentence and\n"
        "the reasoner always answers \\boxed{5}, so the scores are near zero and mean nothing. The demo shows the\n"
        "pipeline, its records, reuse and scoring end to end. With real models (GPU):\n"
        "  rapid-eval perceive --model Qwen/Qwen2.5-VL-7B-Instruct --backend vllm --tasks mathvista,mathvision \\\n"
        "      --variants qcap+sol --out runs/qwen7b\n"
        "  rapid-eval reason --reasoner Qwen/Qwen3-8B --backend vllm --run runs/qwen7b"
    )
    return {"perception": n_p, "reasoning": n_r, "seconds": time.time() - started}
