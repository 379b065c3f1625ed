"""VPO and GRPO rewards on hand-made cases, with a real (scripted) reasoner engine and test-fixed hasCap verdicts."""

from __future__ import annotations

import json

import pytest
from trainlib import GRADER

from rapid_eval.engines.base import Engine
from rapid_eval.engines.registry import load_engine
from rapid_eval.prompts import PromptSet
from rapid_eval.training.hascap import has_caption
from rapid_eval.training.rewards import ReasonerUnavailable, SolutionReward, VPOReward, vpo_reward
from rapid_eval.types import Sample, SamplingParams


class Counting(Engine):
    """Delegates to a real engine and records every ``generate`` call (the batch sizes)."""

    backend = "counting"

    def __init__(self, inner: Engine):
        super().__init__(inner.model)
        self.inner, self.batches = inner, []

    def generate(self, requests, on_complete=None):
        self.batches.append(len(requests))
        return self.inner.generate(requests, on_complete)

    def _generate(self, requests, on_complete):  # pragma: no cover - generate is overridden
        raise AssertionError


def _sample(gold: str, sid: str) -> str:
    return json.dumps(Sample(id=sid, task="t", question="How many?", answer=gold, images=("x.png",)).to_dict())


def _completion(text: str) -> list[dict]:
    return [{"role": "assistant", "content": text}]


def test_vpo_reward_table():
    assert vpo_reward(True, True) == 1.0
    assert vpo_reward(True, False) == pytest.approx(0.9)
    assert vpo_reward(False, True) == 0.0 and vpo_reward(False, False) == 0.0
    assert vpo_reward(True, False, penalty=0.25) == pytest.approx(0.75)
    assert vpo_reward(None, True) is None and vpo_reward(True, None) is None


def test_has_caption_reads_the_first_word():
    assert has_caption("Yes.") and has_caption("  Yes, it does")
    assert not has_caption("No.") and not has_caption("yes") and not has_caption("The text: Yes")


def test_vpo_reward_cases_one_batched_call():
    reasoner = Counting(load_engine("scripted", "scripted", reply="<think>t</think>So \\boxed{5}."))
    verdicts = {"cap A": True, "plain B": False, "cap C": True, "none D": False}
    seen: list[list[str]] = []

    def judge(texts):
        seen.append(texts)
        return [verdicts[t] for t in texts]

    metrics: dict[str, float] = {}
    reward = VPOReward(reasoner, judge, PromptSet(), SamplingParams(temperature=1.0), grader=GRADER)
    out = reward(prompts=[None] * 6, completions=[_completion(t) for t in
                                                  ["cap A", "plain B", "cap C", "none D", "cap E", "cap F"]],
                 sample=[_sample("5", "a"), _sample("5", "b"), _sample("7", "c"), _sample("7", "d"),
                         _sample("5", "e"), _sample("", "f")],
                 bad=["", "", "", "", "image x.png: FileNotFoundError", ""],
                 log_metric=lambda k, v: metrics.__setitem__(k, v))
    assert out == [1.0, pytest.approx(0.9), 0.0, 0.0, None, None]
    assert reasoner.batches == [4]  # one call, the four usable items; bad image and empty gold never sent
    assert seen == [["cap A", "plain B", "cap C", "none D"]]
    assert metrics["vpo/reasoner_accuracy"] == 0.5
    assert metrics["vpo/contain_cap_ratio"] == 0.5
    assert metrics["vpo/penalty_rate"] == 0.25
    assert metrics["vpo/bad_items"] == 2 and metrics["vpo/reasoner_errors"] == 0


def test_reasoner_prompt_is_the_training_prompt():
    reward = VPOReward(load_engine("scripted", "scripted"), None, PromptSet(), SamplingParams())
    req = reward.requests([Sample(id="a", task="t", question="What is x?", answer="1")], ["A red square."])[0]
    assert req.messages[0].text == "You are a helpful assistant."
    assert req.messages[1].text.startswith("### The detailed caption of the provided image: A red square.")
    assert "### Question: What is x? Please think step by step." in req.messages[1].text
    assert "tentative" not in req.messages[1].text


def test_failed_requests_are_excluded_and_a_dead_reasoner_stops():
    reasoner = load_engine("scripted", "scripted", reply="\\boxed{5}", fail_on="broken")
    reward = VPOReward(reasoner, lambda ts: [True] * len(ts), PromptSet(), SamplingParams(), max_failed_steps=2,
                       grader=GRADER)
    out = reward(prompts=[None] * 2, completions=[_completion("fine"), _completion("broken caption")],
                 sample=[_sample("5", "a"), _sample("5", "b")])
    assert out == [1.0, None]
    args = dict(prompts=[None], completions=[_completion("broken")], sample=[_sample("5", "a")])
    assert reward(**args) == [None]  # first step in which everything failed: goes on
    with pytest.raises(ReasonerUnavailable, match="failed every request for 2 consecutive"):
        reward(**args)


def test_solution_reward_grades_the_policys_own_answer():
    reward = SolutionReward(GRADER)
    out = reward(prompts=[None] * 3, completions=[_completion("so \\boxed{12}"), _completion("\\boxed{3}"),
                                                  _completion("\\boxed{12}")],
                 sample=[_sample("12", "a"), _sample("12", "b"), _sample("12", "c")], bad=["", "", "missing"])
    assert out == [1.0, 0.0, None]
