"""dynamath: task adapter, scoring rules and readers of its official output files."""

DISPLAY_NAME = "DynaMath"
SHORT_NAME = "DynaM"
PAPER_ORDER = 6
"""Column 6 of the seven benchmarks in RACRO/RAPID's tables."""
