"""Run stages with TRL's ``GRPOTrainer``: load the policy, build data and reward, train, checkpoint, resume.

Checkpoints (Hugging Face format, TRL/transformers layout) go to ``OUT/checkpoint-<optimizer step>/`` every
``save_every`` rollout steps and at the end; the final model and processor are written to ``OUT`` itself, so
``rapid-eval perceive --model OUT`` loads it as it is. A rerun of the same command resumes from the newest
*complete* checkpoint (one with ``trainer_state.json`` and the optimiser state: a checkpoint cut by ``kill -9``
is ignored), restoring step counter, optimiser, scheduler and RNG states. ``OUT/stage_done.json`` marks a
finished stage, which a curriculum rerun skips unless the rerun asks for more steps than it ran (then it goes on
from its last checkpoint).

Multi-stage runs write stage ``i`` to ``OUT/stage<i>-<kind>/``, each starting from the previous stage's final
model; the last stage's model files are also copied to ``OUT``.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

from rapid_eval.engines.base import Engine
from rapid_eval.log import info, warn
from rapid_eval.prompts import get_prompts
from rapid_eval.training.checkpoints import check_same_run, last_checkpoint
from rapid_eval.training.config import StageConfig
from rapid_eval.training.data import load_training_data
from rapid_eval.training.dataset import stage_samples, train_dataset
from rapid_eval.training.rewards import ReasonerUnavailable, SolutionReward, VPOReward, get_grader
from rapid_eval.training.trainlog import StepLog
from rapid_eval.training.trl_args import grpo_config, suppress_ids

DONE = "stage_done.json"
LOG = "train_log.jsonl"
TRAINING = "training.json"
"""Written into the final model folder: the stages that made it and the paper row it stands for (``paper_row``),
which the reports read to put the paper's number for a trained checkpoint beside it."""


class TrainingStopped(RuntimeError):
    """The run stopped early with a resumable checkpoint (e.g. the reasoner is down for good)."""


@dataclass
class TrainingStageResult:
    """What one training stage did: where its checkpoint is, steps, time, and whether it resumed or was skipped."""

    out: Path
    steps: int
    seconds: float
    resumed_from: str | None = None
    skipped: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


PROCESSOR_FILES = ("preprocessor_config.json", "processor_config.json", "video_preprocessor_config.json",
                   "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
                   "vocab.json", "merges.txt", "chat_template.jinja", "chat_template.json")


def copy_processor_files(src: str, dst: Path) -> None:
    """Write the initial model's own processor files into a checkpoint.

    The processor is not trained; the torchvision-free processor we train with would save itself without the
    video slot, which ``AutoProcessor`` then cannot load. Copying the original files keeps every checkpoint
    loadable as it is (by ``perceive``, vLLM or ``AutoProcessor``). Image pixel overrides of the training run
    are therefore not written into checkpoints (evaluation sets its own).
    """
    base = Path(src)
    if not base.is_dir():
        from rapid_eval.model_files import model_identity

        base = Path(model_identity(src).get("path", src))
    if not base.is_dir():
        warn(f"cannot find the processor files of {src}; {dst} keeps the processor as saved by the trainer")
        return
    for name in PROCESSOR_FILES:
        if (base / name).is_file():
            shutil.copy2(base / name, dst / name)


class _ProcessorFiles(TrainerCallback):
    def __init__(self, src: str):
        self.src = src

    def on_save(self, args, state, control, **kw):
        if not state.is_world_process_zero:
            return
        ckpt = Path(args.output_dir) / f"checkpoint-{state.global_step}"
        if ckpt.is_dir():
            copy_processor_files(self.src, ckpt)


