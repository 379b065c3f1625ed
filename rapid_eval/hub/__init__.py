"""Perception outputs and reasoning traces as shareable Hugging Face datasets.

``export`` writes a run's records as a dataset folder (parquet shards per benchmark and a dataset card,
:mod:`.export`, :mod:`.card`), optionally pushed to the Hub (:mod:`.push`); ``import`` builds a run from a
perception dataset so that any reasoner can reason on it with no MLLM (:mod:`.import_`). The columns and their
version live in :mod:`.schema`. Sits above run storage and below the API; nothing here calls a model.
"""
