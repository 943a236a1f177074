"""Option pools: a choice question declares more options than it shows, and each variant samples them."""

import collections

import pytest

from exams.question_types import grade, make_variant, option_problems, validate_content
from tests.exams.contents import content

SEEDS = range(400)


def option(index, correct=False, always=False, text=None):
    return {
        "id": "abcdefghij"[index],
        "text": text or f"option {index}",
        "correct": correct,
        "feedback": "",
        **({"always": True} if always else {}),
    }


def question(kind, options, pool, **fields):
    return content(kind, options=options, pool=pool, stem="Which?", **fields)


SINGLE = question(
    "single_choice",
    [
        option(0, correct=True),
        option(1, correct=True),
        *(option(i) for i in range(2, 7)),
        option(7, always=True),
    ],
    {"show": 4},
)
MULTIPLE = question(
    "multiple_choice",
    [*(option(i, correct=True) for i in range(4)), *(option(i) for i in range(4, 9))],
    {"show": 5, "correct": [1, 3]},
)


def shown(content, seed):
    return make_variant(content, seed).content["options"]


def test_a_single_choice_variant_shows_the_pool_size_with_exactly_one_correct_option():
    for seed in SEEDS:
        options = shown(SINGLE, seed)
        assert len(options) == 4
        assert sum(option["correct"] for option in options) == 1


def test_shown_options_keep_their_bank_ids_text_and_order():
    by_id = {option["id"]: option for option in SINGLE["options"]}
    for seed in range(50):
        options = shown(SINGLE, seed)
        assert [option["id"] for option in options] == sorted(option["id"] for option in options)
        assert all(option == by_id[option["id"]] for option in options)


def test_an_always_option_is_in_every_variant():
    assert all("h" in {option["id"] for option in shown(SINGLE, seed)} for seed in SEEDS)


def test_every_option_of_the_pool_is_shown_in_some_variants_and_correct_ones_alternate():
    counts = collections.Counter(option["id"] for seed in SEEDS for option in shown(SINGLE, seed))
    assert set(counts) == set("abcdefgh")
    assert 0.35 < counts["a"] / len(SEEDS) < 0.65  # one of the two correct options, each about half the time
    assert counts["a"] + counts["b"] == len(SEEDS)


def test_a_multiple_choice_variant_shows_a_number_of_correct_options_within_the_range():
    correct_counts = collections.Counter()
    for seed in SEEDS:
        options = shown(MULTIPLE, seed)
        assert len(options) == 5
        correct_counts[sum(option["correct"] for option in options)] += 1
    assert set(correct_counts) == {1, 2, 3}


def test_the_same_seed_shows_the_same_options_and_others_differ():
    assert all(shown(SINGLE, seed) == shown(SINGLE, seed) for seed in range(20))
    assert len({tuple(option["id"] for option in shown(SINGLE, seed)) for seed in range(40)}) > 10


def test_a_pool_does_not_change_the_numbers_of_a_variant():
    parameters = {"a": {"int": [1, 9]}, "b": {"int": [1, 9]}}
    options = [
        option(0, correct=True, text="{{a}}"),
        *(option(i, text=f"{{{{a}}}} + {i}") for i in range(1, 6)),
    ]
    without = question("single_choice", options, {}, parameters=parameters)
    with_pool = question("single_choice", options, {"show": 3}, parameters=parameters)
    for seed in range(30):
        assert make_variant(without, seed).values == make_variant(with_pool, seed).values


def test_a_variant_is_graded_on_the_options_it_shows():
    for seed in range(30):
        content = make_variant(MULTIPLE, seed).content
        right = [option["id"] for option in content["options"] if option["correct"]]
        assert grade(content, right).verdict == "correct"
        hidden = next(option["id"] for option in MULTIPLE["options"] if option not in content["options"])
        assert grade(content, [*right, hidden]).verdict == "invalid"


def test_a_sound_pool_is_valid():
    assert validate_content(SINGLE) == {}
    assert validate_content(MULTIPLE) == {}


@pytest.mark.parametrize(
    ("kind", "options", "pool", "problem"),
    [
        ("single_choice", [option(0, True), option(1)], {"show": 3}, "'show' must be a whole number from 2"),
        ("single_choice", [option(0, True), option(1), option(2)], {"show": 1}, "from 2 to the number"),
        ("single_choice", [option(0, True), option(1), option(2)], {"show": "2"}, "from 2 to the number"),
        ("single_choice", [option(0, True), option(1), option(2)], {"size": 2}, "Write the pool as"),
        ("single_choice", [option(0, True), option(1), option(2)], [2], "Write the pool as"),
        ("single_choice", [option(0), option(1), option(2)], {"show": 2}, "at least one correct option"),
        (
            "single_choice",
            [option(0, True), option(1), option(2)],
            {"show": 2, "correct": 1},
            "leave out 'correct'",
        ),
        (
            "single_choice",
            [option(0, True, always=True), option(1, True, always=True), option(2)],
            {"show": 2},
            "2 correct options are always shown, but a variant may show only 1",
        ),
        (
            "single_choice",
            [option(0, True), option(1, True), option(2), option(3)],
            {"show": 4},
            "A variant may show 3 incorrect options, but the pool has only 2",
        ),
        (
            "single_choice",
            [option(0, True), option(1, always=True), option(2, always=True), option(3)],
            {"show": 2},
            "2 incorrect options are always shown, but a variant may show only 1",
        ),
        (
            "multiple_choice",
            [option(0, True), option(1), option(2), option(3)],
            {"show": 3, "correct": [1, 2]},
            "A variant may show 2 correct options, but the pool has only 1",
        ),
        (
            "multiple_choice",
            [option(0, True), option(1, True), option(2, True), option(3)],
            {"show": 3, "correct": [1, 3]},
            "A variant may show 2 incorrect options, but the pool has only 1",
        ),
        ("multiple_choice", [option(0, True), option(1), option(2)], {"show": 2, "correct": [2, 1]}, "range"),
        ("multiple_choice", [option(0, True), option(1), option(2)], {"show": 2, "correct": [0, 1]}, "range"),
        ("multiple_choice", [option(0, True), option(1), option(2)], {"show": 2, "correct": 3}, "range"),
        ("multiple_choice", [option(0, True), option(1), option(2)], {"show": 2, "correct": "1"}, "range"),
        ("multiple_choice", [option(0, True), option(1, always=True)], {}, "'always' only matters"),
    ],
)
def test_it_refuses_a_pool_that_cannot_be_shown_as_declared(kind, options, pool, problem):
    problems = option_problems(kind, options, pool)
    assert any(problem in message for message in problems), problems
    assert any(problem in message for message in validate_content(question(kind, options, pool))["options"])


