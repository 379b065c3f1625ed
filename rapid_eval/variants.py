"""The O_p variant table: the one place each variant's name, MLLM calls, reasoner template and display live.

Perception, reasoning, the reports and the CLI help all derive from :data:`TABLE`; no other module spells a
combined variant name. Combos are composed from their parts, never generated twice: ``cap+sol`` reuses the
``cap`` and ``sol`` calls. ``none`` makes no model call. ``direct`` is the MLLM answering end to end (ablation
row A), scored as it is and never reasoned over. Plain data, importing nothing of the harness.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    """One MLLM call of a variant; ``needs_image`` parts are skipped for items without images."""

    name: str
    """The call's name (the ``part`` of its perception record's generation keys)."""
    system: str
    """Prompt template of the system turn."""
    user: str
    """Prompt template of the user turn."""
    role: str
    """What the text is used as downstream: ``caption``, ``solution`` or ``answer``."""
    needs_image: bool
    """Skipped for items without an image."""


@dataclass(frozen=True)
class Variant:
    """One O_p variant: what the perceptor produces and how the reasoner is asked about it."""

    name: str
    """The name used on the command line, in records and in reports."""
    parts: tuple[str, ...]
    """Names of the MLLM calls (:data:`PARTS`) composing it, in order; empty for ``none``."""
    reasoner_template: str | None
    """The reasoner's user template for items with an image (rapid-method.md 3; the mapping for variants the
    released code does not implement is a harness decision, documented in each template); None: never reasoned."""
    has_caption: bool
    """Its O_p holds a caption (judged by the hasCap valid-caption ratio)."""
    display_rank: int
    """Position of its row or column in the report tables (the MLLM alone first, RAPID's O_p last)."""
    label: str
    """What it is, in words (CLI help, reports)."""


PARTS: dict[str, Part] = {
    "cap": Part("cap", "perceptor_system", "cap", "caption", True),
    "qcap": Part("qcap", "qcap_system", "qcap", "caption", True),
    "sol": Part("sol", "perceptor_system", "sol", "solution", False),
    "direct": Part("direct", "perceptor_system", "direct", "answer", False),
}

DIRECT = "direct"
"""The MLLM alone, answering end to end."""
NONE = "none"
"""The reasoner alone, from the question text."""
NO_IMAGE_TEMPLATE = "reason_none"
"""The reasoner's template for items without an image, whatever the variant (as RAPID's reasoner)."""

TABLE: tuple[Variant, ...] = (  # in the order perception runs them (the default of --variants)
    Variant(NONE, (), NO_IMAGE_TEMPLATE, False, 1, "question only (no perception)"),
    Variant("cap", ("cap",), "reason_cap", True, 2, "generic caption"),
    Variant("qcap", ("qcap",), "reason_cap", True, 3, "query-conditioned caption"),
    Variant("sol", ("sol",), "reason_sol", False, 4, "tentative solution"),
    Variant("cap+sol", ("cap", "sol"), "reason_joint", True, 5, "caption + tentative solution"),
    Variant("qcap+sol", ("qcap", "sol"), "reason_joint", True, 6, "query-conditioned caption + tentative solution"),
    Variant(DIRECT, ("direct",), None, False, 0, "the MLLM answering alone"),
)

BY_NAME: dict[str, Variant] = {v.name: v for v in TABLE}
VARIANTS: dict[str, tuple[str, ...]] = {v.name: v.parts for v in TABLE}
"""Variant name -> its parts, in run order."""
REASONED_VARIANTS: tuple[str, ...] = tuple(v.name for v in TABLE if v.reasoner_template is not None)
REASONER_TEMPLATES: dict[str, str] = {v.name: v.reasoner_template for v in TABLE if v.reasoner_template}
CAPTION_VARIANTS: tuple[str, ...] = tuple(v.name for v in TABLE if v.has_caption)
VARIANT_ORDER: tuple[str, ...] = tuple(v.name for v in sorted(TABLE, key=lambda v: v.display_rank))
"""Display order of the report tables."""
RAPID_VARIANT = "qcap+sol"
"""RAPID's O_p (query-conditioned caption + tentative solution), the default of ``main`` and ``scaling``."""
CHOICES = ",".join(VARIANTS)
"""The valid names as a comma list (CLI help)."""


def rank(name: str) -> int:
    """Display position of a variant; unknown names sort last."""
    v = BY_NAME.get(name)
    return v.display_rank if v else len(TABLE) + 1


def parse_variants(spec: str | list[str] | None, default: tuple[str, ...] = tuple(VARIANTS)) -> list[str]:
    """``"cap,qcap+sol"`` -> ``["cap", "qcap+sol"]``; unknown names raise with the list of valid ones."""
    if not spec:
        return list(default)
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    names = [s.strip() for s in items if s.strip()]
    bad = [n for n in names if n not in VARIANTS]
    if bad:
        raise ValueError(f"unknown variant(s) {', '.join(bad)}; choose from: {', '.join(VARIANTS)}")
    return list(dict.fromkeys(names))
