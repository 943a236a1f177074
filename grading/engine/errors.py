"""Two audiences, two exceptions (as in mitx-grading-library's ``exceptions.py``), and the engine's own bugs.

``ConfigError`` is for the question author: a bad symbol declaration, or an expected answer that does not
parse or shape-check. It propagates to the caller. ``AnswerError`` is for the learner: anything wrong with
what they typed. It never leaves the engine; ``check`` turns it into an ``invalid`` verdict. ``EngineError``
is an unexpected failure of the engine itself; it propagates too, since it is nobody's input's fault.
"""


class ConfigError(Exception):
    """The question itself is broken; only its author can fix it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class EngineError(Exception):
    """The engine failed on a valid question and answer (a bug): nobody's input is to blame."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AnswerError(Exception):
    """The learner's input cannot be graded; the message is shown to them as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def as_clause(message: str) -> str:
    """A message (a sentence, capitalized) to follow a colon or a dash: its first letter in lower case.

    Every engine message starts with a word, never with a learner's symbol, so this never changes a name.
    """
    return message[:1].lower() + message[1:]
