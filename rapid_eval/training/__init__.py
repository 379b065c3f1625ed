"""The embedded RAPID trainer: GRPO and VPO on TRL's ``GRPOTrainer`` (``rapid-eval train-vpo`` / ``train-grpo``).

Modules: ``config`` (stage settings, paper defaults, YAML), ``data`` (ViRL39K / benchmark / task items; the one
task-loading adapter), ``dataset`` (TRL rows, prompts, lazy images), ``rewards`` (VPO and GRPO rewards),
``hascap`` (caption-validity judge), ``trl_args`` (batch layout -> ``GRPOConfig``), ``runner`` (train, checkpoint,
resume, curriculum), ``trainlog`` (JSONL + terminal lines), ``cli``. Importing this package loads no torch.
"""
