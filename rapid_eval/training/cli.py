"""``rapid-eval train-vpo`` / ``train-grpo``: thin wiring from flags (and a YAML config) to ``runner``.

Flags left unset keep the YAML value, and the YAML keeps the paper default of the stage kind
(``config.py``). Exit codes: 0 done, 2 bad input (data, config), 3 stopped early with a resumable checkpoint.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated, Any

import typer

from rapid_eval.cli_options import kv_options
from rapid_eval.log import error, info
from rapid_eval.types import REASONER_MAX_NEW_TOKENS

app = typer.Typer(add_completion=False, no_args_is_help=True, help="RAPID training: GRPO, VPO, curricula.")

Opt = typer.Option


def _run(default_kind: str, model: str | None, out: Path | None, config: Path | None, stages: str | None,
         flags: dict[str, Any], sets: list[str] | None = None, dry_run: bool = False) -> None:
    from rapid_eval.training.config import build_stages, parse_sets, run_keys

    warnings.filterwarnings("ignore", category=FutureWarning)
    try:
        plan = build_stages(default_kind, config, stages, flags, parse_sets(sets))
        given = run_keys(config)
        model = model or given["model"]
        out = out or (Path(given["out"]) if given["out"] else None)
    except ValueError as e:
        error(str(e))
        raise typer.Exit(2) from None
    if dry_run:
        import json
        import os

        from rapid_eval.training.trl_args import describe_plan

        world = max(1, int(os.environ.get("WORLD_SIZE", "1")))
        typer.echo(json.dumps(describe_plan(plan, model, str(out) if out else None, world), indent=2, default=str))
        return
    from rapid_eval.training.runner import TrainingStopped, run_curriculum

    try:
        if not model or out is None:
            raise ValueError("give --model and --out (or 'model:' and 'out:' in the --config YAML)")
        for st in plan:
            if not st.data:
                raise ValueError(f"stage {st.kind}: no data (give --data or 'data:' in the YAML)")
        info("stages: " + " -> ".join(f"{s.kind} ({s.max_steps} steps)" for s in plan))
        results = run_curriculum(plan, model, out)
    except TrainingStopped as e:
        error(str(e))
        raise typer.Exit(3) from None
    except (ValueError, FileNotFoundError) as e:
        error(str(e))
        raise typer.Exit(2) from None
    for r in results:
        info(f"{r.out}: {r.steps} steps" + (" (already done)" if r.skipped else f" in {r.seconds:.1f}s"))
    info(f"final model: {out} (rapid-eval perceive --model {out} ...)")


Model = Annotated[str | None, Opt("--model", help="Policy MLLM to start from (local dir or hub id; or 'model:' in "
                                  "the YAML)")]
Out = Annotated[Path | None, Opt("--out", help="Output dir: checkpoints, logs, the final model (rerun to resume)")]
Sets = Annotated[list[str] | None, Opt("--set", help="One stage kind's setting, KIND.KEY=VALUE (e.g. "
                                       "grpo.epsilon_high=0.25); repeatable")]
Grader = Annotated[str | None, Opt("--grader", help="Reward grader: mathruler (RAPID, default) | generic "
                                   "(rapid-eval's boxed + math-verify rule)")]
DryRun = Annotated[bool, Opt("--dry-run", help="Print every stage's resolved settings (JSON, TRL's names) and exit")]
Data = Annotated[str | None, Opt("--data", help="Task name, ROOT/<bench>/samples.jsonl, or a ViRL39K-style "
                                 "jsonl/parquet")]
DataDir = Annotated[Path | None, Opt("--data-dir", help="Local data root for task names")]
Config = Annotated[Path | None, Opt("--config", help="YAML: one stage's settings, or 'stages:' list")]
Steps = Annotated[int | None, Opt("--max-steps", help="Rollout steps per stage")]


@app.command("train-vpo")
def train_vpo(
    model: Model = None, out: Out = None, data: Data = None, data_dir: DataDir = None, config: Config = None,
    max_steps: Steps = None,
    reasoner: Annotated[str | None, Opt("--reasoner",
                                        help="Frozen text reasoner (model dir, hub id, served name)")] = None,
    reasoner_backend: Annotated[str | None, Opt("--reasoner-backend", help="hf | openai | vllm")] = None,
    reasoner_base_url: Annotated[str | None, Opt("--reasoner-base-url", help="OpenAI-compatible server URL")] = None,
    reasoner_arg: Annotated[list[str] | None, Opt("--reasoner-arg", help="Reasoner engine option K=V")] = None,
    reasoner_max_new_tokens: Annotated[int | None, Opt(help=f"Paper: {REASONER_MAX_NEW_TOKENS}")] = None,
    stages: Annotated[str | None, Opt("--stages", help="Curriculum, e.g. perception,visual_reasoning,"
                                      "textual_reasoning")] = None,
    penalty: Annotated[float | None, Opt(help="Caption penalty lambda (paper 0.1)")] = None,
    hascap_judge: Annotated[str | None, Opt(help="policy (live, paper) | frozen | none")] = None,
    num_generations: Annotated[int | None, Opt("--num-generations", help="G (VPO paper 4)")] = None,
    prompts_per_step: Annotated[int | None, Opt(help="Prompts per rollout step (paper 256)")] = None,
    updates_per_step: Annotated[int | None, Opt(help="Optimiser steps per rollout step (paper 2)")] = None,
    micro_batch: Annotated[int | None, Opt(help="Completions per device per pass (paper 8)")] = None,
    learning_rate: Annotated[float | None, Opt("--lr", help="Paper 1e-6")] = None,
    beta: Annotated[float | None, Opt(help="KL coefficient (VPO paper 1e-3)")] = None,
    epsilon: Annotated[float | None, Opt(help="Clip low (0.2)")] = None,
    epsilon_high: Annotated[float | None, Opt(help="Clip high (VPO 0.25)")] = None,
    temperature: Annotated[float | None, Opt(help="Rollout temperature (1.0)")] = None,
    max_completion_length: Annotated[int | None, Opt(help=f"Paper {REASONER_MAX_NEW_TOKENS}")] = None,
    save_every: Annotated[int | None, Opt(help="Rollout steps between checkpoints (paper 50)")] = None,
    limit: Annotated[int | None, Opt(help="Use at most N items")] = None,
    exclude_source: Annotated[list[str] | None, Opt("--exclude-source", help="Drop rows of this source "
                                                    "(default DeepScaleR; repeatable)")] = None,
    seed: Annotated[int | None, Opt()] = None,
    bf16: Annotated[bool | None, Opt("--bf16/--no-bf16")] = None,
    use_vllm: Annotated[bool | None, Opt("--use-vllm/--no-vllm", help="Rollouts through TRL's vLLM")] = None,
    vllm_mode: Annotated[str | None, Opt(help="colocate | server")] = None,
    vllm_server_base_url: Annotated[str | None, Opt(help="trl vllm-serve URL (server mode)")] = None,
    report_to: Annotated[str | None, Opt(help="Comma list: tensorboard,wandb or none")] = None,
    prompts: Annotated[Path | None, Opt(help="Folder of .jinja files overriding the built-in prompts")] = None,
    grader: Grader = None, set_: Sets = None, dry_run: DryRun = False,
) -> None:
    """VPO: the policy writes captions, the frozen reasoner answers from them (one batched call per step)."""
    flags = dict(data=data, data_dir=str(data_dir) if data_dir else None, max_steps=max_steps, reasoner=reasoner,
                 reasoner_backend=reasoner_backend, reasoner_base_url=reasoner_base_url,
                 reasoner_args=kv_options(reasoner_arg, "--reasoner-arg") or None,
                 reasoner_max_new_tokens=reasoner_max_new_tokens,
                 penalty=penalty, hascap_judge=hascap_judge, num_generations=num_generations,
                 prompts_per_step=prompts_per_step, updates_per_step=updates_per_step, micro_batch=micro_batch,
                 learning_rate=learning_rate, beta=beta, epsilon=epsilon, epsilon_high=epsilon_high,
                 temperature=temperature, max_completion_length=max_completion_length, save_every=save_every,
                 limit=limit, exclude_sources=exclude_source, seed=seed, bf16=bf16, use_vllm=use_vllm,
                 vllm_mode=vllm_mode, vllm_server_base_url=vllm_server_base_url,
                 report_to=None if report_to is None else [r for r in report_to.split(",") if r and r != "none"],
                 prompts_dir=str(prompts) if prompts else None, grader=grader)
    _run("perception", model, out, config, stages, flags, set_, dry_run)


@app.command("train-grpo")
def train_grpo(
    model: Model = None, out: Out = None, data: Data = None, data_dir: DataDir = None, config: Config = None,
    max_steps: Steps = None,
    stages: Annotated[str | None, Opt("--stages", help="Stages in order, e.g. grpo,vpo (RAPID) or "
                                      "perception,visual_reasoning,textual_reasoning")] = None,
    text_only: Annotated[bool, Opt("--text-only", help="Textual-reasoning stage: text-only items")] = False,
    num_generations: Annotated[int | None, Opt("--num-generations", help="G (paper 8)")] = None,
    prompts_per_step: Annotated[int | None, Opt(help="Prompts per rollout step (paper 256)")] = None,
    updates_per_step: Annotated[int | None, Opt(help="Optimiser steps per rollout step (paper 2)")] = None,
    micro_batch: Annotated[int | None, Opt(help="Completions per device per pass (paper 8)")] = None,
    learning_rate: Annotated[float | None, Opt("--lr", help="Paper 1e-6")] = None,
    beta: Annotated[float | None, Opt(help="KL coefficient (paper: none, 0)")] = None,
    epsilon: Annotated[float | None, Opt(help="Clip low (0.2)")] = None,
    epsilon_high: Annotated[float | None, Opt(help="Clip high (paper 0.3)")] = None,
    temperature: Annotated[float | None, Opt(help="Rollout temperature (1.0)")] = None,
    max_completion_length: Annotated[int | None, Opt(help=f"Paper {REASONER_MAX_NEW_TOKENS}")] = None,
    save_every: Annotated[int | None, Opt(help="Rollout steps between checkpoints (paper 50)")] = None,
    limit: Annotated[int | None, Opt(help="Use at most N items")] = None,
    exclude_source: Annotated[list[str] | None, Opt("--exclude-source", help="Drop rows of this source")] = None,
    seed: Annotated[int | None, Opt()] = None,
    bf16: Annotated[bool | None, Opt("--bf16/--no-bf16")] = None,
    use_vllm: Annotated[bool | None, Opt("--use-vllm/--no-vllm")] = None,
    report_to: Annotated[str | None, Opt(help="Comma list: tensorboard,wandb or none")] = None,
    grader: Grader = None, set_: Sets = None, dry_run: DryRun = False,
) -> None:
    """GRPO: the policy's own boxed answer (the sol prompt) is the reward (paper stage 1)."""
    flags = dict(data=data, data_dir=str(data_dir) if data_dir else None, max_steps=max_steps,
                 num_generations=num_generations, prompts_per_step=prompts_per_step,
                 updates_per_step=updates_per_step, micro_batch=micro_batch, learning_rate=learning_rate,
                 beta=beta, epsilon=epsilon, epsilon_high=epsilon_high, temperature=temperature,
                 max_completion_length=max_completion_length, save_every=save_every, limit=limit,
                 exclude_sources=exclude_source, seed=seed, bf16=bf16, use_vllm=use_vllm,
                 report_to=None if report_to is None else [r for r in report_to.split(",") if r and r != "none"],
                 grader=grader)
    _run("textual_reasoning" if text_only else "visual_reasoning", model, out, config, stages, flags, set_, dry_run)


def register(parent: typer.Typer) -> None:
    """Add ``train-vpo`` and ``train-grpo`` to the main ``rapid-eval`` app."""
    parent.command("train-vpo")(train_vpo)
    parent.command("train-grpo")(train_grpo)
