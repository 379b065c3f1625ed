"""wemath: task adapter, scoring rules and readers of its official output files."""

DISPLAY_NAME = "WeMath"
SHORT_NAME = "WeMath"
PAPER_ORDER = 5
"""Column 5 of the seven benchmarks in RACRO/RAPID's tables."""
