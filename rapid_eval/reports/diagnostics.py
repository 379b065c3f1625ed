"""Diagnostics the papers report, per configuration: reasoning-trace length, cost per stage, valid-caption ratio.

- Trace length: mean completion tokens of the reasoner per answer (trace plus final answer, as the engines count
  them), and its relative change against the same reasoner's ``none`` variant (this harness's own comparison: what
  the perception output does to the trace). It is not the "From Seeing to Thinking" figure: that paper's 20.8%
  shorter traces compare a VLM post-trained with its staged curriculum (perception -> visual reasoning -> textual
  reasoning) against its baseline post-training, two trained models, not an input with and without visual text.
- Cost per stage: perception tokens and seconds of the variant's MLLM calls (a combination counts each of its
  calls, i.e. what this configuration costs on its own), reasoning tokens and seconds; money when prices are given
  (USD per million prompt / completion tokens per model).
- Valid-caption ratio (RAPID §5 hasCap): the share of perception outputs that hold a genuine image description,
  judged by any Engine with the hasCap prompt (``prompts/hascap*.jinja``); reply "Yes..." = valid. The calls go
  through the run's generation cache, so judging again makes no call.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from rapid_eval.reports.cells import Cell
from rapid_eval.reports.load import NO_REASONER, open_run
from rapid_eval.reports.model import ReportTable, Row
from rapid_eval.reports.tables import model_label
from rapid_eval.variants import CAPTION_VARIANTS

COLUMNS = ["answers", "trace_tok", "trace_vs_none_pct", "perc_tok", "perc_s", "reas_tok", "reas_s", "usd",
           "valid_cap_pct"]


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def caption_ratio(run_dir: Path, engine: Any, prompts: Any = None, perceptor: str | None = None,
                  max_new_tokens: int | None = None) -> tuple[dict[str, dict], Any]:
    """Judge every caption of the run with hasCap through ``engine`` (cached; greedy, as RAPID's judge); per
    (perceptor, variant): ``{"judged", "valid", "ratio"}``, plus the call stats. Also written to
    ``RUN/caption_ratio.json``."""
    from dataclasses import replace

    from rapid_eval.prompts import PromptSet
    from rapid_eval.storage.rundir import Run
    from rapid_eval.types import PERCEPTOR_DEFAULTS, ChatRequest, Message

    prompts = prompts or PromptSet()
    run = Run(run_dir, create=False)
    recs = [p for p in open_run(run_dir).perceptions if p.variant in CAPTION_VARIANTS and p.caption
            and not p.error and (perceptor is None or p.perceptor == perceptor)]
    texts = sorted({str(p.caption) for p in recs})
    system = prompts.render("hascap_system")
    params = replace(PERCEPTOR_DEFAULTS, max_new_tokens=max_new_tokens or 16)  # "Yes." / "No." needs a few tokens
    requests = [ChatRequest((Message("system", system), Message("user", prompts.render("hascap", text=t))), params)
                for t in texts]
    labels = [f"hascap {i}" for i in range(len(texts))]
    results, stats = run.generations.run(engine, requests, stage="hascap", labels=labels)
    verdict = {t: (None if r.get("error") else (r.get("text") or "").lstrip().startswith("Yes"))
               for t, r in zip(texts, results, strict=True)}
    out: dict[str, dict] = {}
    for p in recs:
        v = verdict[str(p.caption)]
        d = out.setdefault(f"{p.perceptor}|{p.variant}", {"perceptor": p.perceptor, "variant": p.variant,
                                                           "judged": 0, "valid": 0})
        if v is not None:
            d["judged"] += 1
            d["valid"] += int(v)
    for d in out.values():
        d["ratio"] = round(100.0 * d["valid"] / d["judged"], 2) if d["judged"] else None
    run.write_json("caption_ratio.json", {"judge": engine.identity(), "by_config": list(out.values())})
    return out, stats


def _saved_ratio(run_dir: Path) -> dict[tuple[str, str], float | None]:
    import json

    path = Path(run_dir) / "caption_ratio.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {(d["perceptor"], d["variant"]): d.get("ratio") for d in data.get("by_config", [])}


def diagnostics_table(runs: list[Path], prices: dict[str, tuple[float, float]] | None = None) -> ReportTable:
    """One row per (perceptor, reasoner, variant) of every run; ``prices``: model -> (USD per million prompt
    tokens, USD per million completion tokens)."""
    prices = prices or {}
    used: set[str] = set()
    table = ReportTable("diagnostics", "Diagnostics: trace length, cost per stage, valid-caption ratio",
                        list(COLUMNS), info_columns=["perceptor", "reasoner", "variant"])
    for run_dir in runs:
        rd = open_run(run_dir)
        ratios = _saved_ratio(run_dir)
        perc: dict[tuple[str, str], list] = defaultdict(list)
        for p in rd.perceptions:
            if not p.error:
                perc[(p.perceptor, p.variant)].append(p)
        groups: dict[tuple[str, str, str], list] = defaultdict(list)
        for a in rd.answers:
            groups[(a.perceptor, a.reasoner, a.variant)].append(a)
        trace = {k: _mean([a.completion_tokens for a in v if a.completion_tokens is not None])
                 for k, v in groups.items()}
        for (pm, rm, variant), answers in sorted(groups.items()):
            ps = perc.get((pm, variant), [])
            reasoned = rm != NO_REASONER
            r_tok = sum((a.prompt_tokens or 0) + (a.completion_tokens or 0) for a in answers) if reasoned else 0
            r_s = sum(a.seconds or 0.0 for a in answers) if reasoned else 0.0
            p_in, p_out = sum(p.prompt_tokens for p in ps), sum(p.completion_tokens for p in ps)
            usd = None
            pp, rp = price_of(prices, pm, used), price_of(prices, rm, used) if reasoned else None
            if pp is not None and (not reasoned or rp is not None):
                usd = (p_in * pp[0] + p_out * pp[1]) / 1e6
                if rp is not None:
                    usd += sum((a.prompt_tokens or 0) * rp[0] + (a.completion_tokens or 0) * rp[1]
                               for a in answers) / 1e6
            base = trace.get((pm, rm, "none"))
            mine = trace.get((pm, rm, variant)) if reasoned else None
            rel = 100.0 * (mine - base) / base if reasoned and base and mine is not None and variant != "none" else None
            values = {"answers": len(answers), "trace_tok": mine, "trace_vs_none_pct": rel,
                      "perc_tok": p_in + p_out, "perc_s": sum(p.seconds for p in ps),
                      "reas_tok": r_tok if reasoned else None, "reas_s": r_s if reasoned else None,
                      "usd": usd, "valid_cap_pct": ratios.get((pm, variant))}
            label = f"{variant} / {model_label(rm)}" if reasoned else f"{variant} / {model_label(pm)}"
            table.rows.append(Row(label, {"perceptor": model_label(pm), "reasoner": model_label(rm),
                                          "variant": variant, "run": str(run_dir)},
                                  {k: Cell(value=v) for k, v in values.items()}))
    table.notes.append("n: answers; trace: mean reasoner completion tokens; trace%: change against the same "
                       "reasoner's 'none' variant; p.tok: perception tokens; p.sec: perception seconds; r.tok: "
                       "reasoning tokens; r.sec: reasoning seconds (sums over the answers); USD: with --price; "
                       "cap ok%: valid-caption ratio of the hasCap judge (rapid-eval table diagnostics --hascap-model)")
    table.notes += [f"--price {name} matched no model of these runs" for name in sorted(set(prices) - used)]
    return table


def price_of(prices: dict[str, tuple[float, float]], model: str | None,
             used: set[str] | None = None) -> tuple[float, float] | None:
    """The price of ``model`` as recorded (a hub id, a served name or a local folder): the key equal to it, else
    the key its path ends with (``--price Qwen/Qwen3-8B=...`` prices ``/models/Qwen/Qwen3-8B``), else the key
    naming its folder. ``used`` collects the keys that matched."""
    if not model:
        return None
    name = model.rstrip("/")
    for key in prices:
        k = key.rstrip("/")
        if name == k or name.endswith("/" + k) or Path(name).name == Path(k).name == k:
            if used is not None:
                used.add(key)
            return prices[key]
    return None


def parse_prices(items: list[str] | None) -> dict[str, tuple[float, float]]:
    """``MODEL=IN/OUT`` (USD per million prompt / completion tokens) -> mapping."""
    out = {}
    for kv in items or []:
        name, sep, value = kv.rpartition("=")
        inp, slash, outp = value.partition("/")
        if not sep or not slash:
            raise ValueError(f"--price expects MODEL=USD_IN/USD_OUT per million tokens, got '{kv}'")
        out[name] = (float(inp), float(outp))
    return out
