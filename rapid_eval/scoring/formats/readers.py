"""Imports every reader module so that each registers itself (keep this list in sync with the folder)."""
