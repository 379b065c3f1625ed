"""The scoring code version names the installed math dependencies without importing importlib.metadata."""

from __future__ import annotations

from importlib import metadata

import pytest

from rapid_eval.grading.verdict_cache import _dist_version


@pytest.mark.parametrize("dist", ["math-verify", "latex2sympy2_extended", "sympy", "no-such-dist-rapid-eval"])
def test_dist_version_equals_the_metadata(dist):
    try:
        expected = metadata.version(dist)
    except metadata.PackageNotFoundError:
        expected = "absent"
    assert _dist_version(dist) == expected
