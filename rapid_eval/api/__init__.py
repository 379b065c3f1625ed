"""The Python API: the CLI, the demo, the tests, the reporters and the trainer all drive the pipeline through here.

Modelled on lm-evaluation-harness's ``simple_evaluate``: plain functions with keyword options for everything the
command line offers, each returning a typed result::

    import rapid_eval as re_
    samples = re_.load_tasks("mathvista,wemath", data_dir="tasks/fixtures", limit=20)
    with re_.load_engine("scripted", "vlm") as vlm:
        re_.perceive(samples, vlm, variants="qcap+sol", out="runs/x")
    with re_.load_engine("openai", "Qwen/Qwen3-8B", base_url="http://127.0.0.1:8000/v1") as llm:
        result = re_.reason("runs/x", llm)              # reasons, then scores the run (scorer=None: no scoring)
    result.scores.rows[0].score                     # the same as re_.score("runs/x").rows[0].score
    re_.export_run("runs/x", "datasets/x")            # O_p as a Hugging Face dataset folder (or push=REPO_ID)
    re_.import_run("datasets/x", "runs/y")            # ... reasoned on elsewhere with no MLLM

Every stage appends one line to ``RUN/stats.jsonl`` (``log_stats=False`` skips it). Nothing here prints tables:
that is the CLI's job (:mod:`rapid_eval.reports`). Errors raise (``TaskError``, ``BackendError``, ``ValueError``)
with one clear line; the CLI turns them into exit codes.
"""

from rapid_eval.api._support import sampling
from rapid_eval.api.datasets import export_run, import_run
from rapid_eval.api.loading import load_engine, load_tasks
from rapid_eval.api.results import ScoreResult, StageResult
from rapid_eval.api.scores import rescore, score
from rapid_eval.api.stages import perceive, perceive_and_reason, reason

__all__ = ["ScoreResult", "StageResult", "export_run", "import_run", "load_engine", "load_tasks", "perceive",
           "perceive_and_reason", "reason", "rescore", "sampling", "score"]
