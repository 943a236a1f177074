"""Settings of the worker started by test_grading_timeout_on_a_worker: checking the answer PATHOLOGICAL runs
forever in this process, as a pathological key would, and the grading time limit is one second."""

import grading.engine.compare
from config.settings import *  # noqa: F403
from tests.grading.pathological import PATHOLOGICAL

GRADING_TIMEOUT_SECONDS = 1


_decide = grading.engine.compare._decide


def _never_finishes_on_the_pathological_answer(question, answer):
    while answer == PATHOLOGICAL:
        pass
    return _decide(question, answer)


grading.engine.compare._decide = _never_finishes_on_the_pathological_answer
