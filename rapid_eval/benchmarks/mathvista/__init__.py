"""mathvista: task adapter, scoring rules and readers of its official output files."""
