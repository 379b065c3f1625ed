"""Diagnostics: trace length against the `none` variant, cost per stage and money, the hasCap valid-caption ratio
judged through an engine and cached in the run."""

from __future__ import annotations

import json

import pytest

from rapid_eval.reports.diagnostics import caption_ratio, diagnostics_table, parse_prices
from rapid_eval.reports.load import forget_runs


def test_trace_length_cost_and_money_match_the_records(scripted_run):
    prices = parse_prices(["vlm=1/2", "llmA=3/4", "llmB=3/4"])
    table = diagnostics_table([scripted_run], prices)
    rows = {(r.info["variant"], r.info["reasoner"]): r.cells for r in table.rows}
    recs = [json.loads(x) for x in (scripted_run / "reasoning.jsonl").read_text().splitlines()]
    mine = [r for r in recs if r["variant"] == "qcap+sol" and r["reasoner"]["model"] == "llmA"]
    cell = rows[("qcap+sol", "llmA")]
    assert cell["trace_tok"].value == pytest.approx(sum(r["completion_tokens"] for r in mine) / len(mine))
    assert cell["reas_tok"].value == sum(r["prompt_tokens"] + r["completion_tokens"] for r in mine)
    none = rows[("none", "llmA")]["trace_tok"].value
    assert cell["trace_vs_none_pct"].value == pytest.approx(100 * (cell["trace_tok"].value - none) / none)
    perc = [json.loads(x) for x in (scripted_run / "perception.jsonl").read_text().splitlines()]
    qs = [p for p in perc if p["variant"] == "qcap+sol"]
    p_in, p_out = sum(p["prompt_tokens"] for p in qs), sum(p["completion_tokens"] for p in qs)
    assert cell["perc_tok"].value == p_in + p_out
    usd = (p_in * 1 + p_out * 2 + sum(r["prompt_tokens"] * 3 + r["completion_tokens"] * 4 for r in mine)) / 1e6
    assert cell["usd"].value == pytest.approx(usd)
    assert rows[("direct", "-")]["reas_tok"].value is None
    with pytest.raises(ValueError, match="MODEL=USD_IN/USD_OUT"):
        parse_prices(["vlm=3"])


def test_valid_caption_ratio_is_judged_once_and_cached(scripted_run):
    import rapid_eval as rapid
    from rapid_eval.engines.scripted import ScriptedEngine

    with rapid.load_engine("scripted", "judge", reply="Yes.") as yes:
        out, st = caption_ratio(scripted_run, yes)
        calls = ScriptedEngine.calls
        again, st2 = caption_ratio(scripted_run, yes)
        assert again == out and ScriptedEngine.calls == calls and st2.generated == 0  # cached: no new call
        assert st.generated + st.reused == st2.reused > 0
    (cfg,) = out.values()  # the run has one caption variant: qcap+sol
    assert cfg["variant"] == "qcap+sol" and cfg["judged"] > 0 and cfg["ratio"] == 100.0
    with rapid.load_engine("scripted", "judge", reply="No, it only solves the problem.") as no:
        (cfg,) = caption_ratio(scripted_run, no)[0].values()
    assert cfg["ratio"] == 0.0
    forget_runs()
    table = diagnostics_table([scripted_run])
    row = next(r for r in table.rows if r.info["variant"] == "qcap+sol")
    assert row.cells["valid_cap_pct"].value == 0.0  # the last judgement is the one saved in the run
