"""The content targets and the coverage report, measured on small synthetic banks (the shipped bank's own
test asserts the targets once the content is in)."""

import pytest
from django.core.management import CommandError, call_command

from exams import bank_targets
from exams.bank import BankContents, BankEntry, entry_to_content

HINTS = ["A nudge.", "A method.", "Nearly there."]
BASE: dict[str, dict] = {
    "numeric": {"answer": "12", "tolerance": {"abs": 1e-9}},
    "expression": {
        "answer": "(A + A^T) x",
        "symbols": {"A": {"shape": ["n", "n"]}, "x": {"shape": ["n", 1]}},
        "function": "x^T A x",
        "wrt": "x",
    },
    "shape": {"answer": "n×1"},
    "single_choice": {
        "options": [
            {"text": "Right", "correct": True},
            {"text": "Wrong one", "correct": False},
            {"text": "Wrong two", "correct": False},
        ]
    },
    "multiple_choice": {
        "options": [
            {"text": "True one", "correct": True},
            {"text": "True two", "correct": True},
            {"text": "False one", "correct": False},
        ]
    },
}


def question(slug, kind="numeric", *, domain=1, topic="basics", status="published", **fields) -> BankEntry:
    entry = {
        "slug": slug, "type": kind, "title": slug.replace("-", " "), "difficulty": 2, "status": status,
        "stem": "Convention: columns.", "hints": HINTS, "solution": "Because.\nSo.", "topic": topic,
        **BASE.get(kind, {}), **fields,
    }  # fmt: skip
    if not entry["topic"]:
        del entry["topic"]
    return BankEntry(domain, entry, entry_to_content(entry, domain))


def facts(item: BankEntry) -> bank_targets.Facts:
    return bank_targets.facts_of(item)


def results(*items: BankEntry) -> dict[str, bank_targets.TargetResult]:
    report = bank_targets.measure(BankContents(list(items), {1: {"basics": "Basics"}}))
    return {result.target: result for result in report.results if result.domain == 1}


# --- Randomized means the key changes --------------------------------------------------------------------


def test_a_question_whose_key_changes_between_variants_is_randomized():
    changing = question("changing", answer="{{a}}", parameters={"a": {"int": [2, 9]}})
    assert facts(changing).randomized


def test_numbers_that_change_only_in_the_stem_do_not_make_a_question_randomized():
    cosmetic = question("cosmetic", stem="Convention: $n = {{a}}$.", parameters={"a": {"int": [2, 9]}})
    assert not facts(cosmetic).randomized
    assert not facts(question("fixed")).randomized


def test_a_pool_that_only_changes_the_distractors_does_not_count():
    options = [{"text": "Right", "correct": True}] + [
        {"text": f"Wrong {index}", "correct": False} for index in range(5)
    ]
    assert not facts(question("distractors", "single_choice", options=options, pool={"show": 3})).randomized


def test_a_pool_that_changes_which_statements_are_true_counts():
    options = [{"text": f"True {index}", "correct": True} for index in range(4)] + [
        {"text": f"False {index}", "correct": False} for index in range(4)
    ]
    pooled = question("statements", "multiple_choice", options=options, pool={"show": 4, "correct": [1, 4]})
    result = facts(pooled)
    assert result.randomized
    assert {correct for correct, _ in result.correct_shown} == {1, 2, 3, 4}


def test_options_correct_under_a_condition_and_renamed_symbols_count():
    classified = question(
        "sign",
        "single_choice",
        stem="Is $a = {{a}}$ positive?",
        options=[{"text": "Yes", "correct_if": "a > 0"}, {"text": "No", "correct_if": "a < 0"}],
        parameters={"a": {"int": [-5, 5], "exclude": [0]}},
    )
    renamed = question(
        "renamed",
        "expression",
        symbols={"{{M}}": {"shape": ["n", "n"]}, "x": {"shape": ["n", 1]}},
        answer="({{M}} + {{M}}^T) x",
        function="x^T {{M}} x",
        parameters={"M": {"choice": ["A", "B", "W"]}},
    )
    assert facts(classified).randomized
    assert facts(renamed).randomized


