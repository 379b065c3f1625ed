"""MathVision (MATH-V): the official model_answer derivation and is_equal, safe, against the published outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from testlib import shared_path

from rapid_eval.benchmarks.mathvision.equal import is_equal
from rapid_eval.benchmarks.mathvision.scorer import model_answer
from rapid_eval.formats.base import FormatError
from rapid_eval.rescore import rescore
from rapid_eval.scoring import get_scorer
from rapid_eval.types import Sample

DATA = Path(__file__).parents[1] / "data" / "mathvision"
MODELS = ["Random-Chance", "GPT4-CoT (Text Only)", "LLaVA-v1.5-7B", "ShareGPT4V-7B", "Qwen-VL-Plus", "LLaVA-v1.5-13B",
          "Gemini-Pro"]
CLAIMED = {"Random-Chance": 218, "GPT4-CoT (Text Only)": 248, "LLaVA-v1.5-7B": 259, "ShareGPT4V-7B": 320,
           "Qwen-VL-Plus": 326, "LLaVA-v1.5-13B": 338, "Gemini-Pro": 537}


@pytest.mark.parametrize(
    "response, expected",
    [
        ("Looking at the figure, the answer is B.", "b"),  # trailing " X." -> letter (then lower-cased)
        ("(C)\nBecause the kite is longest.", "c"),  # leading "(X)\n"
        ("So the total is 12.", "12"),  # a number after the last "is "
        ("The answer is 7 apples. Other text", "7apples"),  # after the phrase, first sentence, spaces dropped
        (r"Hence \boxed{\frac{1}{2}}.", r"\frac{1}{2}"),  # boxed content
        (r"first \boxed{1}, then \boxed{2}", "2"),  # several boxes: the last
        (r"\boxed{x = 5}", "5"),  # value after "="
        (r"\boxed{30^\circ}", "30"),  # degrees removed
        (r"\boxed{0.5}", r"\frac{1}{2}"),  # 0.5 -> \frac{1}{2}
        ("3/4", r"\frac{3}{4}"),  # a/b -> \frac{a}{b}
        (r"\boxed{(a)}", "a"),  # (a) -> a
        (r"\boxed{\text{E}}", "e"),  # \text dropped
        ("", ""),
    ],
)
def test_model_answer(response, expected):
    assert model_answer(response) == expected


@pytest.mark.parametrize(
    "gold, pred, expected, step",
    [
        ("60", "60", True, "string"),
        ("A", "a", True, "string"),  # case-insensitive
        ("a", "b", False, "numeric"),  # letters are symbols: not evaluable, not equal
        ("", "1", False, "empty"),
        (r"\frac{1}{3}", "0.33", True, "numeric"),  # 2-decimal rounding
        ("1.234", "1.23", True, "numeric"),
        (r"\frac{4}{3}", "4/3", True, "numeric"),  # Gemini-Pro 3013: equal (stored as wrong)
        ("(2*3,5+2)", "(6,7)", True, "tuple"),  # tuples element-wise
        (r"$2 \sqrt{3}$", r"2\sqrt{3}", True, "numeric"),  # old latex2sympy2 turned $ into spaces
        (r"$\frac{3^{1008}-1}{3^{1009}}$", r"\frac{1}{3}", True, "numeric"),  # big integers
        (r"$35^{\circ}$", "35", False, "numeric"),  # \circ was unknown to the old parser
        (r"$45 \%$", "45", False, "numeric"),  # so was %
        (r"$\boxed{\frac{3}{4}}$", r"\frac{3}{4}", False, "numeric"),  # and \boxed
        ("5", "5.so,evenwithoutthediagram", True, "numeric"),  # the old grammar kept a parsable prefix
        (r"$2 \sqrt{3}$", r"2\sqrt{3}}.so,theansweris\fbox{a", True, "numeric"),
        ("4", "{4}", True, "numeric"),  # braces are a group
        (r"25\pi", r"25\pi\)", False, "numeric"),  # but an unknown character is an error
        ("e", "2.72", False, "numeric"),  # e is sympy's E, unknown to eval
        # MATH-V outputs/closed-source/Qwen/Qwen-VL-Max.jsonl ids 1324, 2392, 2454 (stored as wrong):
        (r"$80-2 \pi$", "80-2π", False, "numeric"),  # a non-ASCII π was unknown to the old grammar
        (r"$2\pi$", "2π", False, "numeric"),
        (r"$-\!2$", "-2", False, "numeric"),  # so was \!
        # InternLM-XComposer2-VL ids 2130, 2485 (stored as right): the parse stops at "." before \boxed
        (r"$\frac{1}{2}$", r"\frac{1}{2}.theansweris\boxed{d", True, "numeric"),
    ],
)
def test_is_equal(gold, pred, expected, step):
    assert is_equal(gold, pred) == (expected, step)


def test_no_code_execution(tmp_path):
    target = tmp_path / "pwned"
    sample = Sample(id="1", task="mathvision", question="q", answer="4", answer_type="integer")
    for response in (f"__import__('os').system('touch {target}')", f"The answer is exec('open(\"{target}\",\"w\")')"):
        v = get_scorer("mathvision").score_one(sample, response)
        assert v.correct is False
    assert not target.exists()


def test_power_tower_does_not_hang_the_rule():
    sample = Sample(id="1", task="mathvision", question="q", answer="4", answer_type="integer")
    assert get_scorer("mathvision").score_one(sample, r"\boxed{2^{2^{2^{2^{2^{2^{2}}}}}}}").correct is False


@pytest.mark.parametrize("model", ["Gemini-Pro", "GPT4-CoT (Text Only)", "Qwen-VL-Plus", "Random-Chance"])
def test_bundled_slices(model):
    r = rescore("mathvision", [DATA / f"{model}.jsonl"], data_dir=DATA / "annotations", workers=0)
    assert r.stored is not None and r.stored.differ_ids == (["3013"] if model == "Gemini-Pro" else [])
    # Qwen-VL-Plus 2394 stores a stale model_answer ("\frac{8}{5}" for the response "B"); its flag is right.
    assert r.stored.model_answer_differ_ids == (["2394"] if model == "Qwen-VL-Plus" else [])
    assert r.breakdown["official"]["-all"].startswith(f"{r.correct}/{r.n}=")


def test_gold_is_required(tmp_path):
    with pytest.raises(FormatError, match="--data-dir"):
        rescore("mathvision", [DATA / "Gemini-Pro.jsonl"])
    gold = (DATA / "annotations" / "mathvision" / "samples.jsonl").read_text().splitlines()[:1]
    (tmp_path / "mathvision").mkdir()
    (tmp_path / "mathvision" / "samples.jsonl").write_text("\n".join(gold) + "\n")
    with pytest.raises(FormatError, match="Gemini-Pro.jsonl:1: id '3013' is not in the gold"):
        rescore("mathvision", [DATA / "Gemini-Pro.jsonl"], data_dir=tmp_path)


@pytest.mark.parametrize("model", MODELS)
def test_dev_ids_reproduce_stored_values(model):
    """On the 50 dev ids, model_answer and correct re-derived from response equal the stored values, item by item."""
    dev_file = shared_path("benchmarks", "dev", "mathvision", "samples.jsonl")
    dev = [json.loads(x) for x in dev_file.read_text().splitlines()]
    rows = {r["id"]: r for r in map(json.loads, shared_path("benchmarks", "predictions", "mathvision",
                                                             f"{model}.jsonl").read_text().splitlines())}
    scorer = get_scorer("mathvision")
    for gold in dev:
        sample = Sample(id=gold["id"], task="mathvision", question="", answer=gold["answer"],
                        options=tuple(gold["options"]), metadata={"subject": gold["subject"], "level": gold["level"]})
        row = rows[gold["id"]]
        v = scorer.score_one(sample, row["response"])
        assert (v.extracted, v.correct) == (row["model_answer"], row["correct"]), gold["id"]


@pytest.mark.parametrize("model", MODELS)
def test_full_test_reproduces_claims(model):
    path = shared_path("benchmarks", "predictions", "mathvision", f"{model}.jsonl")
    r = rescore("mathvision", [path], data_dir=shared_path("benchmarks", "annotations"), workers=2)
    assert r.claimed["correct"] == CLAIMED[model] and r.n == 3040
    expected = CLAIMED[model] + (1 if model == "Gemini-Pro" else 0)  # Gemini-Pro: 538 vs claimed 537 (id 3013)
    assert r.correct == expected
    official = json.loads(path.with_name(f"{model}_result.json").read_text())
    ours = r.breakdown["official"]
    assert set(ours) == set(official)
    differ = {k for k in official if ours[k] != official[k]}
    # Gemini-Pro: only the five keys that count item 3013 differ
    assert len(differ) == (5 if model == "Gemini-Pro" else 0)


def test_plain_integer_shortcut_equals_the_latex2sympy_path():
    import random

    from rapid_eval.benchmarks.mathvision.equal import _PLAIN_INT, latex_value, old_latex2sympy_str
    from rapid_eval.scoring.safe_eval import safe_eval

    rng = random.Random(7)
    values = ["0", "7", "42", "1000", "999999999999999"] + [str(rng.randint(1, 10**15 - 1)) for _ in range(40)]
    for v in values:
        assert _PLAIN_INT.fullmatch(v)
        full = safe_eval(old_latex2sympy_str(v))
        assert latex_value(v) == (True, full) and type(full) is int, v
    for v in ("007", "-3", "1.5", " 12", "1234567890123456"):  # not plain: they take the full path
        assert not _PLAIN_INT.fullmatch(v)
