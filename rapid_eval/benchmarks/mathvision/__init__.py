"""mathvision: task adapter, scoring rules and readers of its official output files."""

DISPLAY_NAME = "MathVision"
SHORT_NAME = "MVision"
PAPER_ORDER = 2
"""Column 2 of the seven benchmarks in RACRO/RAPID's tables."""
