"""The check pipeline: screen → normalize and parse → shape → numeric → symbolic → diagnose.

Everything that depends only on the question (declaration, parsed and shape-checked reference, test points,
reference values) is built once by ``load_question`` and cached, so grading a new answer costs one parse,
one shape check and a few stacked numpy evaluations. Results for an answer already seen are cached too:
a class types the same answers.

The test points are the admissible ones, where the reference is finite and accurately computed (see
``accuracy`` and ``sampling``). The answer is evaluated there as it stands: an answer that is itself
undefined or ill-conditioned at such a point disagrees with the reference, as it should.

An incorrect answer is explained by the first of these that fits (only incorrect answers pay for them):
k times the key or its transpose (``diagnose``); a NumPy answer whose ``*`` would be right as a matrix
product (``elementwise_product``); a mistake variant of the key (``misconceptions``); zero. An answer of
another shape is evaluated at its own shape, so that a transposed or chain-rule-short answer is named too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from . import misconceptions, nodes, symbolic
from .accuracy import admissible_draws
from .diagnose import (
    NO_MATCH,
    ZERO,
    Finding,
    first_disagreement,
    is_zero,
    multiple_of_key,
    multiple_of_transpose,
    scaled,
)
from .dims import Shape, format_shape, known
from .errors import AnswerError, ConfigError, EngineError, as_clause
from .limits import screen
from .numeric import Program, compile_program, step_shape
from .parser import Parsed, read
from .results import Method, Result
from .sampling import Sample, generator, samples
from .shapes import Inference, Typed, product_kind
from .symbols import Declaration, declare

logger = logging.getLogger(__name__)

CORRECT_MESSAGE = "Your answer is correct"


@dataclass(frozen=True, eq=False)
class Question:
    """A question ready for grading: everything that does not depend on the answer."""

    declaration: Declaration
    expected_text: str
    expected: Typed
    shape: Shape
    samples: tuple[Sample, ...]  # admissible draws only
    references: tuple[np.ndarray, ...]  # per sample: reference values (draws, rows, cols)
    transposes: tuple[np.ndarray, ...] | None  # None when the reference is symmetric or not square

    @property
    def shape_text(self) -> str:
        return format_shape(self.shape)

    def values_at(self, program: Program, shape: Shape) -> list[np.ndarray]:
        """The program's values on the same draws as ``references``, for a result of (resolved) ``shape``."""
        values = []
        for sample in self.samples:
            program.check_size(sample.sizes)
            values.append(np.broadcast_to(program(sample), _stacked(sample, shape)))
        return values

    @cached_property
    def mistakes(self) -> tuple[misconceptions.Mistake, ...]:
        """The key's mistake variants, built on the first incorrect answer (see ``misconceptions``)."""
        return misconceptions.mistakes(
            self.declaration, self.expected, self.expected_text, self.samples, self.references
        )

    @cached_property
    def swapped(self) -> tuple[np.ndarray, ...]:
        """The reference values transposed, for an answer of the transposed shape."""
        return tuple(np.swapaxes(values, -1, -2) for values in self.references)

    def invalid(self, message: str) -> Result:
        return Result("invalid", None, (), message, None, self.shape_text)


def load_question(symbols: object, expected: object) -> Question:
    declaration = declare(symbols)
    if not isinstance(expected, str):
        raise ConfigError("The expected answer must be text")
    return _load_question(declaration, expected)


def author_expression(declaration: Declaration, text: object, role: str) -> Typed:
    """Parse and shape-check an author's expression; any problem is a ConfigError naming its ``role``."""
    if not isinstance(text, str):
        raise ConfigError(f"The {role} must be text")
    try:
        problem = screen(text)
        if problem:
            raise AnswerError(problem)
        parsed = read(declaration, text)
        inference = Inference(declaration, parsed.text)
        return inference.resolve(inference.infer_root(parsed.tree))
    except AnswerError as error:
        raise ConfigError(f"The {role} {text!r} is not valid: {as_clause(error.message)}") from None


@lru_cache(maxsize=512)
def _load_question(declaration: Declaration, expected: str) -> Question:
    typed = author_expression(declaration, expected, "expected answer")
    program = compile_program(typed)
    what = f"The expected answer {expected!r}"
    points = admissible_samples(declaration, typed, program, generator(declaration.key, expected), what)
    references = tuple(np.broadcast_to(program(sample), _stacked(sample, typed.shape)) for sample in points)
    return Question(
        declaration=declaration,
        expected_text=expected,
        expected=typed,
        shape=typed.shape,
        samples=points,
        references=references,
        transposes=_transposes(typed.shape, references),
    )


