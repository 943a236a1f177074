"""Two audiences, two exceptions (as in mitx-grading-library's ``exceptions.py``).

``ConfigError`` is for the question author: a bad symbol declaration, or an expected answer that does not
parse or shape-check. It propagates to the caller. ``AnswerError`` is for the learner: anything wrong with
what they typed. It never leaves the engine; ``check`` turns it into an ``invalid`` verdict.
"""


class ConfigError(Exception):
    """The question itself is broken; only its author can fix it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AnswerError(Exception):
    """The learner's input cannot be graded; the message is shown to them as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