# --- Hints, longest options, derivatives, solution length ------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "hint", "fields"),
    [
        ("expression", r"The gradient is $(A + A^\top)x$.", {}),
        ("numeric", "It comes to $12$ in the end.", {}),
        ("numeric", "Half of it is $\\tfrac{1}{2}$.", {"answer": "1/2", "tolerance": {"rel": 1e-3}}),
        ("shape", r"It is $n\times 1$.", {}),
        (
            "single_choice",
            "Say **Right**.",
            {"options": [{"text": "Right", "correct": True}, {"text": "Wrong", "correct": False}]},
        ),  # fmt: skip
        ("numeric", r"Compute $\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}$.", {}),
    ],
)
def test_a_hint_that_states_the_key_is_found(kind, hint, fields):
    if "bmatrix" in hint:
        kind, fields = "matrix", {"answer": "[[1, 2], [3, 4]]", "tolerance": {"abs": 1e-9}}
    assert facts(question("leaky", kind, hints=["First.", hint, "Third."], **fields)).hint_leaks


@pytest.mark.parametrize(
    ("kind", "hint"),
    [
        ("expression", r"Differentiate $x^\top A x$ entry by entry."),
        ("numeric", "Add $1$ and $2$, then multiply by $112$."),
        ("numeric", "Index $x_{12}$ is not the answer."),
    ],
)
def test_a_hint_that_only_mentions_parts_of_the_key_is_fine(kind, hint):
    assert not facts(question("careful", kind, hints=["First.", hint, "Third."])).hint_leaks


def test_hints_are_checked_in_every_sampled_variant():
    randomized = question(
        "varying",
        answer="{{a}}",
        hints=["Nudge.", "It is $1{{b}}$.", "Done."],
        parameters={"a": {"int": [10, 19]}, "b": {"int": [0, 9]}},
    )
    assert facts(randomized).hint_leaks


def test_the_key_being_the_strictly_longest_option_is_measured_per_variant():
    longest = question(
        "longest",
        "single_choice",
        options=[
            {"text": r"The longest option by far, $\mathbb{R}^{n\times n}$", "correct": True},
            {"text": "Short", "correct": False},
            {"text": "Also short", "correct": False},
        ],
    )
    tied = question(
        "tied",
        "single_choice",
        options=[{"text": "Same size", "correct": True}, {"text": "Same  sizE", "correct": False}],
    )
    assert facts(longest).longest_key_share == 1.0
    assert facts(tied).longest_key_share == 0.0


def test_a_derivative_without_function_and_wrt_is_unchecked():
    unchecked = question("gradient-of-it", "expression", title="Gradient of a form", function="", wrt="")
    not_a_derivative = question(
        "closed-form", "expression", title="Closed-form solution", function="", wrt=""
    )
    assert facts(unchecked).derivative_unchecked
    assert not facts(not_a_derivative).derivative_unchecked
    assert not facts(question("checked", "expression", title="Gradient of a form")).derivative_unchecked


def test_solution_steps_count_lines_and_relations():
    assert bank_targets.solution_steps("One line.") == 1
    assert bank_targets.solution_steps("$$a = b = c$$\n\nSo $a \\le d$.\n") == 2 + 3


# --- Targets per domain ----------------------------------------------------------------------------------


def changed(item: BankEntry, **fields) -> BankEntry:
    entry = {**item.entry, **fields}
    return BankEntry(item.domain, entry, entry_to_content(entry, item.domain))


def as_kind(item: BankEntry, kind: str) -> BankEntry:
    """The question turned into a fixed one of another type, keeping its slug, difficulty and solution."""
    entry = {key: item.entry[key] for key in ("slug", "difficulty", "solution")}
    return question(entry.pop("slug"), kind, **entry)