def admissible_samples(
    declaration: Declaration, reference: Typed, program: Program, rng: np.random.Generator, what: str
) -> tuple[Sample, ...]:
    """Test points where an author's ``reference`` (``what``: "the expected answer 'x'") is admissible, from
    ``rng``; ConfigError if the reference is too large to evaluate or admissible nowhere."""
    try:
        points = samples(declaration, rng, admissible_draws(reference, program))
        if not points:
            raise ConfigError(f"{what} {_never_admissible(declaration, program, rng)}")
    except AnswerError as error:  # the reference builds matrices too large to check
        raise ConfigError(f"{what} is not valid: {as_clause(error.message)}") from None
    return points


def _never_admissible(declaration: Declaration, program: Program, rng: np.random.Generator) -> str:
    """Why no test point was admissible: mostly undefined values, or else numerical singularity."""
    undefined, tried = 0, 0
    for sample in samples(declaration, rng):
        program.check_size(sample.sizes)
        undefined += int((~np.isfinite(program(sample)).all(axis=(-2, -1))).sum())
        tried += sample.draws
    if undefined >= tried / 2:
        return (
            "is undefined (not finite) at most sampled values; declare assumptions such as positive, spd or "
            "invertible"
        )
    return (
        "cannot be computed accurately at any sampled size and value: it inverts, divides by, or takes the "
        "log or square root of something numerically singular or zero there (such as XᵀX when X has fewer "
        "rows than columns); check the expression, or declare assumptions such as spd or invertible"
    )


def _stacked(sample: Sample, shape: Shape) -> tuple[int, int, int]:
    return (sample.draws, known(shape[0]).evaluate(sample.sizes), known(shape[1]).evaluate(sample.sizes))


def _transposes(shape: Shape, references: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...] | None:
    if shape[0] != shape[1]:
        return None
    transposes = tuple(np.swapaxes(values, -1, -2) for values in references)
    if all(np.allclose(values, swapped) for values, swapped in zip(references, transposes, strict=True)):
        return None
    return transposes


def check(symbols: object, expected: object, answer: object) -> Result:
    """Grade ``answer`` against ``expected``.

    Raises ConfigError for a broken question and EngineError for a bug of the engine's own: neither is
    the learner's fault, so neither may become a verdict.
    """
    question = load_question(symbols, expected)
    problem = screen(answer)
    if problem:
        return question.invalid(problem)
    return _grade(question, answer)


@lru_cache(maxsize=8192)
def _grade(question: Question, answer: str) -> Result:
    try:
        return _decide(question, answer)
    except AnswerError as error:
        return question.invalid(error.message)
    except RecursionError:
        return question.invalid("The expression is nested too deeply to check")
    except Exception as error:
        # A bug of ours: log it with the input that triggered it, and let the caller decide (the exams
        # put the answer up for review; a batch reports the line) rather than blame the learner.
        logger.exception("unexpected failure checking %r against %r", answer, question.expected_text)
        raise EngineError(f"{type(error).__name__}: {error}") from error


def _decide(question: Question, answer: str) -> Result:
    parsed = read(question.declaration, answer)
    inference = Inference(question.declaration, parsed.text)
    typed = inference.infer_root(parsed.tree)
    if not inference.fit(typed, question.shape):
        return _shape_mismatch(question, parsed, inference, typed)
    resolved = inference.resolve(typed)
    answer_shape = format_shape(resolved.shape)
    values = question.values_at(compile_program(resolved), resolved.shape)
    miss = first_disagreement(values, question.references)
    if miss is None:
        method: Method = (
            "symbolic" if symbolic.proves(question.declaration, question.expected, resolved) else "numeric"
        )
        return Result("correct", method, (), CORRECT_MESSAGE, answer_shape, question.shape_text)
    finding = (
        multiple_of_key(values, question.references, question.transposes)
        or _numpy_slip(question, parsed)
        or _mistake(question, resolved.shape, values)
        or (ZERO if is_zero(values) else NO_MATCH)
    )
    return Result(
        "incorrect",
        "numeric",
        finding.diagnosis,
        finding.message,
        answer_shape,
        question.shape_text,
        counterexample=_counterexample(question, values, *miss),
    )


