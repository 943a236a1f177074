"""The symbol declaration is validated; every author mistake is a ConfigError with a clear message."""

import re

import pytest

from grading.engine import ConfigError, check
from grading.engine.symbols import declare


@pytest.mark.parametrize(
    ("symbols", "message"),
    [
        ([], "symbols must be an object"),
        ({}, "declare at least one symbol"),
        ({"A": {"shape": ["n"]}}, "shape must be a list of two dimensions"),
        ({"A": {"shape": ["n", 0]}}, "a dimension must be a letter"),
        ({"A": {"shape": ["n", True]}}, "a dimension must be a letter"),
        ({"A": {"shape": ["n", 51]}}, "integer from 1 to 50"),
        ({"A": {"shape": ["n", "n"], "assume": ["sparkly"]}}, "unknown assumption 'sparkly'"),
        ({"A": {"shape": ["n", "m"], "assume": ["symmetric"]}}, "symmetric needs a square shape"),
        ({"A": {"shape": ["n", "n"], "assume": ["orthogonal", "positive"]}}, "cannot be combined"),
        ({"A": {"shape": ["n", "n"], "assumptions": []}}, "unknown keys ['assumptions']"),
        ({"T": {"shape": ["n", "n"]}}, "reserved for the transpose"),
        ({"2x": {"shape": ["n", 1]}}, "must be letters, digits and _"),
        (
            {"n": {"shape": [1, 1]}, "x": {"shape": ["n", 1]}},
            "n is declared both as a symbol and as a dimension",
        ),
        ({"x": {"shape": ["n", 1]}, "bad": {"shape": [1, 1], "assume": [float("nan")]}}, "plain JSON"),
    ],
)
def test_a_bad_declaration_is_a_config_error(symbols, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        declare(symbols)


def test_a_declaration_is_normalised():
    declaration = declare({"x": {"shape": ["n", 1]}, "A": {"shape": ["n", "m"], "assume": "positive"}})

    assert declaration.names == ("A", "x")
    assert declaration.dimension_names == ("m", "n")
    assert declaration.by_name["A"].assumptions == frozenset({"positive"})
    assert declaration.by_name["x"].shape == declaration.by_name["A"].shape[:1] + (
        declaration.by_name["x"].shape[1],
    )


def test_an_omitted_shape_is_a_scalar():
    assert check({"c": {}}, "c", "c").answer_shape == "1×1"


def test_equal_declarations_share_one_normalised_form():
    assert declare({"x": {"shape": ["n", 1]}}) is declare({"x": {"shape": ["n", 1]}})


@pytest.mark.parametrize(
    ("expected", "message"),
    [
        ("x +", "The expected answer 'x +' is not valid: the expression ends early"),
        ("x x", "The expected answer 'x x' is not valid: cannot multiply x (n×1) by x (n×1)"),
        ("I", "The expected answer 'I' is not valid: the size of I cannot be inferred"),
        ("log(x - x)", "undefined (not finite) at most sampled values"),
        (42, "The expected answer must be text"),
    ],
)
def test_a_broken_expected_answer_is_a_config_error(expected, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        check({"x": {"shape": ["n", 1]}}, expected, "x")
