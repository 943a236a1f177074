"""The live preview's reading of a question, signed into the question page.

Reading a typed answer needs only the question's type and symbols, which the page shows anyway. The
question page signs them, with the learner, attempt and position they belong to, into the preview's address,
so a preview — the request a page sends most, on every pause in typing — is answered from the signed-in
user alone instead of reading the attempt, its question and the version again. The signature means the
server only ever interprets symbols it declared itself. A reading that is missing, tampered with or not this
learner's (a page opened before this existed, another learner's address) is simply not used: the preview
then reads the database, which answers 404 for anyone else's question.

A reading is the question as the page that carries it shows it. A page left open while the question changed
under it (practice's "new version" in another tab, a regrade after submission) previews with the symbols it
shows until it is reloaded; after READING_MAX_AGE a reading is not used at all and the preview reads the
database, which bounds how long such a page can differ from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.core import signing

from exams.question_types import reading_of

if TYPE_CHECKING:
    from exams.models import AttemptQuestion

SALT = "exams.readings"
READING_MAX_AGE = 3600  # seconds; longer on one question page and the preview reads the database instead


def signed_reading(item: AttemptQuestion) -> str:
    """The reading of an attempt's question (see AttemptQuestion.content), signed for its learner."""
    kind, symbols = reading_of(item.content)
    return signing.dumps(
        [str(item.attempt_id), item.position, item.attempt.learner_id, kind, symbols],
        salt=SALT,
        compress=True,
    )


def verified_reading(token: str, learner_id: int, attempt_id: UUID, position: int) -> tuple[str, str] | None:
    """(kind, symbols JSON) from a token signed for this learner's question, or None."""
    try:
        attempt, signed_position, learner, kind, symbols = signing.loads(
            token, salt=SALT, max_age=READING_MAX_AGE
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if (attempt, signed_position, learner) != (str(attempt_id), position, learner_id):
        return None
    return kind, symbols