def load_policy(path: str, cfg: StageConfig) -> tuple[Any, Any]:
    """The policy model and its processor (left padding set: trainer-notes §1.5, TRL #5785)."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForImageTextToText, AutoTokenizer

    from rapid_eval.engines._hf_processor import is_vlm_config, load_vl_processor, tokenizer_of

    vlm = is_vlm_config(AutoConfig.from_pretrained(path))
    dtype = torch.bfloat16 if cfg.bf16 else torch.float32
    model = (AutoModelForImageTextToText if vlm else AutoModelForCausalLM).from_pretrained(path, dtype=dtype)
    processor = load_vl_processor(path) if vlm else AutoTokenizer.from_pretrained(path)
    tokenizer_of(processor).padding_side = "left"
    if hasattr(processor, "padding_side"):
        processor.padding_side = "left"
    ip = getattr(processor, "image_processor", None)
    if ip is not None and (cfg.image_min_pixels or cfg.image_max_pixels):  # Qwen-VL: size holds the pixel range
        size = dict(ip.size or {})
        size["shortest_edge"] = int(cfg.image_min_pixels or size.get("shortest_edge", 0))
        size["longest_edge"] = int(cfg.image_max_pixels or size.get("longest_edge", 0))
        ip.size = size
    return model, processor


def pick_server(urls: str, rank: int) -> str:
    """One of several comma-separated reasoner servers: rank ``r`` sends its slice to server ``r mod n``."""
    servers = [u.strip() for u in urls.split(",") if u.strip()]
    return servers[rank % len(servers)]


def _reward(cfg: StageConfig, model_path: str, processor: Any, reasoner: Engine | None,
            judge: Any) -> tuple[Any, list[Engine], Any]:
    """The stage's reward function, and the objects the caller must close / bind."""
    from rapid_eval.training.hascap import EngineJudge, PolicyJudge
    prompts = get_prompts(cfg.prompts_dir)
    if cfg.kind != "perception":
        return SolutionReward(cfg.grader), [], None
    owned: list[Engine] = []
    if reasoner is None:
        if not cfg.reasoner:
            raise ValueError("the perception (VPO) stage needs --reasoner")
        from rapid_eval.engines.registry import load_engine

        backend = cfg.reasoner_backend or ("openai" if cfg.reasoner_base_url else "hf")
        opts = dict(cfg.reasoner_args)
        if cfg.reasoner_base_url:
            opts["base_url"] = pick_server(cfg.reasoner_base_url, int(os.environ.get("RANK", "0")))
        reasoner = load_engine(backend, cfg.reasoner, **opts)
        owned.append(reasoner)
    policy_judge = None
    if judge is None and cfg.hascap_judge == "policy":
        from rapid_eval.engines._hf_processor import tokenizer_of

        judge = policy_judge = PolicyJudge(processor, prompts, cfg.hascap_max_new_tokens,
                                           suppress_tokens=suppress_ids(tokenizer_of(processor)))
    elif judge is None and cfg.hascap_judge == "frozen":
        from rapid_eval.engines.registry import load_engine

        frozen = load_engine("hf", model_path)
        owned.append(frozen)
        judge = EngineJudge(frozen, prompts, cfg.hascap_max_new_tokens)
    elif judge is None and cfg.hascap_judge != "none":
        raise ValueError(f"hascap_judge must be policy, frozen or none, got {cfg.hascap_judge!r}")
    from rapid_eval.types import SamplingParams

    sampling = SamplingParams(temperature=cfg.reasoner_temperature, top_p=cfg.reasoner_top_p,
                              max_new_tokens=cfg.reasoner_max_new_tokens, seed=None)
    reward = VPOReward(reasoner, judge, prompts, sampling, cfg.penalty, cfg.reasoner_max_failed_steps, cfg.grader)
    return reward, owned, policy_judge


