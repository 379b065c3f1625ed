"""The pure extraction steps: final text, last boxed, answer phrases, letters, numbers, words."""

from __future__ import annotations

import pytest

from rapid_eval.scoring.extract import (
    answer_tail,
    extract_choice,
    final_text,
    is_word_answer,
    last_boxed,
    last_number,
    letters_in,
    normalize_text,
    option_index,
)

OPTS = ("12 cm", "15 cm", "18 cm", "20 cm")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("no trace", ("no trace", False)),  # no think tags: the whole text
        ("<think>a</think> B", ("B", False)),  # after the trace
        ("<think>a</think>x</think> C", ("C", False)),  # the last </think> wins
        ("<think>still thinking", ("", True)),  # opened, never closed: truncated
        ("", ("", False)),  # empty
        (None, ("", False)),  # missing output
    ],
)
def test_final_text(text, expected):
    assert final_text(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (r"\boxed{3}", "3"),  # plain
        (r"\boxed{\frac{1}{2}} then \boxed{\frac{\sqrt{3}}{2}}", r"\frac{\sqrt{3}}{2}"),  # last one, nested braces
        (r"\boxed {7}", "7"),  # space before the brace
        (r"\fbox{B}", "B"),  # \fbox counts
        (r"\boxed{1} and \boxed{unclosed", "1"),  # an unbalanced last box is skipped
        ("no box here", None),
    ],
)
def test_last_boxed(text, expected):
    assert last_boxed(text) == expected


@pytest.mark.parametrize(
    "candidate, n, concat, expected",
    [
        ("B", 4, False, ["B"]),  # bare letter
        ("(B)", 4, False, ["B"]),  # parenthesised
        ("B.", 4, False, ["B"]),  # trailing period
        ("b", 4, False, ["B"]),  # lower-case alone
        (r"\text{B}", 4, False, ["B"]),  # LaTeX text wrapper
        ("**C**", 4, False, ["C"]),  # markdown bold
        ("B: 12 cm", 4, False, ["B"]),  # letter then option text
        ("(b) 12 cm", 4, False, ["B"]),  # lower-case in parentheses then text
        ("C (18 cm)", 4, False, ["C"]),  # letter then parenthesised text
        ("A, C", 4, False, ["A", "C"]),  # several letters
        ("A and D", 4, False, ["A", "D"]),  # several letters with "and"
        ("AC", 4, False, []),  # concatenation only for multi-answer questions
        ("AC", 4, True, ["A", "C"]),
        ("F", 4, False, []),  # out of range
        ("A rectangle", 4, False, []),  # an article, not a letter
        ("", 4, False, []),
    ],
)
def test_letters_in(candidate, n, concat, expected):
    assert letters_in(candidate, n, allow_concat=concat) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (r"So the answer is \boxed{B}.", (["B"], "boxed")),  # boxed letter
        (r"\boxed{\text{C}}", (["C"], "boxed")),  # boxed text-wrapped letter
        (r"\boxed{18 cm}", (["C"], "boxed-option-text")),  # boxed option text
        (r"\boxed{B: 15 cm}", (["B"], "boxed")),  # boxed letter with text
        ("Answer: b", (["B"], "answer-phrase")),  # lower-case after "Answer:"
        ("The correct answer is (D).", (["D"], "answer-phrase")),
        ("Thus, the answer is C (18 cm).", (["C"], "answer-phrase")),
        ("So the answer is (A), since 12 cm fits.", (["A"], "answer-phrase")),
        ("所以，答案是 (D) 20 cm。", (["D"], "answer-phrase")),  # Chinese answer phrase
        ("B", (["B"], "whole")),  # the whole short text
        # leading letter of a longer text
        ("(C) 18 cm\nBecause the two shorter sides add up to more than the third.", (["C"], "leading")),
        ("I think it is 12 cm long, but cannot say which option fits the drawing.", ([], "none")),  # nothing
    ],
)
def test_extract_choice(text, expected):
    assert extract_choice(text, OPTS) == expected


def test_extract_choice_yes_no_leading_word():
    assert extract_choice("Yes, the sandwich is cut in half and both halves match.", ("Yes", "No")) == (
        ["A"], "leading-option-text")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The answer is 42.", "42"),
        ("Final answer: x = 3", "x = 3"),
        ("answer is\n\n7 apples\nmore text", "7 apples"),
        ("no phrase at all", None),
    ],
)
def test_answer_tail(text, expected):
    assert answer_tail(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("it costs 1,234.5 dollars", "1234.5"), ("from -3 to 4.25", "4.25"), ("none", None), ("x = .5", ".5")],
)
def test_last_number(text, expected):
    assert last_number(text) == expected


def test_words_and_options():
    assert normalize_text(r" \text{Yes}. ") == "yes"
    assert is_word_answer("Yes") and is_word_answer("right angle") and not is_word_answer("12")
    assert not is_word_answer(r"\frac{1}{2}") and not is_word_answer("x")
    assert option_index("15 CM", OPTS) == 1 and option_index("16 cm", OPTS) is None
