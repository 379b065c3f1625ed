"""Parameter counts read from safetensors headers equal the loaded model's own count; given counts win."""

from __future__ import annotations

import pytest

from rapid_eval.reports.params import billions, parse_given, safetensors_params, total_billions


def test_safetensors_count_matches_the_loaded_model(tiny_models):
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(tiny_models["llm"])
    assert safetensors_params(tiny_models["llm"]) == sum(p.numel() for p in model.parameters())
    given = parse_given(["Qwen/Qwen3-8B=8.2"])
    assert billions("Qwen/Qwen3-8B", given) == 8.2 and billions("-", given) == 0.0
    assert billions("no/such-model-here", given) is None
    llm = safetensors_params(tiny_models["llm"]) / 1e9
    assert total_billions(str(tiny_models["llm"]), "Qwen/Qwen3-8B", given) == pytest.approx(llm + 8.2)
    with pytest.raises(ValueError, match="MODEL=BILLIONS"):
        parse_given(["8.2"])
