"""Training settings: one ``StageConfig`` per curriculum stage, paper defaults, YAML and flag overrides.

Precedence: the paper defaults of the stage kind (``rapid-method.md`` §8) < the YAML file < command-line flags
< ``--set KIND.KEY=VALUE`` (one stage kind only).
A YAML file holds either one stage's keys at the top level (with ``kind:``), or ``stages:`` (a list of per-stage
mappings) plus shared keys at the top level that every stage inherits. A stage never inherits another stage
kind's recipe (``RECIPE_KEYS``: G, beta, clip range, steps): in a plan of several kinds these keys must sit under
their stage (a shared one is an error naming the file), and a one-stage file's keys apply to its own kind only
(``train-vpo --stages grpo,vpo --config vpo_paper.yaml`` leaves the GRPO stage at the GRPO defaults). Top-level
``model:`` (the initial policy), ``out:`` and ``paper_row:`` (the paper row the final checkpoint stands for, e.g.
``ablation:E``; written into the checkpoint for the reports) describe the run, not a stage.

Stage kinds ("From Seeing to Thinking", ``rapid-method.md`` §10):

- ``perception``: VPO. The policy writes a query-conditioned caption (``qcap``); the frozen reasoner answers from
  it (``reason_train``); reward 1 if right, ``1 - penalty`` if right but the output holds no genuine caption.
- ``visual_reasoning``: GRPO. The policy answers the question about the image itself (``sol``); reward = its own
  boxed answer graded by rapid-eval's generic rule. Paper stage 1.
- ``textual_reasoning``: GRPO on text-only items (the same ``sol`` prompt, no image).

Decisions recorded here (trainer-notes §4):

- **Batch (decision 3):** ``prompts_per_step`` counts *prompts* (paper: 256), each sampled ``num_generations``
  times; ``updates_per_step`` optimiser steps (paper: 2, PPO mini-batch 128) consume one rollout batch. In TRL
  terms ``steps_per_generation = updates_per_step x gradient_accumulation_steps``, so with 2 updates the old
  log-probs are computed and the clip range is active (with 1 update TRL sets ratio = 1 and clipping is inert).
  ``max_steps`` and ``save_every`` count *rollout steps* (the paper's step 150/200), not optimiser steps.
- **Loss (decision 2):** ``loss_type="dapo"`` (token-mean, as verl's ``token-mean`` used by the authors).
- **Clip high (decision 4):** 0.25 for VPO (RAPID), 0.3 for GRPO (paper stage 1).
- **KL (decision 10):** TRL's k3 estimator with ``beta`` (VPO 1e-3, GRPO 0); verl clamps k3 to ±10, TRL does not.
- **Lengths (decision 11):** ``max_completion_length`` 8192 as the paper; images keep the processor's own
  pixel limits unless ``image_min_pixels``/``image_max_pixels`` are set (paper: 512² .. 2048²).
- **Grader (decision 5):** ``mathruler`` as the authors; ``grader: generic`` for rapid-eval's rule.
- **Reasoner sampling (decision 6):** T=1.0, top_p 1, one sample, as the authors (not the eval 0.6/0.95).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rapid_eval.types import REASONER_MAX_NEW_TOKENS

STAGE_KINDS = ("perception", "visual_reasoning", "textual_reasoning")
ALIASES = {"vpo": "perception", "grpo": "visual_reasoning", "perception": "perception",
           "visual": "visual_reasoning", "visual_reasoning": "visual_reasoning",
           "textual": "textual_reasoning", "text": "textual_reasoning", "textual_reasoning": "textual_reasoning"}


@dataclass
class StageConfig:
    """Everything one stage needs. Field comments give the paper value where it differs from the default."""

    kind: str = "perception"
    data: str | None = None
    """A task name, a benchmark ``samples.jsonl`` (``ROOT/<bench>/samples.jsonl``), or a ViRL39K-style file."""
    data_dir: str | None = None
    """Local data root for task names (``DIR/<task>/samples.jsonl``); None reads the hub."""
    exclude_sources: list[str] = field(default_factory=lambda: ["DeepScaleR"])
    """Rows whose ``source`` is listed are dropped (paper: DeepScaleR rows of ViRL39K)."""
    limit: int | None = None
    max_steps: int = 200
    """Rollout steps (paper: VPO checkpoint at step 150, GRPO at 200)."""
    prompts_per_step: int = 256
    updates_per_step: int = 2
    micro_batch: int = 8
    """Completions per device per forward/backward (paper: 8 per GPU)."""
    num_generations: int = 4
    learning_rate: float = 1e-6
    weight_decay: float = 0.01
    max_grad_norm: float = 1.0
    beta: float = 1e-3
    epsilon: float = 0.2
    epsilon_high: float = 0.25
    temperature: float = 1.0
    top_p: float = 1.0
    loss_type: str = "dapo"
    grader: str = "mathruler"
    """Reward grader: ``mathruler`` (RAPID's, the default) or ``generic`` (rapid-eval's boxed + math-verify rule)."""
    max_completion_length: int = REASONER_MAX_NEW_TOKENS  # the paper uses the same 8192 for both
    image_min_pixels: int | None = None
    image_max_pixels: int | None = None
    # VPO only
    reasoner: str | None = None
    reasoner_backend: str | None = None
    """hf | openai | vllm (default: openai when ``reasoner_base_url`` is set, else hf)."""
    reasoner_base_url: str | None = None
    reasoner_args: dict[str, Any] = field(default_factory=dict)
    reasoner_temperature: float = 1.0
    reasoner_top_p: float = 1.0
    reasoner_max_new_tokens: int = REASONER_MAX_NEW_TOKENS
    reasoner_max_failed_steps: int = 3
    """Consecutive steps in which every reasoner request failed before the run stops (resumably)."""
    penalty: float = 0.1
    hascap_judge: str = "policy"
    """``policy`` (the live policy, as the authors), ``frozen`` (the initial policy, loaded once), ``none``."""
    hascap_max_new_tokens: int = 4
    # bookkeeping
    save_every: int = 50
    """Rollout steps between checkpoints (paper: 50); a final checkpoint is always written."""
    seed: int = 0
    bf16: bool = False
    use_vllm: bool = False
    vllm_mode: str = "colocate"
    vllm_server_base_url: str | None = None
    report_to: list[str] = field(default_factory=lambda: ["tensorboard"])
    prompts_dir: str | None = None
    paper_row: str | None = None
    """The paper row the checkpoint stands for (``ablation:E``, ``main:<system>``), recorded in ``training.json``."""

    def override(self, **changes: Any) -> StageConfig:
        """A copy with the non-None ``changes`` applied (unknown keys raise with the list of known ones)."""
        known = {f.name for f in dataclasses.fields(self)}
        bad = sorted(set(changes) - known)
        if bad:
            raise ValueError(f"unknown training setting(s) {', '.join(bad)}; known: {', '.join(sorted(known))}")
        types = {f.name: str(f.type) for f in dataclasses.fields(self)}
        return dataclasses.replace(self, **{k: _coerce(k, v, types[k]) for k, v in changes.items() if v is not None})

    def to_dict(self) -> dict[str, Any]:
        """Every setting as plain data (``dataclasses.asdict``): what ``training.json`` and ``--dry-run`` record."""
        return dataclasses.asdict(self)


def _coerce(key: str, value: Any, type_name: str) -> Any:
    """YAML reads ``1e-6`` as a string (YAML 1.1 floats need a dot): convert numbers and booleans by field type."""
    base = type_name.split(" |")[0]
    try:
        if base == "float":
            return float(value)
        if base == "int":
            return int(value)
        if base == "bool" and isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "on")
    except (TypeError, ValueError):
        raise ValueError(f"training setting {key}: expected {base}, got {value!r}") from None
    if base.startswith("list") and isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


PAPER_DEFAULTS: dict[str, dict[str, Any]] = {
    # rapid-method.md §8, stage 2 (vpo_7b.sh)
    "perception": dict(num_generations=4, beta=1e-3, epsilon=0.2, epsilon_high=0.25, max_steps=150),
    # rapid-method.md §8, stage 1 (grpo_7b.sh)
    "visual_reasoning": dict(num_generations=8, beta=0.0, epsilon=0.2, epsilon_high=0.3, max_steps=200),
    # no paper value: the GRPO stage-1 settings on text-only items
    "textual_reasoning": dict(num_generations=8, beta=0.0, epsilon=0.2, epsilon_high=0.3, max_steps=200),
}


RECIPE_KEYS = ("num_generations", "beta", "epsilon", "epsilon_high", "max_steps")
"""Settings whose paper value differs between stage kinds: never shared across kinds."""
RUN_KEYS = ("model", "out")
"""Top-level YAML keys that describe the run (initial policy, output folder), not a stage."""


def stage_kind(name: str) -> str:
    """Canonical stage kind for a name or alias (``vpo`` -> ``perception``, ``grpo`` -> ``visual_reasoning``)."""
    key = name.strip().lower().replace("-", "_")
    if key not in ALIASES:
        raise ValueError(f"unknown stage '{name}'; choose from: {', '.join(STAGE_KINDS)} (aliases vpo, grpo, text)")
    return ALIASES[key]


def default_stage(kind: str) -> StageConfig:
    """A stage of ``kind`` (a name or alias) with the paper's recipe for it (``PAPER_DEFAULTS``), defaults elsewhere.

    Raises ``ValueError`` for an unknown stage name.
    """
    kind = stage_kind(kind)
    return StageConfig(kind=kind, **PAPER_DEFAULTS[kind])


def read_yaml(path: str | Path) -> dict[str, Any]:
    """The mapping in a training config file (an empty file gives ``{}``).

    Raises ``ValueError`` naming the file when it cannot be read or parsed, or does not hold a mapping.
    """
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text()) or {}
    except (OSError, yaml.YAMLError) as e:
        raise ValueError(f"{p}: cannot read training config: {e}") from e
    if not isinstance(data, dict):
        raise ValueError(f"{p}: a training config must be a mapping, got {type(data).__name__}")
    return data


def run_keys(yaml_path: str | Path | None) -> dict[str, Any]:
    """``model`` / ``out`` from a YAML file's top level (None when absent)."""
    doc = read_yaml(yaml_path) if yaml_path else {}
    return {k: doc.get(k) for k in RUN_KEYS}


