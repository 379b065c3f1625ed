"""What the command line checks before any model loads or any request is sent (exit code 2, one line naming the fix).

Everything that can be known without a model is checked here, in about a second: the variant names, the task
names, ``--limit``, the backend name, a local model folder, the ``device`` engine option against the installed
torch, that a run directory holds what the stage reads (``reason`` needs perception records, ``score`` and the
tables need answers). The commands call these first; :func:`usage_error` prints the line and exits 2.

Exit codes of every command (also in ``rapid-eval --help`` and docs/cli.md): 0 done; 1 the work ran but ended
incomplete (failed requests, skipped rows, unscored answers) or stopped on an error; 2 a usage or input error
found before any work; 130 interrupted.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NoReturn

import typer

from rapid_eval.log import error
from rapid_eval.variants import DIRECT

EXIT_CODES = ("Exit codes: 0 done; 1 the work ran but ended incomplete (failed requests, skipped input rows, "
              "unscored answers; --allow-incomplete exits 0) or stopped on an error; 2 a usage or input error "
              "found before any model loaded; 130 interrupted (everything done so far is saved).")


def usage_error(msg: str) -> NoReturn:
    """One ``error:`` line on stderr, exit code 2 (nothing was loaded, sent or written)."""
    error(msg)
    raise typer.Exit(2)


def variants(spec: str | None) -> None:
    """``--variants`` names only known variants (None or empty: the default set); else a usage error."""
    from rapid_eval.variants import parse_variants

    try:
        parse_variants(spec)
    except ValueError as e:
        usage_error(f"--variants: {e} (`rapid-eval variants` lists them)")


def limit(n: int | None) -> None:
    """``--limit`` is at least 1 when given; else a usage error."""
    if n is not None and n < 1:
        usage_error(f"--limit {n}: give at least 1, or leave --limit out for every sample")


def shard(spec: str | None) -> None:
    """``--shard`` has the form ``I/N`` with 0 <= I < N when given; else a usage error."""
    if spec is not None:
        from rapid_eval.tasks.shard import parse_shard  # only then: it imports the task loaders

        try:
            parse_shard(spec)
        except ValueError as e:
            usage_error(str(e))


def scorer(mode: str) -> None:
    """``--scorer`` is one of ``types.SCORER_MODES``; else a usage error."""
    from rapid_eval.types import SCORER_MODES

    if mode not in SCORER_MODES:
        usage_error(f"--scorer {mode}: choose official (each benchmark's rules) or generic (boxed + math-verify)")


def tasks(spec: str) -> None:
    """Every name in the comma list is a known task (spelling hints from the task registry)."""
    from rapid_eval.tasks import TaskError
    from rapid_eval.tasks.spec import load_spec

    names = [t.strip() for t in spec.split(",") if t.strip()]
    if not names:
        usage_error("--tasks is empty; `rapid-eval tasks` lists them")
    for name in names:
        try:
            load_spec(name)
        except TaskError as e:
            usage_error(f"--tasks: {e}")


def data_dir(path: Path | None) -> None:
    """``--data-dir`` is an existing folder when given; else a usage error naming the bundled items' folder."""
    if path is not None and not path.is_dir():
        usage_error(f"--data-dir {path}: no such folder (the bundled items: --data-dir {_fixtures()})")


def _fixtures() -> str:
    from rapid_eval.tasks.sources import _fixtures as bundled

    return bundled()


def backend_name(backend: str | None, base_url: str | None) -> str:
    """The backend that will run (``openai`` with a base URL, else ``hf``); an unknown name is a usage error."""
    from rapid_eval.engines.registry import ENGINES
    from rapid_eval.registry import RegistryError

    name = backend or ("openai" if base_url else "hf")
    try:
        ENGINES.entry(name)
    except RegistryError as e:
        usage_error(f"--backend: {e}")
    return name


