"""No code outside ``rapid_eval/benchmarks/`` spells a benchmark's name: it asks the benchmark's object instead.

Docstrings (a string that is a whole statement: module, class, function and attribute docstrings) and comments
are prose and may name benchmarks; every other string constant, f-string parts included, may not.
"""

from __future__ import annotations

import ast
import re

from testlib import REPO

NAMES = re.compile(r"mathvista|mathverse|mathvision|mmmu|wemath|dynamath|logicvista|realworldqa", re.IGNORECASE)


def named_in_code(source: str) -> list[tuple[int, str]]:
    """(line, text) of every non-docstring string constant that names a benchmark."""
    tree = ast.parse(source)
    prose = {id(node.value) for node in ast.walk(tree)
             if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in prose
            and NAMES.search(node.value)]


def test_no_benchmark_name_in_code_outside_the_benchmark_folders():
    root = REPO / "rapid_eval"
    found = []
    files = [p for p in root.rglob("*.py") if "benchmarks" not in p.relative_to(root).parts]
    assert len(files) > 100
    for path in files:
        for line, text in named_in_code(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(REPO)}:{line}: {text[:60]!r}")
    assert not found, "\n".join(found)


def test_the_check_sees_names_in_code_and_lets_prose_be():
    source = '''"""Scores MathVista."""
X = 1
"""Used by WeMath."""  # an attribute docstring
def f(task):
    """DynaMath's seeds."""
    if task == "mathvista":
        return f"{task}: LogicVista"
    return {"mmmu": 1}
'''
    assert sorted(line for line, _ in named_in_code(source)) == [6, 7, 8]
