"""The chat request of each MLLM call ("part") of an O_p variant; the variants themselves are the table of
:mod:`rapid_eval.variants` (re-exported here)."""

from __future__ import annotations

from rapid_eval.prompts import PromptSet, question_vars
from rapid_eval.types import ChatRequest, Message, Sample, SamplingParams
from rapid_eval.variants import PARTS, REASONED_VARIANTS, VARIANTS, Part, parse_variants

__all__ = ["PARTS", "REASONED_VARIANTS", "VARIANTS", "Part", "parse_variants", "part_request"]


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
