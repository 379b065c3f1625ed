"""Engines: one interface (a batch of chat requests -> completions), several backends loaded lazily."""

from rapid_eval.engines.base import Engine, OnComplete
from rapid_eval.engines.registry import BACKENDS, load_engine

__all__ = ["BACKENDS", "Engine", "OnComplete", "load_engine"]
