"""O_p variants and the MLLM calls ("parts") they are composed of.

Combos are composed from their parts, never generated twice: ``cap+sol`` reuses the ``cap`` and ``sol`` calls.
``none`` makes no model call. ``direct`` is the MLLM answering end to end (ablation row A), scored as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapid_eval.prompts import PromptSet, question_vars
from rapid_eval.types import ChatRequest, Message, Sample, SamplingParams


@dataclass(frozen=True)
class Part:
    """One MLLM call: system and user templates; ``needs_image`` parts are skipped for items without images."""

    name: str
    system: str
    user: str
    role: str  # what the text is used as downstream: "caption", "solution" or "answer"
    needs_image: bool


PARTS: dict[str, Part] = {
    "cap": Part("cap", "perceptor_system", "cap", "caption", True),
    "qcap": Part("qcap", "qcap_system", "qcap", "caption", True),
    "sol": Part("sol", "perceptor_system", "sol", "solution", False),
    "direct": Part("direct", "perceptor_system", "direct", "answer", False),
}

VARIANTS: dict[str, tuple[str, ...]] = {
    "none": (),
    "cap": ("cap",),
    "qcap": ("qcap",),
    "sol": ("sol",),
    "cap+sol": ("cap", "sol"),
    "qcap+sol": ("qcap", "sol"),
    "direct": ("direct",),
}

REASONED_VARIANTS = tuple(v for v in VARIANTS if v != "direct")


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


def part_request(sample: Sample, part: Part, prompts: PromptSet, sampling: SamplingParams) -> ChatRequest:
    """The chat request of one part for one sample: system turn, then images first and the text after.

    Templates get ``question``, ``prompt`` and ``problem`` (:func:`rapid_eval.prompts.question_vars`).
    """
    qv = question_vars(sample)
    system = prompts.render(part.system, **qv)
    user = prompts.render(part.user, **qv)
    return ChatRequest(
        messages=(Message("system", system), Message("user", user, images=tuple(sample.images))),
        sampling=sampling,
    )
