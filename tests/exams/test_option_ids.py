"""Choice options carry opaque ids per attempt: nothing a learner or an integration sees of an option (its
id, its place) tells the key. The server maps the ids back; results keep the order the attempt showed."""

import json
import re

import pytest

from exams.models import Attempt, Response
from exams.models.attempts import AttemptError

pytestmark = pytest.mark.django_db

KEY_LAST = [("wrong one", False), ("wrong two", False), ("wrong three", False), ("the key", True)]


@pytest.fixture
def choice_exam(make_question, make_exam):
    make_question("single_choice", options=KEY_LAST, solution="SECRET-SOLUTION.")
    return make_exam("choice", count=1, time_limit_minutes=10)


def option_values(html):
    return re.findall(r'name="option" value="([^"]*)"', html)


def option_texts(html):
    return re.findall(r'<span class="option-text"><p>([^<]*)</p>', html)


def test_the_exam_page_shows_fresh_random_ids_in_a_shuffled_order(client, learner, choice_exam):
    client.force_login(learner)
    seen_ids, orders = set(), set()
    for _ in range(8):
        attempt = choice_exam.start_attempt(learner)
        html = client.get(f"/attempts/{attempt.pk}/questions/1/").content.decode()
        values = option_values(html)
        assert len(values) == 4 and not set(values) & set("abcd")
        assert all(re.fullmatch(r"[A-Za-z0-9_-]{8}", value) for value in values)
        assert not seen_ids & set(values)  # never reused by another attempt
        seen_ids |= set(values)
        orders.add(tuple(option_texts(html)))
        attempt.submit()
    assert len(orders) > 1


def test_the_version_ids_are_refused_and_the_opaque_ones_stored(client, learner, choice_exam):
    attempt = choice_exam.start_attempt(learner)
    client.force_login(learner)
    item = attempt.questions.get()
    url = f"/attempts/{attempt.pk}/questions/1/answer"
    refused = client.post(url, json.dumps({"answer": ["d"]}), content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_answer"
    assert refused.json()["error"] == "That is not one of this question's options."
    key = item.key()
    assert client.post(url, json.dumps({"answer": key}), content_type="application/json").json()["saved"]
    assert item.response.answer == key
    assert f'value="{key[0]}" checked' in client.get(f"/attempts/{attempt.pk}/questions/1/").content.decode()


def test_an_option_id_of_another_attempt_is_refused(learner, author, choice_exam):
    mine, theirs = choice_exam.start_attempt(learner), choice_exam.start_attempt(author)
    their_key = theirs.questions.get().key()
    with pytest.raises(AttemptError, match="not one of this question's options"):
        mine.save_answer(1, their_key)


def test_grading_maps_the_opaque_ids_back_to_the_options(learner, choice_exam, committed):
    for chosen_text, verdict in (("the key", "correct"), ("wrong two", "incorrect")):
        attempt = choice_exam.start_attempt(learner)
        item = attempt.questions.get()
        chosen = next(option["id"] for option in item.view["options"] if option["text"] == chosen_text)
        attempt.save_answer(1, [chosen])
        committed(attempt.submit)
        assert Response.objects.get(attempt_question=item).verdict == verdict


def test_multiple_choice_is_graded_through_the_mapping_too(make_question, make_exam, learner, committed):
    make_question(
        "multiple_choice", options=[("no", False), ("yes 1", True), ("yes 2", True), ("no 2", False)]
    )
    exam = make_exam("multi", count=1)
    attempt = exam.start_attempt(learner)
    item = attempt.questions.get()
    ids = {option["text"]: option["id"] for option in item.view["options"]}
    attempt.save_answer(1, [ids["yes 1"], ids["no 2"]])
    committed(attempt.submit)
    item.refresh_from_db()
    assert (item.response.verdict, item.response.score) == ("incorrect", 0.0)


def test_the_results_page_lists_the_options_in_the_order_the_attempt_showed_them(
    client, learner, choice_exam, django_capture_on_commit_callbacks
):
    client.force_login(learner)
    attempt = choice_exam.start_attempt(learner)
    shown = option_texts(client.get(f"/attempts/{attempt.pk}/questions/1/").content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/attempts/{attempt.pk}/submit/", {"confirm": "on"})
    html = client.get(f"/attempts/{attempt.pk}/result/").content.decode()
    listed = re.findall(r'<li class="[^"]*">\s*(?:<strong>Your choice:</strong> )?<p>([^<]*)</p>', html)
    assert listed == shown


def test_the_api_uses_the_same_opaque_ids_for_questions_saves_and_results(
    client, learner, choice_exam, django_capture_on_commit_callbacks
):
    client.force_login(learner)
    attempt = choice_exam.start_attempt(learner)
    page_ids = option_values(client.get(f"/attempts/{attempt.pk}/questions/1/").content.decode())
    question = client.get(f"/api/v1/attempts/{attempt.pk}/").json()["questions"][0]
    assert [option["id"] for option in question["options"]] == page_ids
    key = attempt.questions.get().key()
    saved = client.put(
        f"/api/v1/attempts/{attempt.pk}/answers/1/", {"answer": key}, content_type="application/json"
    )
    assert saved.status_code == 200
    assert client.get(f"/api/v1/attempts/{attempt.pk}/").json()["questions"][0]["answer"] == key
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/attempts/{attempt.pk}/submit/")
    row = client.get(f"/api/v1/attempts/{attempt.pk}/result/").json()["questions"][0]
    assert [option["id"] for option in row["options"]] == page_ids
    assert row["key"] == key and row["answer"] == key and row["verdict"] == "correct"
    assert [option["correct"] for option in row["options"]].count(True) == 1


def test_a_practice_check_uses_the_opaque_ids(client, learner, make_question, make_exam):
    make_question("single_choice", options=KEY_LAST)
    exam = make_exam("drill", mode="practice")
    client.force_login(learner)
    attempt = exam.start_attempt(learner)
    key = attempt.questions.get().key()
    client.post(f"/attempts/{attempt.pk}/questions/1/check", {"option": key})
    assert "Correct" in client.get(f"/attempts/{attempt.pk}/questions/1/").content.decode()
    assert Attempt.objects.get().questions.get().response.answer == key


def test_the_author_preview_lists_options_in_bank_order_and_marks_the_key(client, author, make_question):
    question = make_question("single_choice", options=KEY_LAST)
    client.force_login(author)
    html = client.get(f"/author/questions/{question.slug}/").content.decode()
    key_list = html[html.index('class="key-options"') :]
    listed = re.findall(
        r"<li>([a-d])\. <p>([^<]*)</p> (<span class=\"key-badge\">key</span>|<span)", key_list
    )
    assert [(option_id, text) for option_id, text, _ in listed] == [
        ("a", "wrong one"), ("b", "wrong two"), ("c", "wrong three"), ("d", "the key"),
    ]  # fmt: skip
    assert [mark.startswith('<span class="key-badge">') for _, _, mark in listed] == [
        False,
        False,
        False,
        True,
    ]
