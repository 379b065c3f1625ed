"""Split a reasoning trace from the final answer: ``<think>...</think>`` in the text, or a server field."""

from __future__ import annotations

THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"


def split_reasoning(text: str, reasoning_content: str | None = None) -> tuple[str, str | None, bool]:
    """Return ``(final_text, reasoning, truncated)``.

    - A server that already moved the trace out (``reasoning_content``) keeps ``text`` as the final answer.
    - Otherwise the final answer is what follows the last ``</think>``; the trace is what precedes it.
    - ``<think>`` opened but never closed means the output was cut inside the trace: no final answer,
      ``truncated=True``.
    """
    text = text or ""
    if reasoning_content:
        return text.strip(), reasoning_content.strip(), False
    if THINK_CLOSE in text:
        head, _, tail = text.rpartition(THINK_CLOSE)
        trace = head.replace(THINK_OPEN, "", 1).strip()
        return tail.strip(), trace, False
    if THINK_OPEN in text:
        return "", text.split(THINK_OPEN, 1)[1].strip(), True
    return text.strip(), None, False
