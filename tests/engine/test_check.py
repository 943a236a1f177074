"""The check pipeline as a whole: results, determinism, caching and the split between audiences."""

import dataclasses

import pytest

from grading.engine import ConfigError, Result, check
from grading.engine.compare import load_question

SYMBOLS = {"A": {"shape": ["n", "n"]}, "x": {"shape": ["n", 1]}}


def test_a_correct_answer_says_so_and_how_it_was_decided():
    result = check(SYMBOLS, "(A + A^T) x", "A x + A' x")

    assert result == Result(
        verdict="correct",
        method="symbolic",
        diagnosis=(),
        message="Your answer is correct",
        answer_shape="n×1",
        expected_shape="n×1",
    )


def test_a_result_is_frozen_and_serialises_to_the_documented_keys():
    result = check(SYMBOLS, "A x", "A^T x")

    with pytest.raises(dataclasses.FrozenInstanceError):
        result.verdict = "correct"
    assert result.to_dict() == {
        "verdict": "incorrect",
        "method": "numeric",
        "diagnosis": [],
        "message": "Your answer does not match the expected result",
        "answer_shape": "n×1",
        "expected_shape": "n×1",
    }


def test_an_invalid_answer_still_reports_the_expected_shape():
    result = check(SYMBOLS, "A x", "A x +")

    assert (result.verdict, result.method, result.answer_shape, result.expected_shape) == (
        "invalid",
        None,
        None,
        "n×1",
    )


def test_a_non_text_answer_is_invalid_not_an_error():
    assert check(SYMBOLS, "x", None).verdict == "invalid"
    assert check(SYMBOLS, "x", 42).message == "The answer must be text"


def test_a_broken_question_raises_for_its_author():
    with pytest.raises(ConfigError):
        check(SYMBOLS, "A x^T", "x")


def test_the_same_answer_gets_the_same_result_object_from_the_cache():
    assert check(SYMBOLS, "A x", "2 A x") is check(SYMBOLS, "A x", "2 A x")


def test_a_question_is_prepared_once_and_shared():
    assert load_question(SYMBOLS, "A x") is load_question(dict(SYMBOLS), "A x")


def test_equivalent_symbol_dicts_in_any_key_order_are_one_question():
    reordered = {"x": {"shape": ["n", 1]}, "A": {"shape": ["n", "n"]}}

    assert load_question(reordered, "A x") is load_question(SYMBOLS, "A x")
