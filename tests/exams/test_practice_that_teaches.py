"""Practice mode teaches: check and try again, the solution after three wrong checks or on request, hints
one at a time, a fresh variant of a randomized question, and a record of tries, hints and solutions seen."""

import pytest

from exams.models import Attempt, Response
from exams.models.attempts import SOLUTION_AFTER_WRONG_CHECKS, AttemptError

pytestmark = pytest.mark.django_db


@pytest.fixture
def drill_item(make_question, make_exam, learner):
    make_question(
        "numeric",
        stem="What is ${{a}} \\cdot 2$?",
        answer="{{b}}",
        parameters={"a": {"int": [2, 400]}, "b": {"expr": "2 * a"}},
        hints=("Double it.", "Add it to itself."),
        solution="SECRET-SOLUTION",
    )
    exam = make_exam("drill", mode="practice")
    return exam.start_attempt(learner).questions.get(position=1)


def wrong_answer(item):
    return str(int(item.content["answer"]) + 1)


def test_a_wrong_check_gives_the_verdict_and_lets_the_learner_try_again(drill_item):
    outcome = drill_item.check_now(wrong_answer(drill_item))
    assert outcome.verdict == "incorrect"
    drill_item.refresh_from_db()
    assert (drill_item.tries, drill_item.wrong_checks, drill_item.solution_unlocked) == (1, 1, False)
    assert drill_item.check_now(drill_item.content["answer"]).verdict == "correct"
    assert Response.objects.get(attempt_question=drill_item).verdict == "correct"


def test_the_solution_opens_by_itself_after_three_wrong_checks(drill_item):
    for _ in range(SOLUTION_AFTER_WRONG_CHECKS - 1):
        drill_item.check_now(wrong_answer(drill_item))
    drill_item.refresh_from_db()
    assert not drill_item.solution_unlocked
    drill_item.check_now(wrong_answer(drill_item))
    drill_item.refresh_from_db()
    assert drill_item.solution_shown and drill_item.solution_seen
    assert drill_item.tries == SOLUTION_AFTER_WRONG_CHECKS


def test_a_new_version_draws_fresh_numbers_and_starts_the_question_afresh(drill_item):
    drill_item.reveal_hint()
    drill_item.check_now(wrong_answer(drill_item))
    drill_item.reveal_solution()
    old_stem = drill_item.view["stem"]
    drill_item.draw_new_version()
    drill_item.refresh_from_db()
    assert drill_item.view["stem"] != old_stem
    assert (drill_item.hints_shown, drill_item.solution_shown, drill_item.wrong_checks) == (0, False, 0)
    assert not Response.objects.filter(attempt_question=drill_item).exists()
    # What the learner did with the earlier version stays recorded.
    assert (drill_item.tries, drill_item.hints_used, drill_item.solution_seen, drill_item.new_versions) == (
        1, 1, True, 1,
    )  # fmt: skip


def test_a_new_version_has_new_numbers_even_when_there_are_only_two(make_question, make_exam, learner):
    make_question("numeric", stem="What is ${{a}} + 1$?", answer="{{b}}",
                  parameters={"a": {"int": [1, 2]}, "b": {"expr": "a + 1"}})  # fmt: skip
    item = make_exam("pair", mode="practice").start_attempt(learner).questions.get(position=1)
    stems = [item.view["stem"]]
    for _ in range(10):
        item.draw_new_version()
        stems.append(item.view["stem"])
    assert all(earlier != later for earlier, later in zip(stems, stems[1:], strict=False))


@pytest.mark.parametrize("action", ["reveal_hint", "reveal_solution", "draw_new_version"])
def test_a_submitted_drill_changes_no_more(drill_item, action):
    """Hints, solutions and new variants after submitting would rewrite a graded attempt's record."""
    drill_item.attempt.submit()
    with pytest.raises(AttemptError):
        getattr(drill_item, action)()
    drill_item.refresh_from_db()
    assert (drill_item.hints_used, drill_item.solution_seen, drill_item.new_versions) == (0, False, 0)


def test_a_question_without_variants_has_no_new_version(make_question, make_exam, learner):
    make_question("numeric", answer="2")
    item = make_exam("fixed", mode="practice").start_attempt(learner).questions.get(position=1)
    assert not item.has_variants
    with pytest.raises(AttemptError, match="no other versions"):
        item.draw_new_version()


def test_the_page_offers_a_new_version_and_hides_the_solution_until_asked(client, learner, drill_item):
    client.force_login(learner)
    base = f"/attempts/{drill_item.attempt_id}/questions/1"
    html = client.get(f"{base}/").content.decode()
    assert "Try a new version" in html and "SECRET-SOLUTION" not in html
    assert 'Show a hint <span class="muted">(1 of 2)</span>' in html
    response = client.post(f"{base}/new-version")
    assert response["Location"] == f"{base}/#answer"
    drill_item.refresh_from_db()
    assert drill_item.new_versions == 1
    client.post(f"{base}/solution")
    assert "SECRET-SOLUTION" in client.get(f"{base}/").content.decode()


def test_an_attempt_can_be_abandoned_after_confirmation(client, learner, make_question, make_exam, committed):
    make_question("numeric", answer="2")
    attempt = make_exam("timed").start_attempt(learner)
    attempt.save_answer(1, "2")
    client.force_login(learner)
    assert "Abandon this attempt?" in client.get(f"/attempts/{attempt.pk}/abandon/").content.decode()
    client.post(f"/attempts/{attempt.pk}/abandon/")  # not confirmed: nothing happens
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.OPEN
    response = committed(client.post, f"/attempts/{attempt.pk}/abandon/", {"confirm": "on"})
    assert response["Location"] == f"/attempts/{attempt.pk}/result/"
    attempt.refresh_from_db()
    assert (attempt.status, attempt.finalized_by, attempt.score) == (
        Attempt.Status.GRADED, Attempt.FinalizedBy.ABANDONED, 1.0,
    )  # fmt: skip
    assert "· Abandoned" in client.get(f"/attempts/{attempt.pk}/result/").content.decode()


def test_the_start_page_says_what_is_ahead(client, learner, make_question, make_exam):
    make_question("numeric", answer="2")
    exam = make_exam("timed", pass_mark=60, review_after_submission=["score", "domains"])
    learner.time_multiplier = 1.5
    learner.save()
    client.force_login(learner)
    html = client.get(f"/exams/{exam.slug}/start/").content.decode()
    assert "1 question</strong>" in html
    assert "5 minutes (8 minutes with your extra time)" in html
    assert "Pass mark 60%" in html
    assert "your score and whether you passed and your score in each domain" in html
    assert "saved as you type" in html and "kept on this device" in html
    assert "Start now" in html
    assert "Abandon" not in html
    exam.start_attempt(learner)
    html = client.get(f"/exams/{exam.slug}/start/").content.decode()
    assert "Resume" in html and "Abandon it" in html


def test_titles_are_typeset_on_one_line():
    from exams.templatetags.dxam import markdown_inline

    html = markdown_inline("Gradient of $a^\\top X b$ with respect to $X$")
    assert html == (
        'Gradient of <span class="math math-inline">a^\\top X b</span> with respect to '
        '<span class="math math-inline">X</span>'
    )
    assert markdown_inline("<script>alert(1)</script> plain") == "plain"  # sanitized like any Markdown
