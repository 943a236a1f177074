"""Authors preview and try questions; learners never reach keys, drafts or the bank."""

import pytest

from exams.models import Question
from exams.question_types import learner_view

pytestmark = pytest.mark.django_db


def test_the_preview_shows_the_question_key_and_solution_to_authors(client, author, make_question):
    question = make_question("expression")
    client.force_login(author)
    html = client.get(f"/author/questions/{question.slug}/").content.decode()
    assert "As the learner sees it" in html
    assert "(A + A^T) x" in html
    assert "It is" in html  # the solution


def test_an_author_can_try_an_answer(client, author, make_question):
    question = make_question("expression")
    client.force_login(author)
    html = client.get(f"/author/questions/{question.slug}/", {"answer": "2 A x"}).content.decode()
    assert "Incorrect" in html
    correct = client.get(f"/author/questions/{question.slug}/", {"answer": "A x + A' x"}).content.decode()
    assert "Correct" in correct
    assert "Interpreted as" in correct


def test_the_preview_uses_the_chosen_seed(client, author, make_question):
    question = make_question(
        "numeric",
        stem="Compute ${{a}} \\cdot 1$.",
        answer="{{a}}",
        parameters={"a": {"int": [100, 999]}},
    )
    client.force_login(author)
    variant = question.current_version.variant(5)
    html = client.get(f"/author/questions/{question.slug}/", {"seed": 5}).content.decode()
    assert f"{variant.values['a']} \\cdot 1" in html


def test_history_lists_versions_with_their_changes(client, author, make_question):
    question = make_question("numeric")
    question.answer = "2.0"
    question.save()
    question.record_version()
    client.force_login(author)
    html = client.get(f"/author/questions/{question.slug}/history/").content.decode()
    assert "Version 2" in html and "Version 1" in html
    assert "+answer: &#x27;2.0&#x27;" in html or "+answer: '2.0'" in html


@pytest.mark.parametrize(
    "path", ["/author/questions/{slug}/", "/author/questions/{slug}/history/", "/author/bank/exams/question/"]
)
def test_learners_cannot_reach_authoring_pages(client, learner, make_question, path):
    question = make_question("numeric")
    client.force_login(learner)
    response = client.get(path.format(slug=question.slug))
    assert response.status_code in (302, 403)
    assert "It is $2$" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, make_question):
    question = make_question("numeric")
    response = client.get(f"/author/questions/{question.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_learner_view_carries_no_key(make_question):
    for kind in Question.Type.values:
        question = make_question(kind)
        view = learner_view(question.current_version.variant(0).content)
        assert not {"answer", "solution", "function", "wrt", "hints"} & set(view)
        for option in view.get("options", []):
            assert set(option) == {"id", "text"}


def test_authors_edit_questions_in_the_author_bank(client, author, make_question):
    question = make_question("numeric")
    client.force_login(author)
    assert client.get("/author/bank/exams/question/").status_code == 200
    assert client.get(f"/author/bank/exams/question/{question.pk}/change/").status_code == 200
    assert client.get("/admin/").status_code == 302  # the full admin site stays staff-only
