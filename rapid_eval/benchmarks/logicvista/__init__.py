"""logicvista: task adapter, scoring rules and readers of its official output files."""

DISPLAY_NAME = "LogicVista"
SHORT_NAME = "LogicV"
PAPER_ORDER = 7
"""Column 7 of the seven benchmarks in RACRO/RAPID's tables."""
