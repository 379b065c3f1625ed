"""The four paper tables: ``ablation`` (rows A-I from a spec), ``main``, ``variants`` and ``scaling``.

Every reasoned row is paired against the MLLM alone (the same perceptor's ``direct`` answers, from the same run
where it has them, else any given run): the delta and its paired p-value answer "is the gain real?". In the
ablation the baseline is the spec's ``baseline`` row (default ``A``).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from rapid_eval.reports import reference
from rapid_eval.reports.build import BootOptions, fill_cells, tasks_of
from rapid_eval.reports.cells import Selector
from rapid_eval.reports.load import NO_REASONER, open_run
from rapid_eval.reports.model import ReportTable, Row
from rapid_eval.reports.params import total_billions
from rapid_eval.reports.tables import model_label
from rapid_eval.variants import DIRECT, RAPID_VARIANT, rank


def load_spec(path: Path, inline: dict | None = None, default_run: Path | None = None) -> dict:
    """Read an ablation spec (a file, or ``inline`` from a run config at ``path``); errors name file and row.

    A row without ``run`` uses ``default_run`` (the config's own run)."""
    if inline is not None:
        raw = inline
    else:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as e:
            raise ValueError(f"{path}: cannot read the spec ({e})") from None
    rows = raw.get("rows")
    if isinstance(rows, dict):
        rows = [{"label": k, **(v or {})} for k, v in rows.items()]
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise ValueError(f"{path}: the spec needs 'rows': a list (or mapping by label) of run/perceptor/variant")
    for i, r in enumerate(rows):
        r.setdefault("label", r.get("row") or r.get("name"))
        if not r.get("run") and default_run is not None:
            r["run"] = default_run
        missing = [k for k in ("label", "run", "variant") if not r.get(k)]
        if missing:
            raise ValueError(f"{path}: row {i + 1} ({r.get('label', '?')}) lacks {', '.join(missing)}")
        r["label"] = str(r["label"])
        run = Path(str(r["run"])).expanduser()
        if not run.is_absolute():  # relative to the spec; else to the working directory
            run = path.parent / run if (path.parent / run).is_dir() or not run.is_dir() else run
        if not run.is_dir():
            raise ValueError(f"{path}: row {r['label']}: run directory {run} does not exist")
        r["run"] = run
    return {**raw, "rows": rows}


def _check_row(path: Path, label: str, sel: Selector) -> tuple[str, str]:
    """A row must name exactly one (perceptor, reasoner) of its run (returned; the spec may leave either out);
    the error lists what the run has."""
    found = sorted({(a.perceptor, a.reasoner) for a in sel.answers()})
    if len(found) == 1:
        return found[0]
    have = sorted({(p, r) for p, r, v in open_run(sel.run).configs() if v == sel.variant})
    listed = "; ".join(f"perceptor {p}, reasoner {r}" for p, r in have) or "none"
    what = "matches no answers" if not found else "is ambiguous"
    raise ValueError(f"{path}: row {label} (variant {sel.variant}) {what} in {sel.run}; with this variant the run "
                     f"has: {listed}. Name the perceptor and reasoner.")


def ablation(spec_path: Path, boot: BootOptions, inline: dict | None = None,
             default_run: Path | None = None) -> ReportTable:
    """RAPID's ablation: one row per spec row, in the spec's order, with the paper's AVG where the row has one.

    Each row is paired against the spec's ``baseline`` row (default ``A``). A row's ``paper`` key gives its paper
    values (:func:`reference.paper_numbers`), else its label's ablation row (plus RACRO Table 1's row of the MLLM
    for ``direct``). ``inline`` and ``default_run`` as :func:`load_spec` takes them.

    Raises:
        ValueError: the spec cannot be read, or a row misses a field, names a missing run, or matches no or
            several (perceptor, reasoner) pairs of its run (the message names the spec and the row).
        FileNotFoundError: a row's run has not been scored.
    """
    spec = load_spec(spec_path, inline, default_run)
    refs = reference.rapid_ablation()
    sels = {r["label"]: Selector(Path(r["run"]), r["variant"], r.get("perceptor"), r.get("reasoner"))
            for r in spec["rows"]}
    models = {label: _check_row(spec_path, label, sel) for label, sel in sels.items()}
    base_label = str(spec.get("baseline", "A"))
    baseline = sels.get(base_label)
    tasks = spec.get("tasks") or tasks_of(list(sels.values()))
    table = ReportTable("ablation", spec.get("title", "RAPID ablation (rows as in the paper)"), [*tasks, "avg"],
                        info_columns=["config", "variant", "perceptor", "reasoner"])
    for r in spec["rows"]:
        label = str(r["label"])
        if "paper" in r:
            paper = reference.paper_numbers(r["paper"])
        else:
            paper = reference.paper_numbers(f"ablation:{label}") if label in refs else {}
            if r["variant"] == DIRECT and (row := reference.mllm_row(r.get("perceptor"))):
                paper = {**{k: v for k, v in row.items() if k in reference.bench_columns()}, **paper}
        sel = sels[label]
        is_base = label == base_label
        cells = fill_cells(sel, tasks, boot, None if is_base else baseline, paper)
        config = r.get("config") or refs.get(label, {}).get("config", "")
        table.rows.append(Row(label, {"config": config, "variant": sel.variant,
                                      "perceptor": model_label(models[label][0]),
                                      "reasoner": model_label(models[label][1]),
                                      "run": str(sel.run)}, cells, None if is_base else base_label))
    table.notes.append(f"deltas: paired against row {base_label} on the items both rows answered")
    _note_avg(table, tasks)
    return table


def _note_avg(table: ReportTable, tasks: list[str]) -> None:
    """Say so when AVG is not over the papers' seven benchmarks (then it is not comparable to the paper's AVG)."""
    from rapid_eval.reports.model import paper_benchmarks

    paper = paper_benchmarks()
    if sorted(tasks) != sorted(paper):
        missing = [b for b in paper if b not in tasks]
        table.notes.append(f"AVG here is over {len(tasks)} benchmark(s), not the papers' seven"
                           + (f" (missing: {', '.join(missing)})" if missing else "")
                           + ": compare it with the paper's AVG with care")


def _pairs(runs: list[Path], variant: str, perceptor: str | None = None) -> list[tuple[Path, str, str]]:
    """(run, perceptor, reasoner) of every reasoned configuration with this variant."""
    out = []
    for run in runs:
        for p, r, v in open_run(run).configs():
            if v == variant and r != NO_REASONER and (perceptor is None or p == perceptor):
                out.append((run, p, r))
    return sorted(set(out), key=lambda x: (x[1], x[2], str(x[0])))


def _direct(runs: list[Path], perceptor: str, prefer: Path) -> Selector | None:
    """The MLLM-alone configuration of a perceptor, from ``prefer`` if it has one."""
    for run in [prefer, *[r for r in runs if r != prefer]]:
        if any(p == perceptor and v == DIRECT for p, _, v in open_run(run).configs()):
            return Selector(run, DIRECT, perceptor)
    return None


def main(runs: list[Path], boot: BootOptions, variant: str = RAPID_VARIANT, params: dict | None = None) -> ReportTable:
    """Per perceptor: its ``direct`` row, then one row per reasoner on ``variant``, paired against that direct row.

    The ``gain`` column is the AVG delta to the MLLM alone. A perceptor's direct answers come from the first run
    in ``runs`` that has them; ``params`` (model -> billions) sizes models whose weights are not on disk.
    """
    params = params or {}
    direct_sels = {}
    for run in runs:
        for p, _, v in open_run(run).configs():
            if v == DIRECT and p not in direct_sels:
                direct_sels[p] = Selector(run, DIRECT, p)
    pairs = _pairs(runs, variant)
    tasks = tasks_of([*direct_sels.values(), *[Selector(run, variant, p, r) for run, p, r in pairs]])
    table = ReportTable("main", f"Main results: perceptor x reasoner ({variant}) against the MLLM alone",
                        [*tasks, "avg"], info_columns=["perceptor", "reasoner", "variant", "params_b"],
                        extra_columns=["gain"])
    for perceptor in sorted({p for _, p, _ in pairs} | set(direct_sels)):
        base = direct_sels.get(perceptor)
        if base is not None:
            paper = _paper_main(perceptor, None, None)
            table.rows.append(Row(model_label(perceptor), _info(perceptor, NO_REASONER, DIRECT, params),
                                  fill_cells(base, tasks, boot, None, paper)))
        for run, p, r in pairs:
            if p != perceptor:
                continue
            cells = fill_cells(Selector(run, variant, p, r), tasks, boot, base, _paper_main(p, r, variant))
            label = f"{model_label(p)} + {model_label(r)}"
            table.rows.append(Row(label, _info(p, r, variant, params), cells,
                                  model_label(p) if base else None, {"gain": cells["avg"].delta}))
    table.notes.append("gain: AVG minus the MLLM alone (its direct variant), paired on shared items")
    _note_avg(table, tasks)
    return table


def _paper_main(perceptor: str, reasoner: str | None, variant: str | None) -> dict[str, float]:
    """The paper's numbers for exactly this setup (base or trained perceptor, reasoner, O_p), or none."""
    paper: dict[str, float] = {}
    if reasoner is None and (row := reference.mllm_row(perceptor)):
        paper.update({k: v for k, v in row.items() if k in reference.bench_columns()})
    if row := reference.main_row(perceptor, reasoner, variant):
        paper.update({k: v for k, v in row.items() if k in reference.bench_columns()})
    return paper


def _info(perceptor: str, reasoner: str, variant: str, params: dict) -> dict:
    total = total_billions(perceptor, None if reasoner == NO_REASONER else reasoner, params)
    return {"perceptor": model_label(perceptor), "reasoner": model_label(reasoner), "variant": variant,
            "params_b": None if total is None else round(total, 4), "perceptor_id": perceptor,
            "reasoner_id": reasoner}


def variants(runs: list[Path], boot: BootOptions, perceptor: str | None = None) -> ReportTable:
    """O_p variant x reasoner for each perceptor; deltas against that perceptor's ``direct``."""
    configs = sorted({(run, p, r, v) for run in runs for p, r, v in open_run(run).configs()
                      if perceptor is None or p == perceptor},
                     key=lambda c: (c[1], c[2] != NO_REASONER, c[2], rank(c[3]), str(c[0])))
    tasks = tasks_of([Selector(run, v, p, r) for run, p, r, v in configs])
    table = ReportTable("variants", "O_p variants x reasoner", [*tasks, "avg"],
                        info_columns=["perceptor", "reasoner", "variant"])
    several = len({c[1] for c in configs}) > 1
    for run, p, r, v in configs:
        base = _direct(runs, p, run) if v != DIRECT else None
        cells = fill_cells(Selector(run, v, p, r), tasks, boot, base)
        label = v if r == NO_REASONER else f"{v} / {model_label(r)}"
        label = f"{model_label(p)}: {label}" if several else label
        table.rows.append(Row(label, {"perceptor": model_label(p), "reasoner": model_label(r), "variant": v,
                                      "run": str(run)}, cells, DIRECT if base else None))
    table.notes.append("deltas: paired against the same perceptor's direct answers (the MLLM alone); the paper's "
                       "per-variant numbers are only in its PDF, so no paper column here")
    return table


def scaling(runs: list[Path], boot: BootOptions, variant: str = RAPID_VARIANT,
            params: dict | None = None) -> ReportTable:
    """The paper's scaling view: each perceptor fixed, AVG across reasoner sizes (one series per perceptor, sorted
    by the reasoner's parameters), plus RACRO Table 1's ``w/ RACRO (X)`` rows of the same public MLLM as the
    paper's reference series (paper values only; their perceptor is RACRO's CRO-trained checkpoint)."""
    from rapid_eval.reports.cells import Cell
    from rapid_eval.reports.params import billions

    params = params or {}
    table = main(runs, boot, variant, params)
    table.kind, table.title = "scaling", f"AVG across reasoner sizes, perceptor fixed ({variant})"
    table.info_columns = ["perceptor", "reasoner", "variant", "reasoner_params_b", "params_b"]
    for r in table.rows:
        size = billions(r.info["reasoner_id"], params)
        r.info.update(series=r.info["perceptor"], reasoner_params_b=None if size is None else round(size, 4))
    for perceptor in sorted({str(r.info["perceptor_id"]) for r in table.rows}):
        for ref in reference.racro_reasoner_rows(perceptor):
            size = billions(ref["reasoner"], params)
            cells = {c: Cell(paper=ref.get(c)) for c in table.columns}
            series = f"{ref['base']} RACRO-trained (paper)"
            table.rows.append(Row(f"{series} + {model_label(ref['reasoner'])}", {
                "perceptor": f"{ref['base']} (RACRO CRO)", "reasoner": model_label(ref["reasoner"]), "variant": "",
                "reasoner_params_b": None if size is None else round(size, 4), "params_b": None, "series": series,
                "reference": ref["source"], "perceptor_id": perceptor, "reasoner_id": ref["reasoner"]}, cells))
    table.rows.sort(key=lambda r: (str(r.info["perceptor_id"]), bool(r.info.get("reference")),
                                   r.info.get("reasoner_params_b") is None, r.info.get("reasoner_params_b") or 0.0,
                                   r.label))
    if any(r.info.get("reference") for r in table.rows):
        table.notes.append("rows marked (paper): RACRO Table 1's 'w/ RACRO (X)' values, the CRO-trained perceptor "
                           "with reasoner X at inference; no run of ours")
    return table