def test_a_pool_is_only_for_choice_questions():
    errors = validate_content(question("numeric", [], {"show": 2}, answer="1", abs_tolerance=0.1))
    assert errors["pool"] == ["Only choice questions have an option pool."]


def test_options_that_read_the_same_for_some_variant_are_refused():
    options = [option(0, True, text="${{a}}$"), option(1, text="${{b}}$"), option(2, text="$0$")]
    content = question("single_choice", options, {}, parameters={"a": {"int": [1, 3]}, "b": {"int": [1, 3]}})
    (problem,) = validate_content(content)["options"]
    assert "Options a and b read the same" in problem and "(variant seed" in problem
    assert validate_content({**content, "where": ["a != b"]}) == {}


def test_options_that_differ_only_in_spacing_read_the_same():
    options = [option(0, True, text="$m\\times n$"), option(1, text="$m\\times  n$ ")]
    assert "read the same" in validate_content(question("single_choice", options, {}))["options"][0]


def test_computed_numbers_in_options_are_written_exactly():
    parameters = {"a": {"int": [2, 5]}, "half": {"expr": "a / 3"}, "double": {"expr": "2 * a / 3"}}
    options = [option(0, True, text="${{half}}$"), option(1, text="${{double}}$"), option(2, text="$0$")]
    content = question("single_choice", options, {}, parameters=parameters)
    assert validate_content(content) == {}
    variant = make_variant(content, 0)
    a = variant.values["a"]
    assert variant.content["options"][0]["text"] == (f"${a // 3}$" if a == 3 else f"$\\tfrac{{{a}}}{{3}}$")


# --- Options correct under a condition -------------------------------------------------------------------

CLASSIFY = question(
    "single_choice",
    [
        {**option(0, text="a strict local minimum"), "correct_if": "a > 0 and a * c - b * b > 0"},
        {**option(1, text="a strict local maximum"), "correct_if": "a < 0 and a * c - b * b > 0"},
        {**option(2, text="a saddle point"), "correct_if": "a * c - b * b < 0"},
    ],
    {},
    parameters={"a": {"int": [-4, 4]}, "b": {"int": [-3, 3]}, "c": {"int": [-4, 4]}},
    where=["a * c - b * b != 0"],
)


def test_which_option_is_correct_can_depend_on_the_variant():
    keys = collections.Counter()
    for seed in range(200):
        variant = make_variant(CLASSIFY, seed)
        a, b, c = (variant.values[name] for name in "abc")
        (right,) = [option for option in variant.content["options"] if option["correct"]]
        expected = "saddle" if a * c < b * b else ("minimum" if a > 0 else "maximum")
        assert expected in right["text"]
        assert grade(variant.content, [right["id"]]).verdict == "correct"
        assert all("correct_if" not in option for option in variant.content["options"])
        keys[right["id"]] += 1
    assert set(keys) == {"a", "b", "c"}
    assert validate_content(CLASSIFY) == {}


def test_conditions_that_make_two_options_or_none_correct_in_a_variant_are_refused():
    minimum, maximum, saddle = CLASSIFY["options"]
    overlapping = {**CLASSIFY, "options": [{**minimum, "correct_if": "a > 0"}, maximum, saddle]}
    (problem,) = validate_content(overlapping)["options"]
    assert "needs exactly one correct option, not 2" in problem and "Adjust the correct_if" in problem
    (problem,) = validate_content({**CLASSIFY, "options": [minimum, maximum]})["options"]
    assert "needs exactly one correct option, not 0" in problem


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"correct": True}, "either correct or correct_if a condition, not both"),
        ({"correct_if": "d > 0"}, "'d' is not a declared parameter"),
        ({"correct_if": "a + 1"}, "a condition must be true or false"),
    ],
)
def test_a_broken_option_condition_is_reported(change, problem):
    broken = {**CLASSIFY, "options": [{**CLASSIFY["options"][0], **change}, *CLASSIFY["options"][1:]]}
    assert any(problem in message for messages in validate_content(broken).values() for message in messages)


def test_an_option_pool_cannot_hold_conditional_options():
    pooled = {**CLASSIFY, "pool": {"show": 2}}
    assert "cannot hold options that are correct_if" in validate_content(pooled)["options"][0]


def test_pool_options_that_read_the_same_are_refused_even_when_never_shown_together():
    options = [option(0, True, text="same"), option(1, text="other"), option(2, text="same ")]
    pooled = question("single_choice", options, {"show": 2})
    assert "Options a and c read the same: 'same'" in validate_content(pooled)["options"][0]
