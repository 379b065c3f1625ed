"""``rapid-eval run CONFIG.yaml``: one file reproduces a table — tasks, perceptors, reasoners, variants, repeats,
tables — and running it performs every stage that is missing, then writes the tables and the report.

Every model call goes through the run's generation cache, so a second run makes no call (``stats.jsonl`` shows
``generated: 0``); scoring is recomputed from the records (it makes no model call). Paths in the config are
relative to the config file. Schema (see ``results/configs/*.yaml``)::

    out: runs/NAME                 # the run directory
    data_dir: DIR                  # default for every task (optional; else the hub)
    limit: N                       # default per task (optional)
    tasks: [mathvista, ...]        # or a mapping name -> {data_dir, limit, options}
    perceptors: [{model, backend, base_url, engine_args, max_new_tokens, temperature, top_p, seed}]
    reasoners:  [{model, backend, base_url, engine_args, max_new_tokens, temperature, top_p, seed, thinking}]
    variants: [direct, qcap+sol]   # O_p variants (direct = the MLLM alone)
    repeats: 1                     # reasoner samples per answer (distinct seeds)
    scorer: official
    params: {MODEL: BILLIONS}      # for main/scaling when the weights are not on disk
    tables: [variants, main, scaling, {kind: ablation, spec: FILE}]
    formats: [md, json]            # each table written as OUT/tables/<kind>.<format>
    report: true                   # the HTML explorer in OUT/report
    bootstrap: 1000
    hascap: {model, backend, ...}  # judge every caption with the hasCap prompt (valid-caption ratio), cached
    stream: auto                   # reasoners start on each perception record as it lands (true / false / auto:
                                   # true unless two engines would be in-process vLLM instances at once)
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from rapid_eval.bounded_yaml import YamlTooLarge, load_yaml
from rapid_eval.log import info, warn
from rapid_eval.reports.config_check import ConfigError, check_config
from rapid_eval.variants import DIRECT

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from rapid_eval.storage.cache import CallStats

KNOWN = {"out", "data_dir", "limit", "tasks", "perceptors", "reasoners", "variants", "repeats", "scorer", "params",
         "tables", "formats", "report", "bootstrap", "title", "description", "hascap", "stream"}
ENGINE_KEYS = {"model", "backend", "base_url", "engine_args"}
SAMPLING_KEYS = {"max_new_tokens", "temperature", "top_p", "seed", "thinking"}




def _model(base: Path, model: str) -> str:
    """``tiny:vlm`` / ``tiny:llm``: the offline tiny models (built on first use, as the demo does); a path
    starting with ``.``, ``/`` or ``~``, or a folder that exists beside the config: relative to the config;
    anything else: a hub id or served name."""
    if model.startswith("tiny:"):
        from rapid_eval.dev.tiny_models import tiny_model

        try:
            return str(tiny_model(model))
        except ValueError as e:
            raise ConfigError(str(e)) from None
    local = _rel(base, Path(model).expanduser())
    return str(local) if model.startswith((".", "/", "~")) or local.is_dir() else model


def load_config(path: Path, out: Path | None = None) -> dict[str, Any]:
    """Read and check the YAML config at ``path``; return it with paths resolved and defaults filled in.

    ``out`` (resolved) replaces the config's ``out``; relative paths are taken from the config's folder. ``tasks``
    becomes a list of ``{name, data_dir, limit, options}``, ``variants`` a checked list, and each model entry's
    ``model`` a path or a served name (``tiny:`` models are built here on first use).

    Raises:
        ConfigError: the file cannot be read, or a key is unknown, missing or malformed (the message names
            ``path`` and the entry).
    """
    try:
        cfg = load_yaml(path) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError, YamlTooLarge) as e:
        raise ConfigError(f"{path}: cannot read the config ({e})") from None
    if not isinstance(cfg, dict):
        raise ConfigError(f"{path}: the config must be a mapping")
    unknown = sorted(set(cfg) - KNOWN)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(KNOWN))}")
    for key in ("out", "tasks", "perceptors"):
        if not cfg.get(key):
            raise ConfigError(f"{path}: '{key}' is required")
    check_config(path, cfg)  # every model entry is a mapping with a 'model' from here on
    judges = [cfg["hascap"]] if cfg.get("hascap") else []
    for kind, models in (("perceptors", cfg.get("perceptors")), ("reasoners", cfg.get("reasoners")),
                         ("hascap", judges)):
        for i, m in enumerate(models or []):
            bad = sorted(set(m) - ENGINE_KEYS - SAMPLING_KEYS)
            if bad:
                raise ConfigError(f"{path}: {kind}[{i}] ({m['model']}): unknown key(s) {', '.join(bad)}")
    from rapid_eval.perception import parse_variants

    try:
        cfg["variants"] = parse_variants(cfg.get("variants"))
    except ValueError as e:
        raise ConfigError(f"{path}: variants: {e}") from None
    base = path.parent
    cfg["out"] = Path(out).resolve() if out else _rel(base, cfg["out"])
    cfg["tasks"] = _tasks(path, cfg)
    for m in [*cfg["perceptors"], *(cfg.get("reasoners") or []), *judges]:
        m["model"] = _model(base, str(m["model"]))
    return cfg


def _rel(base: Path, p: Any) -> Path:
    p = Path(str(p))
    return p if p.is_absolute() else (base / p).resolve()


def _tasks(path: Path, cfg: dict) -> list[dict[str, Any]]:
    raw = cfg["tasks"]
    items = raw.items() if isinstance(raw, dict) else [(t, {}) if isinstance(t, str) else next(iter(t.items()))
                                                        for t in raw]
    out = []
    for name, opts in items:
        opts = dict(opts or {})
        data_dir = opts.get("data_dir", cfg.get("data_dir"))
        out.append({"name": name, "data_dir": str(_rel(path.parent, data_dir)) if data_dir else None,
                    "limit": opts.get("limit", cfg.get("limit")), "options": opts.get("options") or {}})
    return out


def _engine(m: dict) -> AbstractContextManager[Any]:
    from rapid_eval.api import load_engine

    opts = {str(k): v for k, v in (m.get("engine_args") or {}).items()}
    return load_engine(m.get("backend"), m["model"], base_url=m.get("base_url"), **opts)


def _sampling(m: dict) -> dict[str, Any]:
    """The config's sampling settings of one model, as keyword options of the API's stages."""
    return {k: m[k] for k in ("max_new_tokens", "temperature", "top_p", "seed", "thinking") if k in m}


def run_config(path: Path, out: Path | None = None, shard: str | None = None) -> dict[str, Any]:
    """Run every missing stage of the config, then write its tables and report; return what was done.

    Reasoning streams behind the (last) perceptor: each reasoner starts on a perception record as soon as it
    lands (``api.perceive_and_reason``). ``shard``: ``"I/N"``, this node's share of every stage
    (:mod:`rapid_eval.tasks.shard`); ``rapid-eval merge`` joins the shards' runs."""
    from rapid_eval import api
    from rapid_eval.reports.load import forget_runs

    cfg = load_config(path, out)
    samples = []
    skipped: list[str] = []

    def skip(msg: str) -> None:
        warn(msg)
        skipped.append(msg)

    for t in cfg["tasks"]:
        samples += api.load_tasks([t["name"]], data_dir=t["data_dir"], limit=t["limit"],
                                  options={t["name"]: t["options"]}, on_loaded=info, on_error=skip)
    done: dict[str, Any] = {"generated": 0, "reused": 0, "failed": 0, "stages": [], "skipped_rows": len(skipped)}
    reasoned = [v for v in cfg["variants"] if v != DIRECT]
    reasoners = (cfg.get("reasoners") or []) if reasoned else []
    # a shard's run holds only its share of the samples: its reasoners reason all of it (not a share of a share)
    scorer = cfg.get("scorer", "official")
    # every reasoning pass scores with the config's scorer: the last one leaves the final score below nothing to do
    ropts = [{"variants": reasoned, "repeats": int(cfg.get("repeats") or 1), "config": str(path), "scorer": scorer,
              **_sampling(m)} for m in reasoners]
    for i, m in enumerate(cfg["perceptors"]):
        kw = _sampling(m)
        kw.pop("thinking", None)
        with ExitStack() as stack:
            engine = stack.enter_context(_engine(m))
            if _streamed(cfg, i):
                engines = [stack.enter_context(_engine(r)) for r in reasoners]
                res, rres = api.perceive_and_reason(samples, engine, engines, cfg["variants"], cfg["out"],
                                                    perceive_options={"config": str(path), "shard": shard, **kw},
                                                    reason_options=ropts, scorer=scorer)
            else:
                res = api.perceive(samples, engine, cfg["variants"], cfg["out"], config=str(path), shard=shard, **kw)
        _count(done, "perceive", m["model"], res.stats)
        if _streamed(cfg, i):
            for r, rr in zip(reasoners, rres, strict=True):
                _reasoned(done, r, rr)
    if not _streamed(cfg, len(cfg["perceptors"]) - 1):
        for m, o in zip(reasoners, ropts, strict=True):
            with _engine(m) as engine:
                _reasoned(done, m, api.reason(cfg["out"], engine, **o))
    done["incomplete"] = api.score(cfg["out"], scorer=scorer).incomplete
    forget_runs()
    if cfg.get("hascap"):
        from rapid_eval.reports.diagnostics import caption_ratio

        with _engine(cfg["hascap"]) as engine:
            _, st = caption_ratio(cfg["out"], engine, max_new_tokens=cfg["hascap"].get("max_new_tokens"))
        _count(done, "hascap", cfg["hascap"]["model"], st)
    done["tables"] = write_tables(cfg, path)
    if cfg.get("report", True):
        from rapid_eval.reports.build import BootOptions
        from rapid_eval.reports.explorer import build_explorer
        from rapid_eval.reports.summary import summary_html

        site = cfg["out"] / "report"
        boot = BootOptions(int(cfg.get("bootstrap", 1000)))
        data_dirs = [t["data_dir"] for t in cfg["tasks"] if t["data_dir"]]
        done["report"] = str(build_explorer([cfg["out"]], site, summary_html([cfg["out"]], site, boot,
                                                                             cfg.get("params") or {}),
                                            data_dirs=data_dirs))
    info(f"run {path}: {done['generated']} calls made, {done['reused']} reused, {done['failed']} failed "
         f"-> {cfg['out']}")
    return done


