"""``rapid-eval demo``: the whole pipeline offline, on tiny random models and the bundled real items, through the
Python API (:mod:`rapid_eval.api`), as a user script would drive it."""

from __future__ import annotations

import os
import time
from pathlib import Path

from rapid_eval.log import info
from rapid_eval.paths import fixtures_dir
from rapid_eval.variants import RAPID_VARIANT

DEMO_TOKENS = 48
"""A short budget keeps the demo well under three minutes on two CPU cores, whatever the models emit."""


def run_demo(out: Path, models: Path | None = None) -> dict:
    """Perceive and reason every bundled item with the tiny models into the run ``out``; print its summary.

    The tiny VLM and LLM are built in ``models`` (default ``$RAPID_EVAL_TINY_MODELS``, else the user cache) unless
    they are there already. Sets ``OMP_NUM_THREADS=1`` and ``TOKENIZERS_PARALLELISM=false`` where unset. Returns
    ``{"perception": records, "reasoning": records, "seconds": wall time}``.
    """
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # 6x faster for tiny models on CPU
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from rapid_eval import api, benchmarks
    from rapid_eval.dev.tiny_models import build_tiny_models, default_root
    from rapid_eval.reports.tables import show_summary
    from rapid_eval.tasks import task_names

    started = time.time()
    models = Path(models) if models else default_root()
    paths = build_tiny_models(models)
    data = fixtures_dir()
    tasks = [t for t in task_names() if (data / t / "samples.jsonl").exists()]
    samples = api.load_tasks(tasks, data_dir=data)
    info(f"demo: {len(samples)} bundled real items from {len(task_names())} benchmarks ({data})")
    with api.load_engine("hf", str(paths["vlm"])) as vlm:
        p = api.perceive(samples, vlm, None, out, max_new_tokens=DEMO_TOKENS, log_stats=False)
    p.run.log_stats("demo:perceive", p.records, p.stats, started)
    with api.load_engine("hf", str(paths["llm"])) as llm:
        r = api.reason(p.run, llm, max_new_tokens=DEMO_TOKENS, log_stats=False)
    r.run.log_stats("demo:reason", r.records, r.stats, started)
    assert r.scores is not None  # reason scores the run (scorer="official")
    show_summary(r.scores.summary, r.run.root, "official")
    n_p, st_p, n_r, st_r, run = p.records, p.stats, r.records, r.stats, r.run
    example = ",".join(b.name for b in benchmarks.paper_benchmarks()[:2])  # the papers' first two columns
    info(
        f"\ndemo finished in {time.time() - started:.0f}s: {n_p} perception records "
        f"({st_p.generated} generated, {st_p.reused} reused), {n_r} reasoning records "
        f"({st_r.generated} generated, {st_r.reused} reused) in {run.root}\n"
        "The tiny models have random weights and scripted decoders: every caption is the same short sentence and\n"
        "the reasoner always answers \\boxed{5}, so the scores are near zero and mean nothing. The demo shows the\n"
        "pipeline, its records, reuse and scoring end to end. With real models (GPU):\n"
        f"  rapid-eval perceive --model Qwen/Qwen2.5-VL-7B-Instruct --backend vllm --tasks {example} \\\n"
        f"      --variants {RAPID_VARIANT} --run runs/qwen7b\n"
        "  rapid-eval reason --reasoner Qwen/Qwen3-8B --backend vllm --run runs/qwen7b"
    )
    return {"perception": n_p, "reasoning": n_r, "seconds": time.time() - started}
