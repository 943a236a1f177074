"""The live "interpreted as" preview: how the engine reads an answer, before the learner submits it."""

from __future__ import annotations

import logging

from .dims import format_shape, is_concrete
from .errors import AnswerError
from .latex import to_latex
from .limits import screen
from .parser import parse
from .results import Preview
from .shapes import Inference
from .symbols import Declaration, declare

logger = logging.getLogger(__name__)


def preview(symbols: object, answer: object) -> Preview:
    """LaTeX and shape of ``answer``; on a shape error the LaTeX is still given, with the error."""
    declaration = declare(symbols)
    problem = screen(answer)
    if problem:
        return Preview(ok=False, latex=None, shape=None, error=problem)
    try:
        return _interpret(declaration, answer)
    except RecursionError:
        return Preview(ok=False, latex=None, shape=None, error="the expression is nested too deeply")
    except Exception:
        # The preview runs on every keystroke: never fail the page; keep the bug in the log.
        logger.exception("unexpected failure previewing %r", answer)
        return Preview(ok=False, latex=None, shape=None, error="this expression cannot be previewed")


def _interpret(declaration: Declaration, answer: str) -> Preview:
    try:
        tree = parse(declaration, answer)
    except AnswerError as error:
        return Preview(ok=False, latex=None, shape=None, error=error.message)
    latex = to_latex(tree)
    inference = Inference(declaration, answer)
    try:
        typed = inference.infer_root(tree)
        shape = inference.shape_of(typed)
        if is_concrete(shape):  # else the size is left to the expected answer, as for a bare I
            inference.resolve(typed)  # an I inside, e.g. tr(I), whose size nothing fixes
    except AnswerError as error:
        return Preview(ok=False, latex=latex, shape=None, error=error.message)
    return Preview(ok=True, latex=latex, shape=format_shape(shape), error=None)
