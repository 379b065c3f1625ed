"""Engine options that a backend does not know are reported, not silently dropped (a typo is a bug)."""

from __future__ import annotations

from typing import Any

from rapid_eval.log import warn


def warn_unknown(backend: str, options: dict[str, Any]) -> None:
    """Warn about options this backend ignores; ``None`` values (a caller's unset generic option) are quiet."""
    unknown = sorted(k for k, v in options.items() if v is not None)
    if unknown:
        warn(f"{backend} backend ignores option(s): {', '.join(unknown)}")
