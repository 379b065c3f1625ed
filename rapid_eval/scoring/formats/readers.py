"""Imports every reader module so that each registers itself (keep this list in sync with the folder).

Order matters: ``detect_format`` asks readers in registration order, so the official formats come first and the
general VLMEvalKit / lmms-eval readers last.
"""

import importlib

READERS = ("mathvista", "mathvision", "mmmu", "mathverse", "dynamath", "logicvista", "vlmevalkit", "lmms_eval")

for _name in READERS:
    importlib.import_module(f"rapid_eval.scoring.formats.{_name}")