def parse_sets(items: list[str] | None) -> dict[str, dict[str, Any]]:
    """``["grpo.epsilon_high=0.25"]`` -> ``{"visual_reasoning": {"epsilon_high": "0.25"}}`` (values YAML-read)."""
    out: dict[str, dict[str, Any]] = {}
    for item in items or []:
        target, sep, value = item.partition("=")
        kind, dot, key = target.partition(".")
        if not sep or not dot or not key:
            raise ValueError(f"--set expects KIND.KEY=VALUE (e.g. grpo.epsilon_high=0.25), got '{item}'")
        out.setdefault(stage_kind(kind), {})[key.strip()] = yaml.safe_load(value)
    return out


def build_stages(default_kind: str, yaml_path: str | Path | None = None, stages: str | None = None,
                 flags: dict[str, Any] | None = None,
                 sets: dict[str, dict[str, Any]] | None = None) -> list[StageConfig]:
    """The stages to run, in order: defaults of each kind < YAML (shared keys, then the stage's own) < flags
    < ``sets`` (per stage kind).

    ``stages`` (``"perception,visual_reasoning"``) overrides the YAML's stage list; without either, one stage of
    ``default_kind`` runs. See the module docstring for what a stage may inherit.
    """
    doc = read_yaml(yaml_path) if yaml_path else {}
    shared = {k: v for k, v in doc.items() if k != "stages" and k not in RUN_KEYS}
    per_stage: list[dict[str, Any]] = list(doc.get("stages") or [])
    for own in per_stage:
        if not isinstance(own, dict):
            raise ValueError(f"{yaml_path}: each entry of 'stages' must be a mapping, got {own!r}")
    single_kind = stage_kind(shared.pop("kind")) if "kind" in shared and not per_stage else None
    if stages:
        names = [s for s in stages.split(",") if s.strip()]
        by_kind = {stage_kind(d.get("kind", default_kind)): d for d in per_stage}
        per_stage = [{**by_kind.get(stage_kind(n), {}), "kind": n} for n in names]
    if not per_stage:
        per_stage = [{"kind": single_kind or default_kind}]
    kinds = {stage_kind(own.get("kind", default_kind)) for own in per_stage}
    own_kind: dict[str, Any] = {}
    if single_kind is not None:  # a one-stage file: its keys belong to its kind only
        own_kind, shared = shared, {}
    elif len(kinds) > 1 and (clash := [k for k in RECIPE_KEYS if k in shared]):
        raise ValueError(f"{yaml_path}: {', '.join(clash)} at the top level would give stages of different kinds "
                         f"({', '.join(sorted(kinds))}) one value; put it under each stage")
    out = []
    for own in per_stage:
        kind = stage_kind(own.get("kind", default_kind))
        merged = {**shared, **(own_kind if kind == single_kind else {}), **own,
                  **{k: v for k, v in (flags or {}).items() if v is not None}, **(sets or {}).get(kind, {})}
        merged["kind"] = kind
        out.append(default_stage(kind).override(**merged))
    return out
