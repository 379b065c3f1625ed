"""A config's ``stream:`` is checked with every other key, before any task or model loads (it was read only when
the last perceptor's engine had loaded, so a typo failed after the perceptor model was up)."""

from __future__ import annotations

import pytest

from rapid_eval.reports.config_check import ConfigError
from rapid_eval.reports.config_run import load_config


def _config(tmp_path, stream: str):
    config = tmp_path / "c.yaml"
    config.write_text(f"out: run\ntasks: [mathvista]\nperceptors: [{{model: vlm, backend: scripted}}]\n"
                      f"reasoners: [{{model: r, backend: scripted}}]\nstream: {stream}\n", encoding="utf-8")
    return config


def test_a_malformed_stream_fails_when_the_config_is_read(tmp_path):
    with pytest.raises(ConfigError, match=r"c\.yaml: 'stream' must be true, false or auto, got 'maybe'"):
        load_config(_config(tmp_path, "maybe"))


@pytest.mark.parametrize("stream", ["true", "false", "auto"])
def test_the_three_stream_values_are_accepted(tmp_path, stream):
    assert load_config(_config(tmp_path, stream))["stream"] in (True, False, "auto")
