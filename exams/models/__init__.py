from exams.models.attempts import Attempt, AttemptQuestion, Exam, Response
from exams.models.audit import AttemptEvent, StaffActionError
from exams.models.questions import Domain, Hint, Option, Question, QuestionVersion, Topic

__all__ = [
    "Attempt",
    "AttemptEvent",
    "AttemptQuestion",
    "Domain",
    "Exam",
    "Hint",
    "Option",
    "Question",
    "QuestionVersion",
    "Response",
    "StaffActionError",
    "Topic",
]
