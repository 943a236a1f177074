"""Topics: each bank file declares its domain's topics (slug: title) and each question names one of them."""

import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from exams.models import Domain, Question, Topic

pytestmark = pytest.mark.django_db
SAMPLE_BANK = Path(__file__).resolve().parent / "sample_bank"
INTRODUCTION = "01-introduction.yaml"


@pytest.fixture
def bank(tmp_path):
    folder = tmp_path / "bank"
    shutil.copytree(SAMPLE_BANK, folder)
    return folder


def import_bank(path):
    call_command("import_bank", str(path))


def edit(bank, change, name=INTRODUCTION):
    file = bank / name
    document = yaml.safe_load(file.read_text())
    change(document)
    file.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))


def refused(bank, capsys):
    with pytest.raises(CommandError, match="nothing was imported"):
        import_bank(bank)
    return capsys.readouterr().err


def test_a_files_topics_and_its_questions_topics_are_imported(bank):
    import_bank(bank)
    topics = Topic.objects.filter(domain__number=1)
    assert [(topic.slug, topic.title) for topic in topics] == [
        ("layout", "Layout conventions"),
        ("shapes", "Shapes of derivatives"),
    ]
    assert Question.objects.get(slug="layout-numerator-vs-denominator").topic == "layout"
    assert Question.objects.get(slug="layout-gradient-shape-of-scalar-function").topic == "shapes"


def test_questions_of_files_without_topics_still_import(bank):
    import_bank(bank)
    assert Question.objects.get(slug="gradient-of-quadratic-form").topic == ""
    assert not Topic.objects.filter(domain__number=3).exists()


def test_a_question_naming_an_undeclared_topic_is_refused(bank, capsys):
    edit(bank, lambda document: document["questions"][0].update(topic="layuot"))
    errors = refused(bank, capsys)
    assert (
        "layout-gradient-shape-of-scalar-function: topic: 'layuot' is not one of this file's topics "
        "(layout, shapes)" in errors
    )
    assert Question.objects.count() == 0


def test_a_topic_in_a_file_that_declares_none_is_refused(bank, capsys):
    edit(
        bank,
        lambda document: document["questions"][0].update(topic="gradients"),
        "03-derivatives-basics.yaml",
    )
    assert "gradient-of-quadratic-form: topic: declare the file's topics" in refused(bank, capsys)


def test_a_declared_topic_that_no_question_uses_is_reported(bank, capsys):
    edit(bank, lambda document: document["topics"].update({"frameworks": "Layouts in the frameworks"}))
    assert "-: topics: the topic 'frameworks' is declared but no question uses it" in refused(bank, capsys)


@pytest.mark.parametrize(
    ("topics", "problem"),
    [
        (["layout", "shapes"], "write the topics as a mapping of slugs to titles"),
        ({"Layout Conventions": "Layouts", "layout": "L", "shapes": "S"}, "use lowercase letters"),
        ({"layout": "", "shapes": "S"}, "topic 'layout': give a title of plain text"),
        ({"layout": ["a"], "shapes": "S"}, "topic 'layout': give a title of plain text"),
    ],
)
def test_malformed_topics_are_reported(bank, capsys, topics, problem):
    edit(bank, lambda document: document.update(topics=topics))
    assert problem in refused(bank, capsys)


def test_a_topic_that_is_not_text_is_reported(bank, capsys):
    edit(bank, lambda document: document["questions"][0].update(topic=["layout"]))
    assert "topic: must be plain text" in refused(bank, capsys)


def test_regrouping_questions_changes_their_topics_but_makes_no_new_versions(bank, capsys):
    import_bank(bank)
    capsys.readouterr()

    def swap(document):
        document["questions"][0]["topic"], document["questions"][1]["topic"] = "layout", "shapes"

    edit(bank, swap)
    import_bank(bank)
    assert "0 new, 2 changed" in capsys.readouterr().out
    question = Question.objects.get(slug="layout-numerator-vs-denominator")
    assert question.topic == "shapes"
    assert question.current_version.number == 1
    assert "topic" not in question.current_version.content


def test_renamed_titles_and_dropped_topics_follow_the_file(bank):
    import_bank(bank)

    def regroup(document):
        document["topics"] = {"shapes": "Shapes of gradients and Jacobians"}
        document["questions"][1]["topic"] = "shapes"

    edit(bank, regroup)
    import_bank(bank)
    assert list(Topic.objects.filter(domain__number=1).values_list("slug", "title")) == [
        ("shapes", "Shapes of gradients and Jacobians")
    ]


def test_a_topic_a_stored_question_still_names_is_kept(bank, make_question):
    import_bank(bank)
    make_question("numeric", slug="outside-the-files", domain=Domain.objects.get(number=1), topic="layout")

    def only_shapes(document):
        document["topics"] = {"shapes": "S"}
        for question in document["questions"]:
            question["topic"] = "shapes"

    edit(bank, only_shapes)
    import_bank(bank)
    assert set(Topic.objects.filter(domain__number=1).values_list("slug", flat=True)) == {"layout", "shapes"}


def test_topics_survive_export_and_import(bank, tmp_path):
    import_bank(bank)
    call_command("export_bank", str(tmp_path / "out"))
    exported = yaml.safe_load((tmp_path / "out" / INTRODUCTION).read_text())
    assert exported["topics"] == {"layout": "Layout conventions", "shapes": "Shapes of derivatives"}
    assert [question["topic"] for question in exported["questions"]] == ["shapes", "layout"]
    assert (
        "topic"
        not in yaml.safe_load((tmp_path / "out" / "03-derivatives-basics.yaml").read_text())["questions"][0]
    )

    Question.objects.all().delete()
    Topic.objects.all().delete()
    import_bank(tmp_path / "out")
    assert Question.objects.get(slug="layout-numerator-vs-denominator").topic == "layout"
    assert Topic.objects.filter(domain__number=1).count() == 2
