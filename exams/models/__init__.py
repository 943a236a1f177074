from exams.models.attempts import Attempt, AttemptQuestion, Exam, Response
from exams.models.questions import Domain, Hint, Option, Question, QuestionVersion, Topic

__all__ = [
    "Attempt",
    "AttemptQuestion",
    "Domain",
    "Exam",
    "Hint",
    "Option",
    "Question",
    "QuestionVersion",
    "Response",
    "Topic",
]
