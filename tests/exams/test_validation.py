"""Every rule that keeps a wrong question away from learners, checked on question content."""

import pytest

from exams.question_types import grade, make_variant, validate_content
from tests.exams.contents import content

SYMBOLS = {"A": {"shape": ["n", "n"]}, "x": {"shape": ["n", 1]}}


def options(*correct_flags):
    return [
        {"id": "abcd"[i], "text": f"o{i}", "correct": flag, "feedback": ""}
        for i, flag in enumerate(correct_flags)
    ]


def test_a_valid_question_of_each_type_has_no_errors():
    valid = [
        content("single_choice", options=options(True, False)),
        content("multiple_choice", options=options(True, True, False)),
        content("numeric", answer="3.5", abs_tolerance=1e-6),
        content("matrix", answer="1 2; 3 4", rel_tolerance=1e-6),
        content("shape", answer="m x n"),
        content("expression", symbols=SYMBOLS, answer="(A + A') x", function="x^T A x", wrt="x"),
    ]
    for question in valid:
        assert validate_content(question) == {}, question["type"]


@pytest.mark.parametrize("flags", [(False, False), (True, True)])
def test_single_choice_needs_exactly_one_correct_option(flags):
    assert (
        "exactly one correct option"
        in validate_content(content("single_choice", options=options(*flags)))["options"][0]
    )


def test_multiple_choice_needs_a_correct_option():
    errors = validate_content(content("multiple_choice", options=options(False, False)))
    assert "at least one correct option" in errors["options"][0]


def test_a_choice_question_needs_two_options():
    errors = validate_content(content("single_choice", options=options(True)))
    assert "at least two options" in errors["options"][0]


@pytest.mark.parametrize("tolerances", [(None, None), (0.0, 0.0), (-1.0, None)])
def test_numeric_tolerance_must_be_positive(tolerances):
    absolute, relative = tolerances
    errors = validate_content(content("numeric", answer="1", abs_tolerance=absolute, rel_tolerance=relative))
    assert "abs_tolerance" in errors


def test_a_numeric_key_must_be_a_number():
    errors = validate_content(content("numeric", answer="two", abs_tolerance=0.1))
    assert errors["answer"][0].startswith("The key does not parse")


@pytest.mark.parametrize("key", ["[[1, 2], [3]]", "[[1, x]]", ""])
def test_a_matrix_key_must_be_well_formed(key):
    errors = validate_content(content("matrix", answer=key, abs_tolerance=0.1))
    assert "answer" in errors


def test_a_shape_key_must_be_a_shape():
    assert "answer" in validate_content(content("shape", answer="tall"))


def test_an_expression_key_must_parse():
    errors = validate_content(content("expression", symbols=SYMBOLS, answer="(A + x"))
    assert "answer" in errors


def test_an_expression_key_must_shape_check():
    errors = validate_content(content("expression", symbols=SYMBOLS, answer="A x^T"))
    assert "answer" in errors


def test_an_expression_key_may_only_use_declared_symbols():
    errors = validate_content(content("expression", symbols=SYMBOLS, answer="B x"))
    assert "answer" in errors


def test_an_expression_key_must_be_the_derivative_it_claims_to_be():
    wrong = content("expression", symbols=SYMBOLS, answer="2 A x", function="x^T A x", wrt="x")
    errors = validate_content(wrong)
    assert "not the derivative" in errors["answer"][0]


def test_function_and_wrt_come_together():
    errors = validate_content(content("expression", symbols=SYMBOLS, answer="A x", function="x^T A x"))
    assert "wrt" in errors


def test_expression_questions_declare_symbols():
    assert "symbols" in validate_content(content("expression", answer="x"))


def test_required_texts_and_difficulty():
    errors = validate_content(content("shape", answer="n×1", title=" ", stem="", solution="", difficulty=7))
    assert set(errors) >= {"title", "stem", "solution", "difficulty"}


def test_variant_keys_are_checked_for_several_seeds():
    # b is drawn from [-3, 3] including 0, so some variants divide by zero.
    question = content(
        "numeric",
        answer="{{q}}",
        abs_tolerance=1e-9,
        parameters={"b": {"int": [-3, 3]}, "q": {"expr": "1 / b"}},
    )
    errors = validate_content(question)
    assert "parameters" in errors or "answer" in errors


def test_a_bad_parameter_declaration_is_reported():
    errors = validate_content(
        content("numeric", answer="1", abs_tolerance=1, parameters={"a": {"int": [9, 2]}})
    )
    assert "parameters" in errors


def test_an_unknown_placeholder_is_reported():
    errors = validate_content(
        content("numeric", answer="{{nope}}", abs_tolerance=1, parameters={"a": {"int": [1, 2]}})
    )
    assert "parameters" in errors or "answer" in errors


def test_a_problem_with_the_conditions_is_reported_under_where():
    question = content(
        "numeric", answer="{{a}}", abs_tolerance=1, parameters={"a": {"int": [1, 9]}}, where=["a > 20"]
    )
    assert "no draw met every condition" in validate_content(question)["where"][0]
    assert "where" in validate_content({**question, "where": ["b > 1"]})


def test_conditions_keep_a_variant_key_from_breaking():
    question = content(
        "numeric",
        answer="{{q}}",
        abs_tolerance=1e-9,
        parameters={"b": {"int": [-3, 3]}, "q": {"expr": "1 / b"}},
        where=["b != 0"],
    )
    assert validate_content(question) == {}


RENAMED = content(
    "expression",
    symbols={"{{M}}": {"shape": ["{{n}}", "{{n}}"]}, "x": {"shape": ["{{n}}", 1]}},
    answer="({{M}} + {{M}}^T) x",
    function="x^T {{M}} x",
    wrt="x",
    parameters={"M": {"choice": ["A", "B", "W"]}, "n": {"int": [2, 4]}},
)


def test_symbol_names_and_sizes_can_be_parameters():
    assert validate_content(RENAMED) == {}
    names = set()
    for seed in range(30):
        variant = make_variant(RENAMED, seed)
        name, n = variant.values["M"], variant.values["n"]
        names.add(name)
        assert variant.content["symbols"] == {name: {"shape": [n, n]}, "x": {"shape": [n, 1]}}
        assert variant.content["answer"] == f"({name} + {name}^T) x"
        assert grade(variant.content, f"{name} x + {name}' x").verdict == "correct"
    assert names == {"A", "B", "W"}


def test_an_undeclared_placeholder_in_a_symbol_is_reported():
    errors = validate_content({**RENAMED, "symbols": {"{{N}}": {"shape": ["n", "n"]}}})
    assert errors["symbols"] == ["{{N}} is not a declared parameter."]
