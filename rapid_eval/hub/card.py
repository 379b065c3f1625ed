"""The dataset card (``README.md``) of an export: YAML metadata the Hub reads, then prose.

The metadata holds the Hub's own keys (``license``, ``configs`` one per benchmark plus ``all``, ``tags``) and,
under ``rapid_eval``, the provenance a leaderboard of perceptor x reasoner pairs is rebuilt from: record kind and
schema version, versions, the command that made the export, the stage commands and settings of the run (engine
identities, sampling, variants, prompt overrides), per benchmark its row count and license, and for reasoning
exports the run's score summary. Each benchmark's license is read from its task YAML (``tasks/<name>.yaml``).
"""

from __future__ import annotations

import json
import re
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from rapid_eval.hub.schema import SCHEMA_VERSION, SPLIT
from rapid_eval.storage.rundir import Run

CARD = "README.md"
_STAGE = {"perception": ("perceive",), "reasoning": ("perceive", "reason")}


def hub_license_ids(text: str) -> list[str]:
    """The Hub's license identifiers named in a free-text license (``CC BY-NC 4.0 (non-commercial)`` ->
    ``cc-by-nc-4.0``; ``MIT (GitHub README) / Apache-2.0 (HF card)`` -> both); ``other`` when none is known."""
    ids = []
    for m in re.finditer(r"\bCC[ -]BY((?:-(?:NC|SA|ND))*)[ -](\d\.\d)\b", text, re.IGNORECASE):
        ids.append(f"cc-by{m.group(1).lower()}-{m.group(2)}")
    if re.search(r"\bMIT\b", text):
        ids.append("mit")
    if m2 := re.search(r"\bApache[ -](\d\.\d)\b", text, re.IGNORECASE):
        ids.append(f"apache-{m2.group(1)}")
    return ids or ["other"]


def benchmark_license(task: str) -> str:
    """The license of ``task``'s items as its YAML states it (``unknown`` for data with no task YAML)."""
    from rapid_eval.tasks.spec import TaskError, load_spec

    try:
        return load_spec(task).license or "unknown"
    except TaskError:
        return "unknown"


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _stage_provenance(run: Run, stages: tuple[str, ...]) -> dict[str, Any]:
    """The distinct settings and command lines of the run's successful stage invocations (``stats.jsonl``)."""
    out: dict[str, Any] = {}
    for stage in stages:
        lines = [s for s in run.stats() if s.command == stage and not s.error]
        settings = {json.dumps(s.settings, sort_keys=True) for s in lines if s.settings}
        out[stage] = {"settings": [json.loads(x) for x in sorted(settings)],
                      "commands": sorted({" ".join(["rapid-eval", *s.argv]) for s in lines if s.argv})}
    return out


def card_metadata(run: Run, kind: str, counts: dict[str, int], images: bool, command: str) -> dict[str, Any]:
    """The card's YAML metadata for an export of ``run`` with ``counts`` rows per benchmark."""
    benchmarks: dict[str, dict[str, Any]] = {}
    licenses: set[str] = set()
    for name in sorted(counts):
        text = benchmark_license(name)
        ids = hub_license_ids(text)
        licenses.update(ids)
        benchmarks[name] = {"rows": counts[name], "license": text, "license_ids": ids,
                            "non_commercial": any("-nc" in i for i in ids)}
    configs: list[dict[str, Any]] = [{"config_name": "all", "default": True,
                                      "data_files": [{"split": SPLIT, "path": "data/*/*.parquet"}]}]
    configs += [{"config_name": name, "data_files": [{"split": SPLIT, "path": f"data/{name}/*.parquet"}]}
                for name in benchmarks]
    prov: dict[str, Any] = {
        "kind": kind, "schema_version": SCHEMA_VERSION, "images": images, "command": command,
        "versions": {"rapid_eval": _version("rapid-eval"), "run_schema": run.schema_version,
                     "datasets": _version("datasets"), "pyarrow": _version("pyarrow")},
        "benchmarks": benchmarks, "stages": _stage_provenance(run, _STAGE[kind]),
    }
    summary = run.root / "summary.json"
    if kind == "reasoning" and summary.exists():
        prov["summary"] = json.loads(summary.read_text(encoding="utf-8")).get("rows", [])
    ids = sorted(licenses)
    return {"license": ids[0] if len(ids) == 1 else ids, "pretty_name": _title(kind, counts),
            "tags": ["rapid-eval", "multimodal-reasoning", kind], "task_categories": ["visual-question-answering"],
            "configs": configs, "rapid_eval": prov}


def _title(kind: str, counts: dict[str, int]) -> str:
    what = "perception outputs (O_p)" if kind == "perception" else "reasoning traces with verdicts"
    return f"rapid-eval {what}: {', '.join(sorted(counts))}"


def write_card(out: Path, meta: dict[str, Any]) -> Path:
    """Write ``OUT/README.md``: the YAML block, then prose for readers."""
    prov = meta["rapid_eval"]
    lines = [f"# {meta['pretty_name']}", "",
             f"Exported by rapid-eval {prov['versions']['rapid_eval']} (dataset schema {prov['kind']} "
             f"v{prov['schema_version']}) with `{prov['command']}`.", ""]
    if prov["kind"] == "perception":
        lines += ["Each row is one O_p variant of one benchmark item by one perceptor: the O_p text (`op_text`) and "
                  "its parts (`caption`, `solution`, `direct_answer`), the item (`sample`, with its gold answer), "
                  "and the perceptor's identity, sampling and prompts. Reason on it with any text LLM, no MLLM:", "",
                  "```bash", "rapid-eval import <this dataset> --out runs/imported",
                  "rapid-eval reason --run runs/imported --reasoner <your LLM> ...", "```", ""]
    else:
        lines += ["Each row is one reasoner answer on one O_p variant of one benchmark item, with its verdict "
                  "(`correct`, `extracted`, `decided_by`, `verdict`) from the run's last `rapid-eval score`.", ""]
    lines += ["| benchmark | rows | license of the items |", "|---|---|---|"]
    lines += [f"| {name} | {b['rows']} | {b['license']} |" for name, b in prov["benchmarks"].items()]
    if any(b["non_commercial"] for b in prov["benchmarks"].values()):
        nc = ", ".join(n for n, b in prov["benchmarks"].items() if b["non_commercial"])
        lines += ["", f"**Non-commercial:** the rows of {nc} derive from items licensed for non-commercial use only."]
    lines += ["", "Model outputs are derived from the benchmarks' items; each benchmark's license applies to its "
              "rows. Provenance (engine identities, sampling, variants, commands) is in the `rapid_eval` metadata "
              "above."]
    text = "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=120) + "---\n\n"
    path = out / CARD
    path.write_text(text + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_metadata(folder: Path) -> dict[str, Any] | None:
    """The ``rapid_eval`` block of a dataset folder's card, or None (no card, or not an export)."""
    path = folder / CARD
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n") or "\n---\n" not in text[4:]:
        return None
    try:
        meta = yaml.safe_load(text[4:text.index("\n---\n", 4)])
    except yaml.YAMLError:
        return None
    prov = meta.get("rapid_eval") if isinstance(meta, dict) else None
    return prov if isinstance(prov, dict) else None


def is_export(folder: Path) -> bool:
    """``folder`` holds an earlier rapid-eval export (a card with a ``rapid_eval`` block)."""
    return read_metadata(folder) is not None