def _streamed(cfg: dict, perceptor: int) -> bool:
    """Whether reasoning streams behind this perceptor (``stream:`` in the config; default: unless two engines
    would be in-process vLLM instances at once, which share one GPU's memory budget). Only the last perceptor
    streams: each earlier one is followed by the next perceptor, not by the reasoners."""
    stream = cfg.get("stream", "auto")  # checked by load_config: True, False or "auto"
    if perceptor != len(cfg["perceptors"]) - 1 or not cfg.get("reasoners") or stream is False:
        return False
    engines = [cfg["perceptors"][perceptor], *cfg["reasoners"]]
    return stream is True or sum(m.get("backend") == "vllm" for m in engines) < 2


def _reasoned(done: dict, m: dict, res: Any) -> None:
    for s in res.skipped[:10]:
        warn(s)
    _count(done, "reason", m["model"], res.stats)


def _count(done: dict, stage: str, model: str, st: CallStats) -> None:
    done["generated"] += st.generated
    done["reused"] += st.reused
    done["failed"] += st.failed
    done["stages"].append({"stage": stage, "model": model, "generated": st.generated, "reused": st.reused,
                           "failed": st.failed, "errors": st.errors[:5]})


def write_tables(cfg: dict, path: Path) -> list[str]:
    """Each table of the config in each format, under ``OUT/tables``; the scaling table also as a PNG."""
    from rapid_eval.reports import kinds
    from rapid_eval.reports.build import BootOptions
    from rapid_eval.reports.diagnostics import diagnostics_table
    from rapid_eval.reports.render import render

    boot = BootOptions(int(cfg.get("bootstrap", 1000)))
    runs, params = [cfg["out"]], cfg.get("params") or {}
    out_dir = cfg["out"] / "tables"
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for entry in cfg.get("tables") or ["variants"]:  # kinds, formats and ablation entries checked by load_config
        kind = entry if isinstance(entry, str) else entry.get("kind")
        if kind == "ablation":
            if entry.get("spec"):
                table = kinds.ablation(_rel(path.parent, entry["spec"]), boot)
            else:
                inline = {k: v for k, v in entry.items() if k != "kind"}
                table = kinds.ablation(path, boot, inline=inline, default_run=cfg["out"])
        elif kind in ("main", "scaling"):
            table = getattr(kinds, kind)(runs, boot, params=params)
        elif kind == "variants":
            table = kinds.variants(runs, boot)
        else:
            table = diagnostics_table(runs)
        for fmt in cfg.get("formats") or ["md", "json"]:
            target = out_dir / f"{kind}.{'tex' if fmt == 'latex' else fmt}"
            text = render(table, fmt)
            target.write_text(text, encoding="utf-8")
            written.append(str(target))
        if kind == "scaling":
            from rapid_eval.reports.plots import scaling_plot

            if png := scaling_plot(table, out_dir / "scaling.png"):
                written.append(str(png))
    return written
