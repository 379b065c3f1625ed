"""The import graph: every module in a layer (docs/architecture.md), no import pointing up or round a circle, and
the rules on top of the layering (scoring, benchmarks, engines and task loaders, reports)."""

from __future__ import annotations

import ast
import subprocess
import sys

from testlib import REPO

PKG = REPO / "rapid_eval"


def _module_name(path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    """Static imports (module level and inside functions) between rapid_eval modules."""
    modules = {_module_name(p): p for p in PKG.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # ``from pkg import sub`` depends on the submodule; ``from mod import name`` on the module
                subs = [f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules]
                targets = subs + ([node.module] if len(subs) < len(node.names) else [])
            for t in targets:
                if t in modules and t != name:
                    graph[name].add(t)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    color: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        color[n] = 1
        stack.append(n)
        for m in sorted(graph[n]):
            if color.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in color and (found := visit(m)):
                return found
        stack.pop()
        color[n] = 2
        return None

    for n in sorted(graph):
        if n not in color and (found := visit(n)):
            return found
    return None


def test_no_import_cycles_between_modules():
    graph = _graph()
    assert len(graph) > 50  # the walk found the package
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_scoring_library_imports_nothing_above_it():
    allowed = ("rapid_eval.scoring", "rapid_eval.types", "rapid_eval.registry")
    graph = _graph()
    for mod, deps in graph.items():
        if mod.startswith("rapid_eval.scoring"):
            bad = [d for d in deps if d != "rapid_eval" and not d.startswith(allowed)]
            assert not bad, f"{mod} imports {bad}"


def test_scoring_import_loads_no_run_machinery_in_a_fresh_interpreter():
    code = (
        "import sys\n"
        "from rapid_eval.scoring import boxed_reward, get_scorer\n"
        "get_scorer('mathvista'); get_scorer('wemath')\n"
        "assert boxed_reward('\\\\boxed{5}', '5') == 1.0\n"
        "bad = [m for m in ('rapid_eval.storage', 'rapid_eval.engines', 'torch', 'transformers',"
        " 'rapid_eval.grading') if m in sys.modules]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_import_rapid_eval_stays_cheap():
    code = ("import sys, rapid_eval; rapid_eval.load_tasks; "
            "print([m for m in ('torch', 'transformers', 'pandas') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


# -- the layers: docs/architecture.md ------------------------------------------------------------------------------
LAYERS: tuple[tuple[str, ...], ...] = (  # top to bottom; a module may import its own layer or any layer below
    ("rapid_eval.cli", "rapid_eval.demo", "rapid_eval.preflight"),
    ("rapid_eval.reports", "rapid_eval.training", "rapid_eval.cli_options", "rapid_eval.cli_checks",
     "rapid_eval.cli_coerce", "rapid_eval.cli_sharing"),
    ("rapid_eval.api",),
    ("rapid_eval.perception", "rapid_eval.reasoning", "rapid_eval.prompts"),
    ("rapid_eval.grading", "rapid_eval.rescore", "rapid_eval.hub"),
    ("rapid_eval.storage", "rapid_eval.records", "rapid_eval.summaries", "rapid_eval.progress", "rapid_eval.redact",
     "rapid_eval.provenance"),
    ("rapid_eval.engines", "rapid_eval.dev"),
    ("rapid_eval.benchmarks",),
    ("rapid_eval.tasks", "rapid_eval.scoring", "rapid_eval.formats"),
    ("rapid_eval.types", "rapid_eval.registry", "rapid_eval.paths", "rapid_eval.hashing", "rapid_eval.log",
     "rapid_eval.model_files", "rapid_eval.variants", "rapid_eval.sanitize", "rapid_eval.bounded_yaml"),
)
"""The layer diagram of docs/architecture.md as module prefixes. Prediction files are split: ``formats/`` holds
the row, gold and record helpers benchmark folders build their readers from (low), ``rescore/`` the reader
dispatch, the general readers and ``rescore()`` (a stage, above the benchmarks)."""


def _layer(module: str) -> int | None:
    """Index of the layer ``module`` belongs to (the longest matching prefix wins); None for ``rapid_eval``."""
    best: tuple[int, int] | None = None
    for i, prefixes in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and (best is None or len(p) > best[0]):
                best = (len(p), i)
    return None if best is None else best[1]


def _upward_arrows(graph: dict[str, set[str]]) -> list[str]:
    out = []
    for mod, deps in sorted(graph.items()):
        for dep in sorted(deps):
            a, b = _layer(mod), _layer(dep)
            if a is not None and b is not None and b < a:
                out.append(f"{mod} -> {dep}")
    return out


def test_every_module_has_a_layer_and_no_import_points_upward():
    graph = _graph()
    unplaced = [m for m in graph if m != "rapid_eval" and _layer(m) is None]
    assert not unplaced, f"modules outside every layer (add them to LAYERS and docs/architecture.md): {unplaced}"
    assert _upward_arrows(graph) == []


def test_the_layer_check_sees_an_upward_import():
    graph = {m: set(d) for m, d in _graph().items()}
    graph["rapid_eval.scoring.base"].add("rapid_eval.storage.store")
    graph["rapid_eval.tasks.spec"].add("rapid_eval.benchmarks")
    assert _upward_arrows(graph) == ["rapid_eval.scoring.base -> rapid_eval.storage.store",
                                     "rapid_eval.tasks.spec -> rapid_eval.benchmarks"]


def _imports_of(prefix: str) -> dict[str, set[str]]:
    return {m: d for m, d in _graph().items() if m == prefix or m.startswith(prefix + ".")}


def test_benchmarks_import_no_stage_and_no_run_storage():
    stages = ("rapid_eval.grading", "rapid_eval.storage", "rapid_eval.records", "rapid_eval.engines",
              "rapid_eval.api", "rapid_eval.cli", "rapid_eval.perception", "rapid_eval.reasoning",
              "rapid_eval.reports", "rapid_eval.training", "rapid_eval.rescore", "rapid_eval.hub",
              "rapid_eval.summaries")
    for mod, deps in _imports_of("rapid_eval.benchmarks").items():
        bad = sorted(d for d in deps if d.startswith(stages))
        assert not bad, f"{mod} imports {bad}"


def test_engines_and_task_loaders_import_no_scoring():
    scoring = ("rapid_eval.scoring", "rapid_eval.benchmarks", "rapid_eval.grading", "rapid_eval.rescore")
    for prefix in ("rapid_eval.engines", "rapid_eval.tasks"):
        for mod, deps in _imports_of(prefix).items():
            bad = sorted(d for d in deps if d.startswith(scoring))
            assert not bad, f"{mod} imports {bad}"


def test_reports_never_import_engines():
    for mod, deps in _imports_of("rapid_eval.reports").items():
        bad = sorted(d for d in deps if d.startswith("rapid_eval.engines"))
        assert not bad, f"{mod} imports {bad}"
