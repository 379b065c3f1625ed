"""The import graph: the scoring library sits on a low floor, and no module imports its way back round a circle."""

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


def test_benchmark_folders_import_only_downwards():
    graph = _graph()
    above = ("rapid_eval.grading", "rapid_eval.storage", "rapid_eval.engines", "rapid_eval.api",
             "rapid_eval.cli", "rapid_eval.perception", "rapid_eval.reasoning")
    for mod, deps in graph.items():
        if mod.startswith("rapid_eval.benchmarks."):
            bad = [d for d in deps if d.startswith(above)]
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