def model(name: str, backend: str, flag: str = "--model") -> str:
    """``tiny:vlm`` / ``tiny:llm`` -> the offline tiny models (built on first use, as the demo and configs do); a
    local path that does not exist is a usage error (not the hub's "Repo id must be in the form ..." later)."""
    if name.startswith("tiny:"):
        from rapid_eval.dev.tiny_models import tiny_model

        try:
            return str(tiny_model(name))
        except ValueError as e:
            usage_error(f"{flag} {name}: {e}")
    if backend not in ("hf", "vllm"):
        return name  # a served name: the server decides
    path = Path(name).expanduser()
    looks_local = name.startswith((".", "/", "~")) or name.count("/") > 1 or os.sep != "/" and os.sep in name
    if looks_local and not path.exists():
        usage_error(f"{flag} {name}: no such model folder (a hub id has the form org/name; the offline tiny "
                    "models are tiny:vlm and tiny:llm)")
    if path.exists() and not path.is_dir():
        usage_error(f"{flag} {name}: not a folder (give the model's folder, with its config.json)")
    return name


def device(backend: str, options: dict[str, Any]) -> None:
    """``device=cuda`` (or ``cuda:N``) for a local backend needs a CUDA build of torch and that many GPUs."""
    wanted = str(options.get("device", "")).strip().lower()
    if backend not in ("hf", "vllm") or not wanted.startswith("cuda"):
        return
    import torch

    count = torch.cuda.device_count() if torch.cuda.is_available() else 0
    index = wanted.partition(":")[2]
    if count == 0:
        build = "a CPU-only build" if torch.version.cuda is None else "a CUDA build that sees no GPU"
        usage_error(f"--engine-arg device={wanted}: no CUDA device (torch {torch.__version__} is {build}); "
                    "install a CUDA build of torch (https://pytorch.org/get-started/locally/) or use device=cpu")
    if index.isdigit() and int(index) >= count:
        usage_error(f"--engine-arg device={wanted}: only {count} CUDA device(s) are visible (cuda:0..cuda:"
                    f"{count - 1})")


def perception_records(run_dir: Path, perceptor: str | None = None) -> None:
    """``reason`` reads perception records: a run without any (of ``perceptor``, when given) is a usage error
    naming ``perceive`` (or the perceptors the run has)."""
    run_exists(run_dir, "perceive --run")
    if not has_lines(run_dir / "perception.jsonl"):
        usage_error(f"{run_dir}: no perception records to reason over; run `rapid-eval perceive --run {run_dir} "
                    "--model ... --tasks ...` first")
    if perceptor:
        models = _perceptors(run_dir / "perception.jsonl")
        if perceptor not in models:
            usage_error(f"--perceptor {perceptor}: no perception record of that model in {run_dir} (its perceptors: "
                        f"{', '.join(sorted(models)) or 'none'})")


def _perceptors(path: Path) -> set[str]:
    """The perceptor models named in a perception file (lines that do not parse are left to the stage)."""
    import json

    models: set[str] = set()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                rec = json.loads(line)
            except (ValueError, RecursionError):
                continue
            model = (rec.get("perceptor") or {}).get("model") if isinstance(rec, dict) else None
            if isinstance(model, str):
                models.add(model)
    return models


def answers(run_dir: Path) -> None:
    """``score`` needs answers: reasoning records, or the perceptor's ``direct`` answers."""
    run_exists(run_dir, "perceive --run")
    if has_lines(run_dir / "reasoning.jsonl") or _has_direct(run_dir / "perception.jsonl"):
        return
    first = "reason --run" if has_lines(run_dir / "perception.jsonl") else "perceive --run"
    usage_error(f"{run_dir}: no answers to score yet; run `rapid-eval {first} {run_dir} ...` first")


def run_exists(run_dir: Path, first: str = "perceive --run") -> None:
    """``run_dir`` is a folder; else a usage error that tells how to create it (``first``: the command to run)."""
    if not run_dir.is_dir():
        usage_error(f"{run_dir}: no such run directory (create it with `rapid-eval {first} {run_dir} ...`)")


def has_lines(path: Path) -> bool:
    """Whether ``path`` holds a non-blank line (False when it is missing or unreadable); parses nothing."""
    try:
        with open(path, "rb") as f:
            return any(line.strip() for line in f)
    except OSError:
        return False


def _has_direct(path: Path) -> bool:
    """Whether a perception file holds a ``direct`` answer (scored as it is, without a reasoner)."""
    try:
        with open(path, "rb") as f:
            marks = (f'"variant": "{DIRECT}"'.encode(), f'"variant":"{DIRECT}"'.encode())
            return any(m in line for line in f for m in marks)
    except OSError:
        return False
