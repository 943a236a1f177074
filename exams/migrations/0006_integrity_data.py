"""Data for issue 11: opaque option ids for existing attempts, review policies from the old review field,
and the certifying exam's blueprint and policy.

Saved choice answers used the version's own option ids (a, b, …), which every page and the API exposed.
Each shown option now gets a random id per attempt; the stored answers are rewritten to those ids, so
attempts in progress keep their answers and graded ones keep their review.
"""

import secrets

from django.db import migrations

BATCH = 500
OPTION_ID_BYTES = 6  # as exams.models.attempts.OPTION_ID_BYTES, frozen here
EVERYTHING = ["score", "domains", "correctness", "feedback", "key", "solution"]
SCORE_ONLY = ["score", "domains"]  # what the old "score only" review showed: the score and the domain table

CERTIFYING_SLUG = "full-practice-exam"
# Five questions per domain, the same mix on every form: one easy, three medium, one hard. The shipped bank
# has 13–14 easy, 22–24 medium and 8–9 hard published questions per domain (see README.md), so every cell can
# be filled, and the medium pool, the largest, lasts the longest before a learner sees a question again.
CERTIFYING_MIX = {1: 1, 2: 3, 3: 1}
CERTIFYING_BLUEPRINT = [
    {"domain": domain, "difficulty": difficulty, "count": count}
    for domain in range(1, 9)
    for difficulty, count in CERTIFYING_MIX.items()
]
CERTIFYING_REVIEW = ["score", "domains", "correctness", "feedback"]
CERTIFYING_DESCRIPTION = (
    "The certification exam: 40 questions in 60 minutes, five from each of the eight domains (one easy, three "
    "medium, one hard). Pass with 70% to earn your certificate. Your result shows your score, your domains and "
    "which answers were right, with feedback; keys and worked solutions stay private."
)
OLD_CERTIFYING_BLUEPRINT = [{"domain": number, "count": 5} for number in range(1, 9)]
OLD_CERTIFYING_DESCRIPTION = (
    "The certification exam: 40 questions, five from each of the eight domains, in 60 minutes. Pass with 70% to "
    "earn your certificate."
)


def _batches(queryset):
    batch = []
    for row in queryset.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _opaque_ids(count):
    tokens = []
    while len(tokens) < count:
        token = secrets.token_urlsafe(OPTION_ID_BYTES)
        if token not in tokens:
            tokens.append(token)
    return tokens


def _convert_attempts(apps, pending, convert, mapping):
    """For each attempt question that `pending(item)` selects: `convert(item)` its options, then rewrite its
    saved choice answers through `mapping(item)` (from the old ids to the new)."""
    AttemptQuestion = apps.get_model("exams", "AttemptQuestion")
    Response = apps.get_model("exams", "Response")
    for items in _batches(AttemptQuestion.objects.order_by("pk").only("pk", "option_order", "shown_options")):
        items = {item.pk: item for item in items if pending(item)}
        for item in items.values():
            convert(item)
        AttemptQuestion.objects.bulk_update(items.values(), ["option_order", "shown_options"])
        responses = list(Response.objects.filter(attempt_question_id__in=items))
        for response in responses:
            if isinstance(response.answer, list):
                old_to_new = mapping(items[response.attempt_question_id])
                response.answer = sorted(old_to_new[option] for option in response.answer if option in old_to_new)
        Response.objects.bulk_update(responses, ["answer"])


def _give_opaque_ids(item):
    tokens = _opaque_ids(len(item.option_order))
    item.shown_options = [{"id": token, "option": option} for token, option in zip(tokens, item.option_order)]


def _restore_option_order(item):
    item.option_order = [shown["option"] for shown in item.shown_options]


def to_opaque_ids(apps, schema_editor):
    _convert_attempts(
        apps,
        pending=lambda item: item.option_order and not item.shown_options,
        convert=_give_opaque_ids,
        mapping=lambda item: {shown["option"]: shown["id"] for shown in item.shown_options},
    )


def to_version_ids(apps, schema_editor):
    _convert_attempts(
        apps,
        pending=lambda item: item.shown_options,
        convert=_restore_option_order,
        mapping=lambda item: {shown["id"]: shown["option"] for shown in item.shown_options},
    )


def to_review_policies(apps, schema_editor):
    Exam = apps.get_model("exams", "Exam")
    for exam in Exam.objects.all():
        items = EVERYTHING if exam.review == "full" else SCORE_ONLY
        exam.review_after_submission, exam.review_after_close = list(items), list(items)
        exam.save(update_fields=["review_after_submission", "review_after_close"])


def to_review_field(apps, schema_editor):
    Exam = apps.get_model("exams", "Exam")
    for exam in Exam.objects.all():
        exam.review = "full" if "key" in exam.review_after_submission else "score_only"
        exam.save(update_fields=["review"])


def configure_shipped_exams(apps, schema_editor):
    """The certifying exam: the same difficulty mix per domain on every form; no keys or solutions shown."""
    Exam = apps.get_model("exams", "Exam")
    Exam.objects.filter(slug=CERTIFYING_SLUG).update(
        blueprint=CERTIFYING_BLUEPRINT,
        description=CERTIFYING_DESCRIPTION,
        review_after_submission=CERTIFYING_REVIEW,
        review_after_close=CERTIFYING_REVIEW,
    )


def restore_shipped_exams(apps, schema_editor):
    Exam = apps.get_model("exams", "Exam")
    Exam.objects.filter(slug=CERTIFYING_SLUG).update(
        blueprint=OLD_CERTIFYING_BLUEPRINT,
        description=OLD_CERTIFYING_DESCRIPTION,
        review_after_submission=EVERYTHING,
        review_after_close=EVERYTHING,
    )


class Migration(migrations.Migration):
    dependencies = [("exams", "0005_integrity_fields")]

    operations = [
        migrations.RunPython(to_opaque_ids, to_version_ids),
        migrations.RunPython(to_review_policies, to_review_field),
        migrations.RunPython(configure_shipped_exams, restore_shipped_exams),
    ]
