"""The live "interpreted as" preview: how the engine reads an answer, before the learner submits it.

The LaTeX is the engine's reading (see ``latex``). When the answer is read with NumPy semantics and an
operator there works entry by entry, the LaTeX ends with a short note, e.g. ``\\quad\\text{(⊙: entrywise,
as in NumPy)}``, and ``Preview.notes`` says it in a sentence, so that a learner who meant a matrix product
sees the difference before submitting.
"""

from __future__ import annotations

import logging

from .dims import format_shape, is_concrete
from .errors import AnswerError
from .latex import to_latex
from .limits import screen
from .parser import read
from .results import Preview
from .shapes import Inference
from .symbols import Declaration, declare

logger = logging.getLogger(__name__)

ENTRYWISE_NOTE = (
    "Read as NumPy: * multiplies entry by entry (⊙), / divides entry by entry (⊘) and ** raises each entry "
    "to a power, with broadcasting; write @ for a matrix product"
)
_ENTRYWISE_LATEX = r" \quad\text{(}\odot\text{: entrywise, as in NumPy)}"
# How ``latex`` shows NumPy's entrywise *, / and ** (scaling by a number is shown as plain scaling).
_ENTRYWISE_SYMBOLS = (r"\odot", r"\oslash", r"^{\circ")


def preview(symbols: object, answer: object) -> Preview:
    """LaTeX and shape of ``answer``; on a shape error the LaTeX is still given, with the error."""
    declaration = declare(symbols)
    problem = screen(answer)
    if problem:
        return Preview(ok=False, latex=None, shape=None, error=problem)
    assert isinstance(answer, str)  # screen refuses anything else
    try:
        return _interpret(declaration, answer)
    except RecursionError:
        return Preview(ok=False, latex=None, shape=None, error="The expression is nested too deeply")
    except Exception:
        # The preview runs on every keystroke: never fail the page; keep the bug in the log.
        logger.exception("unexpected failure previewing %r", answer)
        return Preview(ok=False, latex=None, shape=None, error="This expression cannot be previewed")


def _interpret(declaration: Declaration, answer: str) -> Preview:
    try:
        parsed = read(declaration, answer)
    except AnswerError as error:
        return Preview(ok=False, latex=None, shape=None, error=error.message)
    latex = to_latex(parsed.tree)
    entrywise = parsed.reading == "numpy" and any(symbol in latex for symbol in _ENTRYWISE_SYMBOLS)
    notes = (ENTRYWISE_NOTE,) if entrywise else ()
    latex += _ENTRYWISE_LATEX if entrywise else ""
    inference = Inference(declaration, parsed.text)
    try:
        typed = inference.infer_root(parsed.tree)
        shape = inference.shape_of(typed)
        if is_concrete(shape):  # else the size is left to the expected answer, as for a bare I
            inference.resolve(typed)  # an I inside, e.g. tr(I), whose size nothing fixes
    except AnswerError as error:
        return Preview(ok=False, latex=latex, shape=None, error=error.message, notes=notes)
    return Preview(ok=True, latex=latex, shape=format_shape(shape), error=None, notes=notes)