def a_domain_meeting_every_target() -> list[BankEntry]:
    """70 randomized questions: 30 numeric, 30 shape and 10 multiple choice with one to all of three options
    correct; 30% easy, 45% medium, 25% hard, the hard ones with the longest solutions."""
    difficulties = [1] * 21 + [2] * 32 + [3] * 17
    items = []
    for index, difficulty in enumerate(difficulties):
        fields = {
            "difficulty": difficulty,
            "solution": "Step.\n" * (12 if difficulty == 3 else 2),
            "parameters": {"a": {"int": [1, 3]}},
        }
        if index < 30:
            items.append(question(f"n{index}", answer="1{{a}}", **fields))
        elif index < 60:
            items.append(question(f"s{index}", "shape", answer="{{a}}×{{a}}", **fields))
        else:
            options = [{"text": f"Statement {k}", "correct_if": f"a > {k}"} for k in range(3)]
            items.append(question(f"m{index}", "multiple_choice", options=options, **fields))
    return items


def test_a_domain_meeting_every_target_meets_them_all():
    measured = results(*a_domain_meeting_every_target())
    assert [target for target, result in measured.items() if not result.met] == []
    assert measured["at least 70 published"].value == "70"
    assert measured["≥50% randomized"].value == "70/70 (100%)"
    assert measured["difficulty mix 30/45/25 (±8 points)"].value == "30%/46%/24%"
    assert measured["multiple choice: some with one, some with all options correct"].value == (
        "1/3: 10, 2/3: 10, 3/3: 10"
    )


def fixed(item: BankEntry) -> BankEntry:
    return as_kind(item, item.content["type"]) if item.content["type"] != "multiple_choice" else item


BROKEN = {
    "at least 70 published": lambda items: [*items[:69], changed(items[69], status="draft")],
    "≥50% randomized": lambda items: [fixed(item) for item in items],
    "≥50% of expression questions randomized": lambda items: [
        as_kind(item, "expression") if 30 <= index < 40 else item for index, item in enumerate(items)
    ],
    "≥40% of choice questions randomized": lambda items: [
        as_kind(item, "single_choice") if 30 <= index < 50 else item for index, item in enumerate(items)
    ],
    "≥40% free-form": lambda items: [
        changed(item, type="shape", answer="{{a}}×1") if index < 5 else item
        for index, item in enumerate(items)
    ],
    "difficulty mix 30/45/25 (±8 points)": lambda items: [
        changed(item, difficulty=3) if index < 10 else item for index, item in enumerate(items)
    ],
    "multiple choice: some with one, some with all options correct": lambda items: [
        changed(item, parameters={"a": {"int": [2, 3]}})
        if item.content["type"] == "multiple_choice"
        else item
        for item in items
    ],
    "exactly 3 hints": lambda items: [changed(items[0], hints=HINTS[:2]), *items[1:]],
    "no hint contains the key": lambda items: [
        changed(items[0], hints=["a", "It is 1{{a}}.", "b"]),
        *items[1:],
    ],
    "every question has a topic": lambda items: [changed(items[0], topic=""), *items[1:]],
    "hard solutions longer than easy ones": lambda items: [
        changed(item, solution="Step.\n" * (20 if item.content["difficulty"] == 1 else 2)) for item in items
    ],
}


@pytest.mark.parametrize("target", BROKEN)
def test_each_target_fails_when_its_rule_is_broken(target):
    measured = results(*BROKEN[target](a_domain_meeting_every_target()))
    assert [name for name, result in measured.items() if not result.met] == [target]


def test_a_derivative_without_its_check_fails_the_target():
    unchecked = question("gradient-of-it", "expression", title="Gradient of a form", function="", wrt="")
    measured = results(*a_domain_meeting_every_target()[1:], unchecked)
    result = measured["derivatives checked by finite differences"]
    assert (result.met, result.offenders) == (False, ("gradient-of-it",))


def test_single_choice_keys_that_are_mostly_the_longest_fail_the_target():
    def single(slug: str, key: str) -> BankEntry:
        return question(
            slug,
            "single_choice",
            options=[{"text": key, "correct": True}, {"text": "Medium text", "correct": False}],
        )

    fair = [single(f"short{i}", "Key") for i in range(7)] + [
        single(f"long{i}", "A long key text") for i in range(3)
    ]
    unfair = fair + [single("long-again", "Another long key")]
    assert results(*fair)["single choice: key strictly longest in ≤30%"].met
    result = results(*unfair)["single choice: key strictly longest in ≤30%"]
    assert (result.met, result.value) == (False, "36% of 11")
    assert "long-again" in result.offenders


