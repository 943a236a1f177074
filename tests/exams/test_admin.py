"""Authoring in the admin: keys are validated on save, with errors next to the field."""

import pytest

from exams.models import Domain, Question, Topic

pytestmark = pytest.mark.django_db
ADD_URL = "/author/bank/exams/question/add/"


def question_form(kind="numeric", options=(), **fields):
    data = {
        "slug": "new-question",
        "domain": Domain.objects.get(number=3).pk,
        "type": kind,
        "title": "New question",
        "difficulty": 2,
        "status": "published",
        "tags": "gradient, basics",
        "stem": "Compute something.",
        "solution": "Like this.",
        "answer": "",
        "symbols": "{}",
        "function": "",
        "wrt": "",
        "abs_tolerance": "",
        "rel_tolerance": "",
        "parameters": "{}",
        "hints-TOTAL_FORMS": "1",
        "hints-INITIAL_FORMS": "0",
        "hints-0-position": "0",
        "hints-0-text": "A hint.",
        "options-TOTAL_FORMS": str(len(options)),
        "options-INITIAL_FORMS": "0",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
    }
    for index, (text, correct) in enumerate(options):
        data[f"options-{index}-position"] = str(index)
        data[f"options-{index}-text"] = text
        if correct:
            data[f"options-{index}-is_correct"] = "on"
    data.update(fields)
    return data


def errors_of(response):
    return response.context["adminform"].form.errors


def test_an_author_adds_a_valid_question_and_gets_version_one(client, author):
    client.force_login(author)
    response = client.post(ADD_URL, question_form(answer="3", abs_tolerance="0.001"))
    assert response.status_code == 302, errors_of(response)
    question = Question.objects.get(slug="new-question")
    assert question.author == author
    assert question.tags == ["gradient", "basics"]
    assert question.current_version.number == 1
    assert question.current_version.content["hints"] == ["A hint."]


def test_a_zero_tolerance_is_refused_next_to_the_field(client, author):
    client.force_login(author)
    response = client.post(ADD_URL, question_form(answer="3", abs_tolerance="0"))
    assert response.status_code == 200
    assert "abs_tolerance" in errors_of(response)
    assert not Question.objects.exists()


def test_an_expression_key_that_does_not_shape_check_is_refused(client, author):
    client.force_login(author)
    form = question_form(
        "expression", answer="A x^T", symbols='{"A": {"shape": ["n", "n"]}, "x": {"shape": ["n", 1]}}'
    )
    response = client.post(ADD_URL, form)
    assert response.status_code == 200
    assert "answer" in errors_of(response)


def test_a_wrong_derivative_key_is_refused(client, author):
    client.force_login(author)
    form = question_form(
        "expression",
        answer="2 A x",
        function="x^T A x",
        wrt="x",
        symbols='{"A": {"shape": ["n", "n"]}, "x": {"shape": ["n", 1]}}',
    )
    response = client.post(ADD_URL, form)
    assert "not the derivative" in str(errors_of(response)["answer"])


def test_single_choice_with_two_correct_options_is_refused(client, author):
    client.force_login(author)
    response = client.post(ADD_URL, question_form("single_choice", options=[("a", True), ("b", True)]))
    assert response.status_code == 200
    formset_errors = [formset.non_form_errors() for formset in response.context["inline_admin_formsets"]]
    assert any("exactly one correct option" in str(errors) for errors in formset_errors)
    assert not Question.objects.exists()


def test_editing_a_question_creates_a_new_version(client, author, make_question):
    question = make_question("numeric")
    client.force_login(author)
    form = question_form(answer="2", abs_tolerance="0.5", stem="Compute $1 + 1$, again.")
    form.pop("slug")
    form.update({"domain": question.domain.pk, "hints-TOTAL_FORMS": "0"})
    response = client.post(f"/author/bank/exams/question/{question.pk}/change/", form)
    assert response.status_code == 302, errors_of(response)
    question.refresh_from_db()
    assert question.current_version.number == 2
    assert question.versions.get(number=1).content["stem"] == "Compute $1 + 1$."


def test_bulk_publish_skips_invalid_questions(client, author, make_question):
    good = make_question("numeric", status="draft")
    bad = make_question("numeric", status="draft")
    Question.objects.filter(pk=bad.pk).update(abs_tolerance=0)
    client.force_login(author)
    response = client.post(
        "/author/bank/exams/question/",
        {"action": "publish", "_selected_action": [good.pk, bad.pk]},
        follow=True,
    )
    assert response.status_code == 200
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == "published"
    assert bad.status == "draft"
    assert f"Not published: {bad.slug} (abs_tolerance: Give an absolute" in response.content.decode()


def test_authors_cannot_delete_questions(client, author, make_question):
    question = make_question("numeric")
    client.force_login(author)
    assert (
        client.post(f"/author/bank/exams/question/{question.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Question.objects.filter(pk=question.pk).exists()


def test_a_question_gets_one_of_its_domains_topics(client, author):
    Topic.objects.create(domain=Domain.objects.get(number=3), slug="gradients", title="Gradients")
    client.force_login(author)
    response = client.post(ADD_URL, question_form(answer="3", abs_tolerance="0.001", topic="hessians"))
    assert response.status_code == 200
    assert errors_of(response)["topic"] == ["'hessians' is not a topic of domain 3 (its topics: gradients)."]
    response = client.post(ADD_URL, question_form(answer="3", abs_tolerance="0.001", topic="gradients"))
    assert response.status_code == 302, errors_of(response)
    assert Question.objects.get(slug="new-question").topic == "gradients"
