"""realworldqa: task adapter, scoring rules and readers of its official output files."""

DISPLAY_NAME = "RealWorldQA"
SHORT_NAME = "RWQA"
