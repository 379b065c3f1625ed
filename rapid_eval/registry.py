"""The one registry helper: names -> ``"module:attr"`` strings, imported only when chosen.

Engines, benchmarks and prediction-file readers are all found this way (as lm-evaluation-harness's
``api/registry.py`` and Inspect AI's model providers do), so that:

- nothing heavy loads until it is chosen (``--backend openai`` never imports torch; ``get_scorer("mathvista")``
  imports one scorer module);
- an unknown name gets "did you mean" with the nearest valid name and the list of valid names;
- a name whose module needs an optional dependency that is missing names the pip extra to install.

Benchmarks register nothing by hand: every folder ``rapid_eval/benchmarks/<name>/`` *is* the registration
(:func:`benchmark_names` lists the folders without importing them) and :func:`benchmark_attr` is the one lookup of
a benchmark's module (``adapter.py``: ``ADAPTER``; ``scorer.py``: ``SCORER``; ``formats.py``: ``READERS``;
``judge.py``: ``JUDGE`` ...). Code above the benchmark folders asks ``rapid_eval.benchmarks.get(name)``, whose
object is built on it; the task loader and the scoring library, below the folders, call it directly. This module
imports nothing of rapid_eval, so every layer may use it without an import running back up.
"""

from __future__ import annotations

import difflib
import functools
import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")

BENCHMARKS_PACKAGE = "rapid_eval.benchmarks"
_BENCHMARKS_DIR = Path(__file__).resolve().parent / "benchmarks"


class RegistryError(LookupError):
    """An unknown name (with the nearest valid one), or a known one whose dependencies are not installed."""


@dataclass(frozen=True)
class Entry:
    """Where a registered thing lives: ``"package.module:attr"``, and the pip extra its imports need."""

    target: str
    extra: str = ""


def did_you_mean(name: str, valid: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` for the nearest valid name, or ``""`` when none is close."""
    close = difflib.get_close_matches(str(name).lower(), list(valid), n=1, cutoff=0.5)
    return f" (did you mean '{close[0]}'?)" if close else ""


def import_target(target: str, extra: str = "", what: str = "") -> Any:
    """Import ``"module:attr"`` and return the attribute; a missing optional dependency names its pip extra."""
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        missing = e.name or str(e)
        if missing == module_name or (missing and module_name.startswith(missing + ".")):
            raise  # the module itself is absent: a packaging bug, not a missing extra
        pip = f'pip install "rapid-eval[{extra}]"' if extra else "pip install rapid-eval"
        label = f"{what} " if what else ""
        raise RegistryError(f"{label}needs a package that is not installed ({missing}): {pip}") from e
    try:
        return getattr(module, attr) if attr else module
    except AttributeError:
        raise RegistryError(f"{module_name} defines no '{attr}'") from None


class Registry(Generic[T]):
    """A lazy name -> object map. ``entries`` is a mapping or a function returning one (evaluated on use)."""

    def __init__(self, kind: str, entries: Mapping[str, Entry] | Callable[[], Mapping[str, Entry]]):
        """``kind`` names the things in errors (``backend`` ...); a callable ``entries`` is called on each lookup."""
        self.kind = kind
        self._entries = entries

    def entries(self) -> dict[str, Entry]:
        """A copy of the name -> Entry map, built now if it was given as a function; nothing is imported."""
        found = self._entries() if callable(self._entries) else self._entries
        return dict(found)

    def names(self) -> list[str]:
        """The registered names, sorted; nothing is imported."""
        return sorted(self.entries())

    def __contains__(self, name: object) -> bool:
        return name in self.entries()

    def entry(self, name: str) -> Entry:
        """The Entry of ``name`` (nothing imported); unknown: RegistryError with the nearest valid name and the list."""
        entries = self.entries()
        if name not in entries:
            raise RegistryError(
                f"unknown {self.kind} '{name}'{did_you_mean(name, entries)}; "
                f"choose one of: {', '.join(sorted(entries))}"
            )
        return entries[name]

    def load(self, name: str) -> T:
        """The registered object (imported now); errors name the nearest valid name or the missing extra."""
        e = self.entry(name)
        obj: T = import_target(e.target, e.extra, what=f"{self.kind} '{name}'")
        return obj


# -- benchmarks: one folder each ----------------------------------------------------------------------------------
@functools.cache
def _benchmark_folders() -> tuple[str, ...]:
    """The benchmark folders (those with an ``adapter.py``), sorted: listed once per process, as the package's
    modules are imported once (per-item lookups by name cost a directory listing each otherwise)."""
    if not _BENCHMARKS_DIR.is_dir():
        return ()
    return tuple(sorted(p.parent.name for p in _BENCHMARKS_DIR.glob("*/adapter.py")
                        if not p.parent.name.startswith("_")))


def benchmark_names(having: str | None = None) -> list[str]:
    """Every ``rapid_eval/benchmarks/<name>/`` folder that has an ``adapter.py`` (and ``<having>.py`` when given);
    no import happens."""
    return [n for n in _benchmark_folders() if having is None or benchmark_module(n, having) is not None]


@functools.cache
def benchmark_module(name: str, part: str) -> str | None:
    """``rapid_eval.benchmarks.<name>.<part>`` when the benchmark folder has that module, else None."""
    if (_BENCHMARKS_DIR / name / f"{part}.py").is_file():
        return f"{BENCHMARKS_PACKAGE}.{name}.{part}"
    return None


_MISSING: Any = object()


def benchmark_attr(name: str, part: str, attr: str, default: Any = _MISSING) -> Any:
    """``attr`` of ``rapid_eval/benchmarks/<name>/<part>.py``, imported now.

    An unknown benchmark raises :class:`RegistryError` with the nearest name; a folder without that module, or a
    module without ``attr``, returns ``default`` when one is given and raises RegistryError otherwise. This is
    the one way code finds a benchmark module by name: :mod:`rapid_eval.benchmarks` builds its ``Benchmark``
    objects with it, and the layers below those objects (the task loader, the scoring library, the row helpers
    of prediction files) use it directly, so none of them imports a benchmark folder statically.
    """
    names = benchmark_names()
    if name not in names:
        raise RegistryError(f"unknown benchmark '{name}'{did_you_mean(name, names)}; choose one of: {', '.join(names)}")
    module = benchmark_module(name, part)
    if module is None:
        if default is not _MISSING:
            return default
        raise RegistryError(f"benchmark '{name}' has no {part}.py (rapid_eval/benchmarks/{name}/{part}.py)")
    found = getattr(import_target(module, what=f"benchmark '{name}'"), attr, _MISSING)
    if found is _MISSING:
        if default is not _MISSING:
            return default
        raise RegistryError(f"{module} defines no '{attr}'")
    return found