def test_offenders_are_named_and_difficulty_outliers_are_notes_not_failures():
    items = [
        *a_domain_meeting_every_target(),
        question("easy-but-long", difficulty=1, solution="Step.\n" * 30),
    ]
    report = bank_targets.measure(BankContents(items, {1: {"basics": "Basics"}}))
    assert report.notes[1] == ["easy-but-long: easy, 30 steps"]
    hints = question("hintless", hints=[])
    report = bank_targets.measure(BankContents([*items, hints], {1: {"basics": "Basics"}}))
    assert [result.offenders for result in report.unmet() if result.target == "exactly 3 hints"] == [
        ("hintless",)
    ]
    assert "domain 1: exactly 3 hints: hintless" in bank_targets.offenders_text(report)


# --- The coverage command --------------------------------------------------------------------------------

BANK_FILE = """domain: 2
topics:
  woodbury: Woodbury and Sherman–Morrison identities
  schur: Schur complements
questions:
  - slug: woodbury-inverse
    type: numeric
    title: A rank-one update
    topic: woodbury
    difficulty: 2
    stem: Compute $1/{{a}}$.
    answer: '1/{{a}}'
    tolerance: {rel: 1.0e-3}
    parameters:
      a: {int: [2, 9]}
    hints: [One, Two, Three]
    solution: It is $1/{{a}}$.
  - slug: schur-shape
    type: shape
    title: The shape of a Schur complement
    topic: schur
    difficulty: 1
    stem: What shape?
    answer: n×n
    hints: [One, Two, Three]
    solution: It is square.
"""
README = (
    "# Bank\n\nIntro.\n\n"
    "<!-- coverage:start (generated by python manage.py bank_coverage --write-readme) -->\n"
    "old\n<!-- coverage:end -->\n\nAfter.\n"
)


@pytest.fixture
def small_bank(tmp_path):
    (tmp_path / "02-prerequisites.yaml").write_text(BANK_FILE, encoding="utf-8")
    (tmp_path / "README.md").write_text(README, encoding="utf-8")
    return tmp_path


@pytest.mark.django_db
def test_the_coverage_command_prints_and_writes_the_tables_between_the_markers(small_bank, capsys):
    call_command("bank_coverage", str(small_bank), "--write-readme")
    printed = capsys.readouterr().out
    assert (
        "| **2 Review of Prerequisites** | **all** | **2** | **1** | **1** | **1** | **0** |\n"
        "| 2 | `woodbury` Woodbury and Sherman–Morrison identities | 1 | 1 | 0 | 1 | 0 |\n"
        "| 2 | `schur` Schur complements | 1 | 0 | 1 | 0 | 0 |\n"
    ) in printed
    assert "| at least 70 published | ✗ 2 |" in printed
    readme = (small_bank / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Bank\n\nIntro.\n\n<!-- coverage:start")
    assert readme.endswith("<!-- coverage:end -->\n\nAfter.\n")
    assert "old" not in readme and "`woodbury` Woodbury" in readme

    call_command("bank_coverage", str(small_bank), "--write-readme")
    assert (small_bank / "README.md").read_text(encoding="utf-8") == readme


@pytest.mark.django_db
def test_the_coverage_command_fails_on_unmet_targets_with_check(small_bank):
    with pytest.raises(CommandError, match=r"target\(s\) not met"):
        call_command("bank_coverage", str(small_bank), "--check")


@pytest.mark.django_db
def test_the_coverage_command_reports_a_broken_bank_clearly(small_bank, capsys):
    (small_bank / "02-prerequisites.yaml").write_text(BANK_FILE.replace("topic: schur", "topic: shur"))
    with pytest.raises(CommandError, match="fix the files"):
        call_command("bank_coverage", str(small_bank))
    assert "schur-shape: topic: 'shur' is not one of this file's topics" in capsys.readouterr().err