def _shape_mismatch(question: Question, parsed: Parsed, inference: Inference, typed: Typed) -> Result:
    answer_shape = format_shape(inference.shape_of(typed))
    rows, cols = question.shape
    transposed = answer_shape == format_shape((cols, rows))
    shapes = f"{answer_shape} instead of {question.shape_text}"
    try:  # evaluated at its own shape, to see which mistake gave it
        resolved = inference.resolve(typed)
        values = question.values_at(compile_program(resolved), resolved.shape)
    except AnswerError:  # an I whose size nothing fixes, or too large: the shapes say enough
        values = None
    finding = None
    if values is not None and transposed:
        finding = multiple_of_transpose(values, question.swapped, shapes)
    if values is not None and finding is None:
        found = _numpy_slip(question, parsed) or _mistake(question, resolved.shape, values)
        if found is not None:
            head = f"Your answer is {answer_shape}, the expected result is {question.shape_text}"
            finding = Finding(found.diagnosis, f"{head} — {as_clause(found.message)}")
    if finding is None:
        hint = "check your layout convention" if transposed else "check the shape of each factor"
        message = f"Your answer is {answer_shape}, the expected result is {question.shape_text} — {hint}"
        finding = Finding((), message)
    return Result(
        "incorrect",
        None,
        ("shape_mismatch", *finding.diagnosis),
        finding.message,
        answer_shape,
        question.shape_text,
    )


def _mistake(question: Question, shape: Shape, values: list[np.ndarray]) -> Finding | None:
    """The first mistake variant of the key that the answer equals, possibly up to a constant factor."""
    matched = misconceptions.match(question.mistakes, shape, values)
    if matched is None:
        return None
    if matched.factor == 1:
        return Finding((matched.code,), matched.message)
    extra = scaled(matched.message, matched.factor)
    return Finding((matched.code, *extra.diagnosis), extra.message)


def _numpy_slip(question: Question, parsed: Parsed) -> Finding | None:
    """A NumPy answer whose ``*`` read as a matrix product would be right: name the slip and fix it."""
    if parsed.reading != "numpy" or "*" not in parsed.text:
        return None
    try:
        meant = read(question.declaration, parsed.source.raw, "math")
        inference = Inference(question.declaration, meant.text)
        typed = inference.infer_root(meant.tree)
        if not inference.fit(typed, question.shape):
            return None
        resolved = inference.resolve(typed)
        values = question.values_at(compile_program(resolved), resolved.shape)
    except AnswerError:
        return None
    if first_disagreement(values, question.references) is not None:
        return None
    fixed = _with_matmul(meant.text, resolved)
    return Finding(
        ("elementwise_product",),
        "In NumPy, * multiplies entry by entry (with broadcasting), so your answer is not the matrix product "
        f"it looks like: write @ for a matrix product, as in {fixed}",
    )


def _with_matmul(text: str, typed: Typed) -> str:
    """``text`` with every ``*`` that stands between two matrices (not a scalar) replaced by ``@``."""
    stars: list[int] = []

    def visit(node: Typed) -> None:
        if isinstance(node.node, nodes.Product):
            shape = node.args[0].shape
            for before, after, operator in zip(node.args, node.args[1:], node.node.operators, strict=False):
                kind = product_kind(operator, shape, after.shape)
                gap_start, gap_end = before.node.span[1], after.node.span[0]
                star = text.find("*", gap_start, gap_end)
                if kind == "matmul" and star >= 0:
                    stars.append(star)
                shape = step_shape(kind, shape, after.shape)
        for arg in node.args:
            visit(arg)

    visit(typed)
    for star in sorted(stars, reverse=True):
        text = text[:star] + "@" + text[star + 1 :]
    return " ".join(text.split())


def _counterexample(question: Question, values: list[np.ndarray], sample_index: int, draw: int) -> str:
    sample = question.samples[sample_index]
    sizes = ", ".join(f"{letter}={size}" for letter, size in sample.sizes.items()) or "fixed sizes"
    answer, reference = values[sample_index][draw], question.references[sample_index][draw]
    with np.errstate(all="ignore"):
        difference = float(np.max(np.abs(answer - reference)))
    return (
        f"{sizes}, draw {draw + 1} of {sample.draws}: largest entry difference {difference:.3g} "
        f"(reference entries up to {float(np.max(np.abs(reference))):.3g})"
    )
