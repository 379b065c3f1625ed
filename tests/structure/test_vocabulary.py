"""One vocabulary per concept: the variant table and RAPID's sampling defaults are each spelled in one module."""

from __future__ import annotations

import ast
import re

from testlib import REPO

PKG = REPO / "rapid_eval"
COMBO = re.compile(r"(?<![\w+])q?cap\+sol(?![\w+])")
DEFAULT_NUMBERS = {4096, 8192, 0.6, 0.95}
SAMPLING_NAMES = re.compile(r"(max_new_tokens|max_completion_length|temperature|top_p)$")


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are documentation (bare string statements), not values."""
    return {id(n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)}


def _modules():
    for path in sorted(PKG.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        yield path.relative_to(REPO).as_posix(), tree


def test_combined_variant_names_are_string_literals_in_one_module_only():
    where = {}
    for rel, tree in _modules():
        docs = _docstrings(tree)
        hits = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                and id(n) not in docs and COMBO.search(n.value)]
        if hits:
            where[rel] = hits
    assert list(where) == ["rapid_eval/variants.py"], where


def test_the_direct_variant_is_named_by_the_variant_table():
    """Code compares variants with ``variants.DIRECT``, never with a ``"direct"`` literal of its own (the part of
    the same name is declared in the table too)."""
    where = {}
    for rel, tree in _modules():
        hits = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Compare)
                for side in (n.left, *n.comparators)
                if isinstance(side, ast.Constant) and side.value == "direct"]
        if hits:
            where[rel] = hits
    assert where == {}, where


def test_the_check_sees_a_combined_name_in_a_help_string():
    tree = ast.parse('"""Docs may say cap+sol."""\nHELP = "Comma list of none,cap,qcap+sol"\n')
    docs = _docstrings(tree)
    found = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
             and id(n) not in docs and COMBO.search(n.value)]
    assert found == ["Comma list of none,cap,qcap+sol"]


def test_sampling_defaults_are_numbers_in_one_module_only():
    """RAPID's 4096 / 8192 / 0.6 / 0.95 appear neither as a sampling setting's literal default nor in a help text
    outside :mod:`rapid_eval.types`."""
    where: dict[str, list[int]] = {}
    for rel, tree in _modules():
        if rel == "rapid_eval/types.py":
            continue
        docs = _docstrings(tree)
        for n in ast.walk(tree):
            name, value = None, None
            if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name):
                name, value = n.target.id, n.value
            elif isinstance(n, ast.keyword):
                name, value = n.arg, n.value
            if name and SAMPLING_NAMES.search(name) and isinstance(value, ast.Constant) \
                    and value.value in DEFAULT_NUMBERS and not isinstance(value.value, bool):
                where.setdefault(rel, []).append(n.lineno)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs \
                    and re.search(r"\b(4096|8192|0\.95)\b", n.value):
                where.setdefault(rel, []).append(n.lineno)
    assert not where, where


def test_variant_table_derivations():
    from rapid_eval.variants import (
        CAPTION_VARIANTS,
        REASONED_VARIANTS,
        REASONER_TEMPLATES,
        VARIANT_ORDER,
        VARIANTS,
        parse_variants,
    )

    assert list(VARIANTS) == ["none", "cap", "qcap", "sol", "cap+sol", "qcap+sol", "direct"]
    assert VARIANT_ORDER == ("direct", "none", "cap", "qcap", "sol", "cap+sol", "qcap+sol")
    assert REASONED_VARIANTS == ("none", "cap", "qcap", "sol", "cap+sol", "qcap+sol")
    assert CAPTION_VARIANTS == ("cap", "qcap", "cap+sol", "qcap+sol")
    assert REASONER_TEMPLATES == {"none": "reason_none", "cap": "reason_cap", "qcap": "reason_cap",
                                  "sol": "reason_sol", "cap+sol": "reason_joint", "qcap+sol": "reason_joint"}
    assert parse_variants("qcap+sol, cap") == ["qcap+sol", "cap"]


def test_cli_help_lists_the_table_and_the_defaults():
    from typer.testing import CliRunner

    from rapid_eval.cli import app
    from rapid_eval.types import REASONER_DEFAULTS
    from rapid_eval.variants import VARIANTS

    out = CliRunner().invoke(app, ["reason", "--help"], env={"COLUMNS": "400", "TERMINAL_WIDTH": "400"}).output
    assert ",".join(VARIANTS) in out
    assert f"Default {REASONER_DEFAULTS.max_new_tokens} (RAPID)" in out and "Default 0.95 (RAPID)" in out
