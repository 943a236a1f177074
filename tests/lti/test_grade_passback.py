"""Assignment and Grade Services: scores reach the platform's gradebook, on grading and on every regrade; a
post that fails is retried with backoff, then marked failed for staff, who can send it again."""

from datetime import timedelta

from django.utils import timezone

from exams.models import Attempt
from exams.signals import attempt_graded
from lti import tasks as lti_tasks
from lti.models import LOST_TASK_AFTER, SCORE_POST_MAX_ATTEMPTS, ScorePost, retry_delay
from lti.tasks import resend_stale_scores


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


def unreachable(registration):
    registration.token_url = "http://127.0.0.1:9/token"  # nothing listens there
    registration.save()


def test_a_failed_post_is_retried_with_backoff_then_marked_failed_and_sent_again_by_staff(
    registration,
    launch,
    tool_client,
    enter_url,
    committed,
    lms,
    certifying_exam,
    settings,
    client,
    admin_user,
):
    settings.LTI_SCORE_RETRY_BASE_SECONDS = 10
    unreachable(registration)
    earliest = timezone.now()
    take_through_lti(launch, tool_client, enter_url, committed, right=2, user="sub-12")
    latest = timezone.now()
    post = ScorePost.objects.get()
    assert post.status == "pending" and post.attempts == 1 and "Error" in post.last_error
    # The embedded mode cannot retry inside the grading request: the periodic resend does, when it is due.
    waits = []
    while post.status == "pending":
        wait = timedelta(seconds=retry_delay(post.attempts))
        assert earliest + wait <= post.next_attempt_at <= latest + wait
        waits.append(wait.total_seconds())
        assert resend_stale_scores(now=post.next_attempt_at - timedelta(seconds=1)) == 0
        earliest = timezone.now()
        assert resend_stale_scores(now=post.next_attempt_at) == 1
        latest = timezone.now()
        post.refresh_from_db()
    assert waits == [10, 20, 40, 80, 160, 320, 640]
    assert post.status == "failed" and post.attempts == SCORE_POST_MAX_ATTEMPTS == 8
    assert resend_stale_scores(now=timezone.now() + timedelta(days=1)) == 0

    client.force_login(admin_user)
    change_link = f"/admin/lti/scorepost/{post.pk}/change/"
    assert change_link in client.get("/admin/lti/scorepost/", {"status__exact": "failed"}).content.decode()
    assert (
        change_link not in client.get("/admin/lti/scorepost/", {"status__exact": "pending"}).content.decode()
    )
    registration.token_url = f"{lms.base}/token"
    registration.save()
    client.post("/admin/lti/scorepost/", {"action": "send_again", "_selected_action": [post.pk]})
    post.refresh_from_db()
    assert post.status == "sent" and post.attempts == 1
    [score] = lms.recorded()["scores"]
    assert score["userId"] == "sub-12" and score["scoreGiven"] == 100


def test_with_a_broker_the_periodic_resend_leaves_a_failed_post_to_its_queued_retry(
    registration, launch, tool_client, enter_url, committed, certifying_exam, settings
):
    settings.LTI_SCORE_RETRY_BASE_SECONDS = 10
    unreachable(registration)
    take_through_lti(launch, tool_client, enter_url, committed, right=2, user="sub-13")
    post = ScorePost.objects.get()
    now = timezone.now()
    post.record("ConnectionError: refused", retry_queued=True, now=now)
    assert post.next_attempt_at == now + timedelta(seconds=20) + LOST_TASK_AFTER
    assert resend_stale_scores(now=now + timedelta(seconds=21)) == 0, "Celery's retry sends it"


def test_a_post_whose_task_was_lost_is_sent_by_the_periodic_resend(
    registration, launch, tool_client, enter_url, committed, lms, certifying_exam
):
    attempt = take_through_lti(launch, tool_client, enter_url, committed, right=1, user="sub-14")
    # A regrade whose task never ran (the broker was down when it was queued).
    lost = ScorePost.objects.create(
        lti_attempt=attempt.lti, graded_at=attempt.graded_at + timedelta(minutes=1), score_given=100
    )
    assert resend_stale_scores(now=lost.created_at + timedelta(minutes=4)) == 0
    assert resend_stale_scores(now=lost.created_at + LOST_TASK_AFTER) == 1
    lost.refresh_from_db()
    assert lost.status == "sent"
    assert [score["scoreGiven"] for score in lms.recorded()["scores"]] == [50, 100]


def test_attempts_not_launched_from_a_course_post_nothing(certifying_exam, learner, take):
    take(certifying_exam, learner, correct=2)
    assert not ScorePost.objects.exists()


def test_a_resent_post_is_not_enqueued_again_while_it_waits_in_the_queue(
    registration, launch, tool_client, enter_url, committed, certifying_exam, monkeypatch
):
    """A long queue (a backlog of grading) must not fill up with copies of the same score post."""
    attempt = take_through_lti(launch, tool_client, enter_url, committed, right=1, user="sub-15")
    lost = ScorePost.objects.create(
        lti_attempt=attempt.lti, graded_at=attempt.graded_at + timedelta(minutes=1), score_given=100
    )
    sent = []
    monkeypatch.setattr(lti_tasks.post_score, "delay", sent.append)
    due = lost.created_at + LOST_TASK_AFTER
    assert resend_stale_scores(now=due) == 1
    assert resend_stale_scores(now=due) == 0
    assert sent == [lost.pk]
    assert resend_stale_scores(now=timezone.now() + LOST_TASK_AFTER + timedelta(seconds=1)) == 1, "lost again"
