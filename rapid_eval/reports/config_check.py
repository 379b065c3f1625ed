"""Whole-config checks for ``rapid-eval run CONFIG.yaml``, made before any model loads: every key's type and
value, each error naming the file and the key (``tables[2].kind``, ``perceptors[0].engine_args``), so a typo in
``repeats`` or ``formats`` fails in a second instead of after the model stages ran."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rapid_eval.types import SCORER_MODES

TABLES = ("ablation", "main", "variants", "scaling", "diagnostics")
FORMATS = ("md", "csv", "latex", "json", "html")


class ConfigError(ValueError):
    """A config that cannot run; the message names the file and the entry."""


def _int(v: Any, low: int) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= low


def _num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def check_config(path: Path, cfg: dict[str, Any]) -> None:
    """Raise ``ConfigError`` for the first key of ``cfg`` with a wrong type or value."""

    def bad(key: str, want: str) -> ConfigError:
        return ConfigError(f"{path}: '{key}' must be {want}, got {cfg_value(key)!r:.80}")

    values: dict[str, Any] = {}

    def cfg_value(key: str) -> Any:
        return values.get(key)

    def need(key: str, value: Any, ok: bool, want: str) -> None:
        values[key] = value
        if not ok:
            raise bad(key, want)

    for key in ("out", "data_dir", "title", "description"):
        if cfg.get(key) is not None:
            need(key, cfg[key], isinstance(cfg[key], str), "a string")
    for key, low in (("limit", 1), ("repeats", 1), ("bootstrap", 0)):
        if cfg.get(key) is not None:
            need(key, cfg[key], _int(cfg[key], low), f"an integer >= {low}")
    if "report" in cfg:
        need("report", cfg["report"], isinstance(cfg["report"], bool), "true or false")
    if "stream" in cfg:
        need("stream", cfg["stream"], isinstance(cfg["stream"], bool) or cfg["stream"] == "auto", "true, false or auto")
    if cfg.get("scorer") is not None:
        need("scorer", cfg["scorer"], cfg["scorer"] in SCORER_MODES, " or ".join(SCORER_MODES))
    if cfg.get("params") is not None:
        params = cfg["params"]
        need("params", params, isinstance(params, dict) and all(_num(v) for v in params.values()),
             "a mapping MODEL: BILLIONS")
    _check_tasks(cfg.get("tasks"), need)
    for kind in ("perceptors", "reasoners"):
        models = cfg.get(kind)
        if models is None:
            continue
        need(kind, models, isinstance(models, list), "a list of {model: ..., backend: ...}")
        for i, m in enumerate(models):
            _check_model(f"{kind}[{i}]", m, need)
    if cfg.get("hascap") is not None:
        _check_model("hascap", cfg["hascap"], need)
    formats = cfg.get("formats")
    if formats is not None:
        need("formats", formats, isinstance(formats, list) and all(f in FORMATS for f in formats),
             f"a list of {', '.join(FORMATS)}")
    tables = cfg.get("tables")
    if tables is not None:
        need("tables", tables, isinstance(tables, list), "a list")
        for i, t in enumerate(tables):
            table: Any = t if isinstance(t, str) else t.get("kind") if isinstance(t, dict) else None
            need(f"tables[{i}]", t, table in TABLES, f"one of {', '.join(TABLES)} (or {{kind: ..., ...}})")
            if table == "ablation":
                need(f"tables[{i}]", t, isinstance(t, dict) and bool(t.get("spec") or t.get("rows")),
                     "{kind: ablation, spec: FILE} or inline rows")


def _check_tasks(tasks: Any, need: Any) -> None:
    want = "a list of task names (or {name: {data_dir, limit, options}}) or such a mapping"
    need("tasks", tasks, isinstance(tasks, list | dict) and bool(tasks), want)
    if isinstance(tasks, dict):
        entries = list(tasks.items())
    else:
        entries = []
        for i, t in enumerate(tasks):
            if isinstance(t, str):
                entries.append((t, None))
            else:
                need(f"tasks[{i}]", t, isinstance(t, dict) and len(t) == 1, "a task name or {name: {...}}")
                entries.append(next(iter(t.items())))
    for name, opts in entries:
        need(f"tasks.{name}", name, isinstance(name, str) and bool(name), "a task name")
        if opts is None:
            continue
        need(f"tasks.{name}", opts, isinstance(opts, dict) and set(opts) <= {"data_dir", "limit", "options"},
             "a mapping with data_dir, limit, options")
        if opts.get("data_dir") is not None:
            need(f"tasks.{name}.data_dir", opts["data_dir"], isinstance(opts["data_dir"], str), "a string")
        if opts.get("limit") is not None:
            need(f"tasks.{name}.limit", opts["limit"], _int(opts["limit"], 1), "an integer >= 1")
        if opts.get("options") is not None:
            need(f"tasks.{name}.options", opts["options"], isinstance(opts["options"], dict), "a mapping")


def _check_model(key: str, m: Any, need: Any) -> None:
    need(key, m, isinstance(m, dict) and isinstance(m.get("model"), str) and bool(m.get("model")),
         "a mapping with a 'model' name")
    for name in ("backend", "base_url"):
        if m.get(name) is not None:
            need(f"{key}.{name}", m[name], isinstance(m[name], str), "a string")
    if m.get("engine_args") is not None:
        need(f"{key}.engine_args", m["engine_args"], isinstance(m["engine_args"], dict), "a mapping")
    for name, ok, want in (("max_new_tokens", _int(m.get("max_new_tokens"), 1), "an integer >= 1"),
                           ("seed", _int(m.get("seed"), 0), "an integer >= 0"),
                           ("temperature", _num(m.get("temperature")) and m.get("temperature", 0) >= 0,
                            "a number >= 0"),
                           ("top_p", _num(m.get("top_p")) and 0 < m.get("top_p", 1) <= 1, "a number in (0, 1]"),
                           ("thinking", isinstance(m.get("thinking"), bool), "true or false")):
        if m.get(name) is not None:
            need(f"{key}.{name}", m[name], ok, want)
