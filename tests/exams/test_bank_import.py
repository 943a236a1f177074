import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from exams.models import Question

pytestmark = pytest.mark.django_db
# A small bank in the shipped format, independent of the content under exams/bank.
SAMPLE_BANK = Path(__file__).resolve().parent / "sample_bank"


def import_bank(path):
    call_command("import_bank", str(path))


@pytest.fixture
def bank(tmp_path):
    folder = tmp_path / "bank"
    shutil.copytree(SAMPLE_BANK, folder)
    return folder


def test_the_sample_bank_imports_with_every_type(bank):
    import_bank(bank)
    assert Question.objects.count() >= 12
    assert set(Question.objects.values_list("type", flat=True)) == set(Question.Type.values)
    assert all(question.current_version for question in Question.objects.all())


def test_reimporting_unchanged_files_changes_nothing(bank, capsys):
    import_bank(bank)
    before = {q.slug: (q.current_version_id, q.updated_at) for q in Question.objects.all()}
    import_bank(bank)
    assert "0 new, 0 changed" in capsys.readouterr().out
    assert {q.slug: (q.current_version_id, q.updated_at) for q in Question.objects.all()} == before


def test_a_changed_question_becomes_a_new_version(bank):
    import_bank(bank)
    file = bank / "03-derivatives-basics.yaml"
    file.write_text(
        file.read_text().replace("Find $\\nabla_x\\, a^\\top x$.", "Compute $\\nabla_x\\, a^\\top x$.")
    )
    import_bank(bank)
    question = Question.objects.get(slug="gradient-of-linear-form")
    assert question.current_version.number == 2
    assert "Compute" in question.current_version.content["stem"]
    assert "Find" in question.versions.get(number=1).content["stem"]


def test_a_broken_file_imports_nothing_and_names_every_problem(bank, capsys):
    broken = bank / "09-broken.yaml"
    broken.write_text(
        """domain: 2
questions:
  - slug: wrong-single
    type: single_choice
    title: Two right answers
    difficulty: 1
    stem: Pick one.
    solution: Either.
    options:
      - {text: one, correct: true}
      - {text: two, correct: true}
  - slug: wrong-numeric
    type: numeric
    title: No tolerance
    difficulty: 1
    stem: Compute.
    solution: Done.
    answer: '3'
    colour: blue
"""
    )
    with pytest.raises(CommandError, match="nothing was imported"):
        import_bank(bank)
    errors = capsys.readouterr().err
    assert (
        f"{broken}: wrong-single: options: A single-choice question needs exactly one correct option"
        in errors
    )
    assert f"{broken}: wrong-numeric: colour: unknown key" in errors
    assert Question.objects.count() == 0


def test_a_text_that_yaml_reads_as_a_mapping_is_reported_not_a_crash(bank, capsys):
    (bank / "11-colon.yaml").write_text(
        """domain: 2
questions:
  - slug: colon-hint
    type: shape
    title: Colon
    difficulty: 1
    stem: What shape?
    solution: n×1.
    answer: n×1
    hints:
      - Note: a colon
"""
    )
    with pytest.raises(CommandError):
        import_bank(bank)
    assert "colon-hint: hints: must be a list of plain texts" in capsys.readouterr().err


def test_invalid_yaml_is_reported_with_the_file(bank, capsys):
    (bank / "10-bad.yaml").write_text("domain: [1\n")
    with pytest.raises(CommandError):
        import_bank(bank)
    assert "10-bad.yaml: -: file: not valid YAML" in capsys.readouterr().err


def test_a_duplicated_slug_is_refused(bank, capsys):
    text = (bank / "01-introduction.yaml").read_text()
    (bank / "01b-copy.yaml").write_text(text)
    with pytest.raises(CommandError):
        import_bank(bank)
    assert "the slug is used twice" in capsys.readouterr().err


def test_a_duplicated_mapping_key_is_refused_naming_file_question_and_key(bank, capsys):
    (bank / "11-twice.yaml").write_text(
        """domain: 2
questions:
  - slug: feedback-twice
    type: single_choice
    title: Which is right?
    difficulty: 1
    stem: Pick one.
    options:
      - text: right
        correct: true
        feedback: Yes.
        feedback: Meant for the other option.
      - text: wrong
    solution: The first.
"""
    )
    with pytest.raises(CommandError):
        import_bank(bank)
    assert (
        "11-twice.yaml: feedback-twice: feedback: the key 'feedback' appears twice" in capsys.readouterr().err
    )
    assert not Question.objects.exists()


def test_a_self_referencing_alias_is_walked_once(bank, capsys):
    (bank / "12-alias.yaml").write_text("domain: 2\nquestions: &loop [*loop]\n")
    with pytest.raises(CommandError):
        import_bank(bank)
    assert "12-alias.yaml" in capsys.readouterr().err


def test_export_then_import_round_trips_exactly(bank, tmp_path):
    import_bank(bank)
    first = tmp_path / "first"
    call_command("export_bank", str(first))
    contents = {q.slug: q.content() for q in Question.objects.all()}

    Question.objects.all().delete()
    import_bank(first)
    assert {q.slug: q.content() for q in Question.objects.all()} == contents

    second = tmp_path / "second"
    call_command("export_bank", str(second))
    files = sorted(path.name for path in first.iterdir())
    assert files == sorted(path.name for path in second.iterdir())
    for name in files:
        assert (first / name).read_text() == (second / name).read_text()


def test_a_missing_path_is_a_clear_error():
    with pytest.raises(CommandError, match="neither a YAML file nor a folder"):
        import_bank("/nonexistent/bank")


def test_pools_conditions_and_always_options_survive_export_and_import(bank, tmp_path):
    import_bank(bank)
    content = Question.objects.get(slug="broadcast-shape-with-computed-options").current_version.content
    assert content["pool"] == {"show": 4}
    assert content["where"] == ["p != q"]
    assert [option.get("always", False) for option in content["options"]] == [False] * 5 + [True]
    call_command("export_bank", str(tmp_path / "out"))
    exported = (tmp_path / "out" / "07-practical-tools.yaml").read_text()
    assert (
        "pool:\n    show: 4" in exported and "where:\n  - p != q" in exported and "always: true" in exported
    )


def test_content_without_pools_or_conditions_has_no_such_keys(bank):
    # Versions recorded before pools and conditions existed stay equal to the current content.
    import_bank(bank)
    content = Question.objects.get(slug="layout-numerator-vs-denominator").content()
    assert "pool" not in content and "where" not in content
    assert all("always" not in option for option in content["options"])


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("where", "p != q", "where: must be a list of plain texts"),
        ("pool", [4], "pool: must be a mapping"),
        (
            "options",
            [{"text": "a", "correct": "yes"}],
            "options: an option's 'correct' and 'always' are true or false",
        ),
    ],
)
def test_malformed_pools_conditions_and_options_are_reported(bank, capsys, key, value, problem):
    file = bank / "07-practical-tools.yaml"
    document = yaml.safe_load(file.read_text())
    document["questions"][0][key] = value
    file.write_text(yaml.safe_dump(document))
    with pytest.raises(CommandError):
        import_bank(bank)
    assert f"broadcast-shape-with-computed-options: {problem}" in capsys.readouterr().err
