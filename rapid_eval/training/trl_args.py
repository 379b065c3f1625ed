"""``StageConfig`` -> TRL ``GRPOConfig``: batch layout (decision 3), paper knobs, logging and saving cadence.

Batch layout: one rollout step generates ``prompts_per_step x num_generations`` completions (TRL's
``generation_batch_size``) and spends them in ``updates_per_step`` optimiser steps. With W processes and
``micro_batch`` completions per device per forward pass::

    per_device_train_batch_size = min(micro_batch, P*G / (U*W))
    gradient_accumulation_steps = P*G / (U * W * per_device_train_batch_size)
    steps_per_generation        = U * gradient_accumulation_steps

so ``steps_per_generation > gradient_accumulation_steps`` whenever U >= 2, which makes TRL compute old
log-probs and the clip range (``epsilon``/``epsilon_high``) active; with U = 1 the ratio is 1 and clipping is
inert (trainer-notes §1.4). TRL's ``max_steps``/``save_steps``/``logging_steps`` count optimiser steps, so the
rollout-step settings are multiplied by U. Learning rate constant, no warmup (paper).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rapid_eval.training.config import StageConfig

VISION_TOKENS = ("<|image_pad|>", "<|video_pad|>", "<|vision_start|>", "<|vision_end|>")


def batch_layout(prompts: int, generations: int, updates: int, micro: int, world: int) -> tuple[int, int, int]:
    """``(per_device_train_batch_size, gradient_accumulation_steps, steps_per_generation)``; ValueError if the
    numbers do not divide evenly."""
    total = prompts * generations
    if min(prompts, generations, updates, micro, world) < 1:
        raise ValueError("prompts_per_step, num_generations, updates_per_step, micro_batch must be >= 1")
    if total % (updates * world):
        raise ValueError(f"prompts_per_step x num_generations = {total} completions cannot be split into "
                         f"{updates} update(s) over {world} process(es)")
    per_update = total // (updates * world)
    per_device = min(micro, per_update)
    if per_update % per_device:
        raise ValueError(f"{per_update} completions per process per update are not a multiple of "
                         f"micro_batch={per_device}; choose a micro_batch that divides it")
    accum = per_update // per_device
    return per_device, accum, updates * accum


def suppress_ids(tokenizer: Any) -> list[int]:
    """Vision placeholder ids, which a sampled rollout must never contain (trainer-notes §1.5)."""
    vocab = tokenizer.get_vocab()
    return sorted(vocab[t] for t in VISION_TOKENS if t in vocab)


def grpo_config(cfg: StageConfig, out: Path, world: int, suppress: list[int], use_cpu: bool) -> Any:
    """TRL's ``GRPOConfig`` from :func:`grpo_kwargs` (imports TRL).

    ``world``: training processes; ``suppress``: token ids no rollout may sample (:func:`suppress_ids`).
    Raises ``ValueError`` when the batch does not split evenly (:func:`batch_layout`).
    """
    from trl import GRPOConfig

    return GRPOConfig(**grpo_kwargs(cfg, out, world, suppress, use_cpu))


def grpo_kwargs(cfg: StageConfig, out: Path, world: int, suppress: list[int], use_cpu: bool) -> dict[str, Any]:
    """The keyword arguments of TRL's ``GRPOConfig`` for a stage (TRL's own names; steps are optimiser steps)."""
    per_device, accum, spg = batch_layout(cfg.prompts_per_step, cfg.num_generations, cfg.updates_per_step,
                                          cfg.micro_batch, world)
    u = cfg.updates_per_step
    extra: dict[str, Any] = {}
    if cfg.use_vllm:
        extra.update(use_vllm=True, vllm_mode=cfg.vllm_mode)
        if cfg.vllm_server_base_url:
            extra["vllm_server_base_url"] = cfg.vllm_server_base_url
    return dict(
        output_dir=str(out), max_steps=cfg.max_steps * u, save_strategy="steps", save_steps=cfg.save_every * u,
        logging_steps=u, logging_first_step=False, report_to=list(cfg.report_to) or "none",
        per_device_train_batch_size=per_device, gradient_accumulation_steps=accum, steps_per_generation=spg,
        num_generations=cfg.num_generations, num_iterations=1, learning_rate=cfg.learning_rate,
        lr_scheduler_type="constant", warmup_steps=0, weight_decay=cfg.weight_decay,
        max_grad_norm=cfg.max_grad_norm, beta=cfg.beta, epsilon=cfg.epsilon, epsilon_high=cfg.epsilon_high,
        loss_type=cfg.loss_type, scale_rewards="group", temperature=cfg.temperature, top_p=cfg.top_p,
        max_completion_length=cfg.max_completion_length, generation_kwargs={"suppress_tokens": suppress} if
        suppress else None, remove_unused_columns=False, seed=cfg.seed, data_seed=cfg.seed, bf16=cfg.bf16,
        use_cpu=use_cpu, disable_tqdm=True, dataloader_num_workers=0, save_only_model=False, **extra,
    )


ALGORITHM = {"perception": "VPO", "visual_reasoning": "GRPO", "textual_reasoning": "GRPO (text-only)"}


def describe_plan(stages: list[StageConfig], model: str | None, out: str | None, world: int = 1) -> list[dict]:
    """Every stage's resolved settings, as ``--dry-run`` prints them.

    Per stage: ``init`` (the model it starts from), ``out``, ``settings`` (TRL's names where TRL has the knob;
    ``max_steps``/``save_every`` count rollout steps, the paper's steps) and ``GRPOConfig`` (exactly what TRL
    receives; its ``max_steps``/``save_steps`` count optimiser steps = rollout steps x ``updates_per_step``).
    """
    base = Path(out or "OUT")
    plan, current = [], model or "MODEL"
    for i, cfg in enumerate(stages, 1):
        stage_out = base if len(stages) == 1 else base / f"stage{i}-{cfg.kind}"
        try:
            trl: dict[str, Any] | str = grpo_kwargs(cfg, stage_out, world, [], use_cpu=False)
            trl.pop("generation_kwargs", None)  # type: ignore[union-attr]
        except ValueError as e:
            trl = f"invalid: {e}"
        plan.append({"stage": i, "kind": cfg.kind, "algorithm": ALGORITHM[cfg.kind], "init": current,
                     "out": str(stage_out), "settings": cfg.to_dict(), "GRPOConfig": trl})
        current = str(stage_out)
    return plan
