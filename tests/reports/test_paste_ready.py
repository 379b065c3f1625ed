"""Tables ready to paste (issue 22 item 6): LaTeX that compiles with every text escaped and the row descriptions
kept, benchmark names as their authors write them, legends that name the columns shown, counts as counts, and
``--price`` keys that match models recorded under a longer path (an unmatched key is said)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from rapid_eval.cli import app
from rapid_eval.reports.build import BootOptions
from rapid_eval.reports.diagnostics import diagnostics_table, price_of
from rapid_eval.reports.kinds import ablation
from rapid_eval.reports.model import short
from rapid_eval.reports.render import render

DOC = r"""\documentclass{article}
\IfFileExists{booktabs.sty}{\usepackage{booktabs}}{\newcommand\toprule{\hline}\newcommand\midrule{\hline}
\newcommand\bottomrule{\hline}}
\begin{document}
%s
\end{document}
"""


def _uncommented(latex: str) -> list[str]:
    return [ln for ln in latex.splitlines() if not ln.startswith("%")]


def _latex_tables(run, tmp_path) -> dict[str, str]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"rows:\n  A: {{run: {run}, variant: direct}}\n  B: {{run: {run}, reasoner: llmA, variant: "
                    "qcap+sol}\n")
    out = {"diagnostics": render(diagnostics_table([run], {"vlm": (1.0, 2.0)}), "latex"),
           "ablation": render(ablation(spec, BootOptions(200, 0)), "latex")}
    res = CliRunner().invoke(app, ["table", "variants", "--run", str(run), "--format", "latex", "--bootstrap", "0"])
    assert res.exit_code == 0, res.output
    out["variants"] = res.stdout
    return {k: str(v) for k, v in out.items()}


def test_latex_has_no_unescaped_percent_and_keeps_row_descriptions(scripted_run, tmp_path):
    tables = _latex_tables(scripted_run, tmp_path)
    for kind, latex in tables.items():
        body = _uncommented(latex)
        assert all(re.search(r"(?<!\\)%", ln) is None for ln in body), (kind, latex)  # `cap ok%` was raw
        assert body[0].startswith(r"\begin{tabular}") and body[-1] == r"\end{tabular}"
        widths = {ln.count("&") for ln in body if ln.endswith(r"\\")}
        assert len(widths) == 1, (kind, latex)  # every row has as many cells as the header
    head = next(ln for ln in _uncommented(tables["ablation"]) if ln.startswith(" &") or ln.startswith("&"))
    assert "config" in head and "MathVista" in head and "MVista" not in head  # descriptions and full names
    row_b = next(ln for ln in _uncommented(tables["ablation"]) if ln.startswith("B &"))
    assert "qcap+sol" in row_b and "llmA" in row_b


def test_latex_compiles(scripted_run, tmp_path):
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed (apt-get install texlive-latex-base)")
    tables = _latex_tables(scripted_run, tmp_path)
    doc = tmp_path / "tables.tex"
    doc.write_text(DOC % "\n\\bigskip\n".join(tables.values()), encoding="utf-8")
    res = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", doc.name], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout[-3000:]
    assert (tmp_path / "tables.pdf").stat().st_size > 0
    log = (tmp_path / "tables.log").read_text(errors="replace")
    assert "Misplaced" not in log and "Extra alignment tab" not in log


def test_diagnostics_legend_names_its_columns_and_counts_are_counts(scripted_run):
    table = diagnostics_table([scripted_run])
    legend = table.notes[0]
    for col in table.columns:
        assert f"{short(col)}:" in legend or f"{short(col)}," in legend, (short(col), legend)
    md = str(render(table, "md"))
    row = next(ln for ln in md.splitlines() if ln.startswith("| qcap+sol / llmA"))
    n = row.split(" | ")[4]  # row, perceptor, reasoner, variant, n
    assert n.isdigit(), row


def test_price_keys_match_recorded_paths_and_unmatched_ones_are_said(scripted_run):
    prices = {"Qwen/Qwen3-8B": (0.2, 0.6)}
    assert price_of(prices, "/models/Qwen/Qwen3-8B") == (0.2, 0.6)
    assert price_of(prices, "Qwen/Qwen3-8B") == (0.2, 0.6)
    assert price_of(prices, "/models/Qwen/Qwen3-80B") is None and price_of({"8B": (1, 1)}, "Qwen/Qwen3-8B") is None
    res = CliRunner().invoke(app, ["table", "diagnostics", "--run", str(scripted_run), "--format", "md",
                                   "--price", "nosuchmodel=1/2"])
    assert res.exit_code == 0 and "--price nosuchmodel=1/2" not in res.stderr
    assert "warning: --price nosuchmodel matched no model" in " ".join(res.stderr.split())


def test_summary_legend_has_one_entry_per_code():
    from rapid_eval.reports.tables import summary_tables
    from rapid_eval.summaries import SummaryRow

    rows = [SummaryRow.from_dict({"perceptor": "p", "reasoner": "r", "variant": "cap", "task": t, "metric": m, "n": 3,
                                  "score": 50.0, "scorer": "official", "correct": None})
            for t, m in (("mathvista", "accuracy"), ("mathverse", "accuracy (Vision Only)"))]
    (table,) = summary_tables(rows)
    assert table.caption == "acc = accuracy / accuracy (Vision Only)"
