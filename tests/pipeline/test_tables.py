"""Summary tables: tasks x variants per (perceptor, reasoner), AVG only over complete, scored columns."""

from __future__ import annotations

from rich.console import Console

from rapid_eval.reports.tables import summary_tables
from rapid_eval.summaries import SummaryRow


def _row(task, variant, score, reasoner="llm"):
    return SummaryRow.from_dict({"task": task, "variant": variant, "perceptor": "/m/vlm", "reasoner": reasoner,
                                 "scorer": "generic", "metric": "accuracy", "score": score, "n": 4, "correct": None})


def _render(table) -> str:
    console = Console(width=200, record=True)
    console.print(table)
    return console.export_text()


def test_avg_is_the_mean_of_tasks_and_unscored_cells_show_a_dash():
    rows = [_row("a", "none", 50.0), _row("b", "none", 100.0), _row("a", "cap", 20.0), _row("b", "cap", None),
            _row("a", "direct", 10.0, reasoner="-"), _row("b", "direct", 30.0, reasoner="-")]
    (table,) = summary_tables(rows)
    text = _render(table)
    avg = next(line for line in text.splitlines() if "AVG" in line)
    cells = [c.strip() for c in avg.split("│") if c.strip()]
    # columns: task, metric, (n empty), direct, none, cap — cap has an unscored task, so no AVG
    assert cells[2:] == ["20.0", "75.0"]
    assert "vlm" in text and "llm" in text
    b_line = next(line for line in text.splitlines() if line.lstrip("│ ").startswith("b "))
    assert b_line.rstrip(" │").endswith("-")
