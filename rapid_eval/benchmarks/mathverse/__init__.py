"""mathverse: task adapter, scoring rules and readers of its official output files."""

DISPLAY_NAME = "MathVerse"
SHORT_NAME = "MVerse"
PAPER_ORDER = 3
"""Column 3 of the seven benchmarks in RACRO/RAPID's tables."""