def run_stage(cfg: StageConfig, model_path: str, out: str | Path, reasoner: Engine | None = None,
              judge: Any = None, quiet: bool = False) -> TrainingStageResult:
    """Train one stage from ``model_path`` into ``out`` (resuming if ``out`` holds a checkpoint)."""
    import torch
    from trl import GRPOTrainer

    from rapid_eval.engines._hf_processor import tokenizer_of

    out = Path(out)
    get_grader(cfg.grader)  # an unknown or uninstalled grader fails before the data and the policy load
    if (out / DONE).is_file():
        done_steps = json.loads((out / DONE).read_text()).get("steps", 0)
        if done_steps >= cfg.max_steps:
            info(f"{cfg.kind}: already finished in {out}; skipped")
            return TrainingStageResult(out, done_steps, 0.0, skipped=True)
        # a rerun with a larger --max-steps extends the finished stage from its last checkpoint (as TRL does)
        info(f"{cfg.kind}: finished at {done_steps} steps in {out}; continuing to {cfg.max_steps}")
    out.mkdir(parents=True, exist_ok=True)
    check_same_run(out, {**cfg.to_dict(), "init": model_path})
    data = load_training_data(cfg.data or "", cfg.data_dir, cfg.exclude_sources, cfg.limit)
    for e in data.errors[:10]:
        warn(e)
    samples = stage_samples(data.samples, cfg.kind)
    if not samples:
        want = "text-only" if cfg.kind == "textual_reasoning" else "image"
        raise ValueError(f"{cfg.kind}: no {want} items in {cfg.data}; give this stage its own data")
    info(f"{cfg.kind}: {len(samples)} items from {data.source} ({len(data.errors)} rows skipped, "
         f"{data.excluded} excluded by source)")
    model, processor = load_policy(model_path, cfg)
    reward, owned, policy_judge = _reward(cfg, model_path, processor, reasoner, judge)
    world = max(1, int(os.environ.get("WORLD_SIZE", "1")))
    if world == 1 and os.environ.get("MASTER_ADDR") and os.environ.get("ACCELERATE_USE_CPU", "").lower() == "true":
        warn("`accelerate launch --cpu --num_processes N` starts ONE process (accelerate runs several CPU "
             "processes only through mpirun, --mpirun_hostfile); for N processes on CPU (gloo) use `accelerate "
             "launch --multi_gpu --num_processes N` on a machine without GPUs")
    args = grpo_config(cfg, out, world, suppress_ids(tokenizer_of(processor)), use_cpu=not torch.cuda.is_available())
    main = args.process_index == 0  # rank 0 alone writes the log, the final model and the stage marker
    log = StepLog(out / LOG, cfg.kind, cfg.updates_per_step, quiet=quiet, main=main, world_size=args.world_size,
                  scored=lambda: getattr(reward, "scored", 0))
    trainer = GRPOTrainer(model=model, reward_funcs=[reward], args=args, processing_class=processor,
                          train_dataset=train_dataset(samples, cfg.kind, get_prompts(cfg.prompts_dir)),
                          callbacks=[log, _ProcessorFiles(model_path)])
    from transformers import PrinterCallback

    trainer.remove_callback(PrinterCallback)  # StepLog prints one rich line per step instead
    if policy_judge is not None:
        policy_judge.bind(trainer)
    ckpt = last_checkpoint(out)
    if ckpt is not None:
        info(f"{cfg.kind}: resuming from {ckpt}")
        log.event(event="resume", checkpoint=str(ckpt))
    started = time.time()
    try:
        trainer.train(resume_from_checkpoint=str(ckpt) if ckpt else None)
    except ReasonerUnavailable as e:
        trainer._save_checkpoint(trainer.model, trial=None)
        saved = out / f"checkpoint-{trainer.state.global_step}"
        if main:
            copy_processor_files(model_path, saved)
        log.event(event="stopped", reason=str(e), checkpoint=str(saved))
        raise TrainingStopped(f"{e}. Training stopped; a resumable checkpoint is in {saved}: start the reasoner "
                              "again and rerun the same command to resume.") from e
    finally:
        for eng in owned:
            eng.close()
    trainer.save_model(str(out))  # saves on the main process only (and waits for the others)
    steps = trainer.state.global_step // cfg.updates_per_step
    seconds = time.time() - started
    if not main:
        return TrainingStageResult(out, steps, seconds, resumed_from=str(ckpt) if ckpt else None)
    copy_processor_files(model_path, out)
    (out / DONE).write_text(json.dumps({"kind": cfg.kind, "steps": steps, "seconds": round(seconds, 2),
                                        "init": model_path, "config": cfg.to_dict()}, indent=2, default=str) + "\n")
    return TrainingStageResult(out, steps, seconds, resumed_from=str(ckpt) if ckpt else None,
                       extra={"reward_calls": getattr(reward, "calls", 0)})


def run_curriculum(stages: list[StageConfig], model: str, out: str | Path, **kw: Any) -> list[TrainingStageResult]:
    """Run the stages in order, each from the previous stage's final model (see the module docstring)."""
    for cfg in stages:  # every stage's grader, before the first stage trains
        get_grader(cfg.grader)
    out = Path(out)
    if len(stages) == 1:
        results = [run_stage(stages[0], model, out, **kw)]
    else:
        results = []
        current = model
        for i, cfg in enumerate(stages, 1):
            res = run_stage(cfg, current, out / f"stage{i}-{cfg.kind}", **kw)
            results.append(res)
            current = str(res.out)
        for f in Path(current).iterdir():
            if f.is_file() and f.name not in (DONE, LOG, TRAINING):
                shutil.copy2(f, out / f.name)
    rows = [s.paper_row for s in stages if s.paper_row]
    (out / TRAINING).write_text(json.dumps({"init": model, "paper_row": rows[-1] if rows else None,
                                            "stages": [{"kind": s.kind, "steps": r.steps, "out": str(r.out)}
                                                       for s, r in zip(stages, results, strict=True)]},
                                           indent=2) + "\n")
    return results
