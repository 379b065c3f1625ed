"""mmmu: task adapter, scoring rules and readers of its official output files."""

DISPLAY_NAME = "MMMU"
SHORT_NAME = "MMMU"
PAPER_ORDER = 4
"""Column 4 of the seven benchmarks in RACRO/RAPID's tables."""
