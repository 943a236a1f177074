"""Exams in the admin: made and edited through a form, validated field by field, sampled and published."""

from datetime import timedelta

import pytest
from django.utils import timezone

from exams.models import Exam
from exams.models.attempts import AttemptError

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/exams/exam/add/"


def exam_form(**fields):
    data = {
        "title": "Gradients", "slug": "gradients", "description": "Two gradient questions.", "mode": "exam",
        "time_limit_minutes": "20", "pass_mark": "60", "blueprint": "", "position": "3",
        "review_after_submission": ["score", "correctness"], "review_after_close": ["key"],
        "is_published": "on",
    }  # fmt: skip
    data.update(fields)
    return data


def field_errors(response):
    return response.context["adminform"].form.errors


def test_an_admin_makes_an_exam_from_the_grid(client, admin_user, make_question):
    make_question("numeric")
    make_question("numeric", difficulty=2)
    client.force_login(admin_user)
    response = client.post(
        ADD_URL, exam_form(blueprint_grid_2_1="1", blueprint_grid_2_2="1", max_attempts="2")
    )
    assert response.status_code == 302, field_errors(response)
    exam = Exam.objects.get(slug="gradients")
    assert exam.blueprint == [
        {"domain": 2, "difficulty": 1, "count": 1},
        {"domain": 2, "difficulty": 2, "count": 1},
    ]
    assert exam.review_after_submission == ["score", "correctness"]
    assert exam.max_attempts == 2


def test_the_grid_shows_a_blueprint_it_can_hold_and_edits_replace_it(client, admin_user, make_question):
    make_question("numeric")
    make_question("numeric")
    exam = Exam.objects.create(slug="g", title="G", description="d", blueprint=[{"domain": 2, "count": 1}],
                               time_limit_minutes=5)  # fmt: skip
    client.force_login(admin_user)
    page = client.get(f"/admin/exams/exam/{exam.pk}/change/").content.decode()
    assert 'name="blueprint_grid_2_0" value="1"' in page
    data = exam_form(slug="g", blueprint='[{"domain": 2, "count": 1}]', blueprint_grid_2_0="2")
    response = client.post(f"/admin/exams/exam/{exam.pk}/change/", data)
    assert response.status_code == 302, field_errors(response)
    exam.refresh_from_db()
    assert exam.blueprint == [{"domain": 2, "count": 2}]


def test_validation_is_shown_by_field(client, admin_user, make_question):
    make_question("numeric")
    client.force_login(admin_user)
    now = timezone.now()
    data = exam_form(
        blueprint_grid_3_2="4", time_limit_minutes="", pass_mark="0", max_attempts="0",
        opens_at_0=(now + timedelta(days=2)).strftime("%Y-%m-%d"), opens_at_1="10:00",
        closes_at_0=(now + timedelta(days=1)).strftime("%Y-%m-%d"), closes_at_1="10:00",
    )  # fmt: skip
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    errors = field_errors(response)
    assert "domain 3, medium" in " ".join(errors["blueprint"])
    assert "time limit" in " ".join(errors["time_limit_minutes"])
    assert "pass mark" in " ".join(errors["pass_mark"])
    assert "close after it opens" in " ".join(errors["closes_at"])
    assert "at least one attempt" in " ".join(errors["max_attempts"])
    assert not Exam.objects.filter(slug="gradients").exists()


def test_a_sample_form_lists_the_drawn_questions(client, admin_user, make_question):
    question = make_question("numeric", title="Trace of I")
    exam = Exam.objects.create(
        slug="s", title="S", description="d", blueprint=[{"count": 1}], time_limit_minutes=5
    )
    client.force_login(admin_user)
    page = client.get(f"/admin/exams/exam/{exam.pk}/sample/?seed=7").content.decode()
    assert "Trace of I" in page and question.slug in page


def test_a_sample_form_says_why_the_bank_cannot_fill_it(client, admin_user, make_question):
    make_question("numeric")
    exam = Exam.objects.create(
        slug="s", title="S", description="d", blueprint=[{"count": 3}], time_limit_minutes=5
    )
    client.force_login(admin_user)
    response = client.get(f"/admin/exams/exam/{exam.pk}/sample/?seed=oops")
    assert response.status_code == 200
    assert "only 1" in response.content.decode()


def test_publish_refuses_an_exam_the_bank_cannot_fill_and_unpublish_hides_it(
    client, admin_user, make_question
):
    make_question("numeric")
    good = Exam.objects.create(slug="a", title="A", description="d", blueprint=[{"count": 1}],
                               time_limit_minutes=5, is_published=False)  # fmt: skip
    bad = Exam.objects.create(slug="b", title="B", description="d", blueprint=[{"count": 9}],
                              time_limit_minutes=5, is_published=False)  # fmt: skip
    client.force_login(admin_user)
    client.post("/admin/exams/exam/", {"action": "publish", "_selected_action": [good.pk, bad.pk]})
    good.refresh_from_db(), bad.refresh_from_db()
    assert good.is_published and not bad.is_published
    client.post("/admin/exams/exam/", {"action": "unpublish", "_selected_action": [good.pk]})
    good.refresh_from_db()
    assert not good.is_published
    assert client.get("/exams/a/start/").status_code == 404


def test_attempts_are_refused_outside_the_window_and_beyond_the_maximum(
    make_exam, make_question, learner, take
):
    make_question("numeric")
    now = timezone.now()
    early = make_exam("early", opens_at=now + timedelta(hours=1))
    with pytest.raises(AttemptError, match="opens on"):
        early.start_attempt(learner, now=now)
    limited = make_exam("limited", max_attempts=1)
    take(limited, learner, correct=1)
    with pytest.raises(AttemptError, match="all 1 attempt"):
        limited.start_attempt(learner)
