"""Assignment and Grade Services: scores reach the platform's gradebook, on grading and on every regrade."""

from datetime import timedelta

from exams.models import Attempt
from exams.signals import attempt_graded
from lti.models import ScorePost


def take_through_lti(launch, tool_client, enter_url, committed, right, **spec):
    response, _ = launch(exam="cert", **spec)
    tool_client.get(enter_url(response))
    tool_client.post("/exams/cert/start/")
    attempt = Attempt.objects.get(status="open")
    for item in attempt.questions.all():
        attempt.save_answer(item.position, "2" if item.position <= right else "5")
    committed(attempt.submit)
    attempt.refresh_from_db()
    return attempt


def test_a_graded_attempt_posts_its_score_creating_the_line_item(
    registration, launch, tool_client, enter_url, committed, lms, certifying_exam
):
    attempt = take_through_lti(launch, tool_client, enter_url, committed, right=1, user="sub-9")
    assert attempt.status == "graded"
    recorded = lms.recorded()
    [line_item] = recorded["lineitems"]
    assert line_item["tag"] == "dxam:cert" and line_item["scoreMaximum"] == 100
    [score] = recorded["scores"]
    assert score["scoreGiven"] == 50 and score["scoreMaximum"] == 100
    assert score["activityProgress"] == "Completed" and score["gradingProgress"] == "FullyGraded"
    assert score["userId"] == "sub-9" and score["timestamp"] and score["lineitem"] == line_item["id"]
    assert ScorePost.objects.get().status == "sent"


def test_grading_again_with_the_same_result_posts_nothing_new(
    registration, launch, tool_client, enter_url, committed, lms, certifying_exam
):
    attempt = take_through_lti(launch, tool_client, enter_url, committed, right=2, user="sub-10")
    attempt_graded.send(sender=Attempt, attempt=attempt)  # a retried grading task
    assert len(lms.recorded()["scores"]) == 1


def test_a_regrade_posts_the_new_score(
    registration, launch, tool_client, enter_url, committed, lms, certifying_exam
):
    attempt = take_through_lti(launch, tool_client, enter_url, committed, right=1, user="sub-11")
    attempt.score, attempt.graded_at = 1.0, attempt.graded_at + timedelta(minutes=5)
    attempt.save()
    committed(attempt_graded.send, sender=Attempt, attempt=attempt)
    scores = lms.recorded()["scores"]
    assert [score["scoreGiven"] for score in scores] == [50, 100]
    assert len(lms.recorded()["lineitems"]) == 1  # found again by its tag, not created twice


def test_a_failed_post_is_kept_for_retry(
    registration, launch, tool_client, enter_url, committed, certifying_exam
):
    registration.token_url = "http://127.0.0.1:9/token"  # nothing listens there
    registration.save()
    take_through_lti(launch, tool_client, enter_url, committed, right=2, user="sub-12")
    post = ScorePost.objects.get()
    assert post.status == "pending" and post.attempts == 1 and "Error" in post.last_error


def test_attempts_not_launched_from_a_course_post_nothing(certifying_exam, learner, take):
    take(certifying_exam, learner, correct=2)
    assert not ScorePost.objects.exists()
