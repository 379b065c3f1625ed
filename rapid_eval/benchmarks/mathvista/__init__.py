"""mathvista: task adapter, scoring rules and readers of its official output files."""

DISPLAY_NAME = "MathVista"
SHORT_NAME = "MVista"
PAPER_ORDER = 1
"""Column 1 of the seven benchmarks in RACRO/RAPID's tables."""
