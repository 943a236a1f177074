"""Validate an author's derivative with central finite differences (never with ``MatrixSymbol.diff``,
which silently returns 0 for functions such as log(det(X)) in sympy 1.14).

* A scalar function f has a gradient with the shape of the variable: (∂f/∂X)ᵢⱼ = ∂f/∂Xᵢⱼ.
* A column-vector function f (m×1) of a vector or scalar x (n×1) has a Jacobian in numerator layout, m×n:
  Jᵢⱼ = ∂fᵢ/∂xⱼ.

Entries are perturbed one at a time, independently, even for a symmetric X: the result is the unconstrained
gradient (for log det X that is X⁻ᵀ, which equals X⁻¹ at a symmetric point). Each entry gets a step of
1e-5·(1 + |xᵢⱼ|); the central difference then has truncation error ~1e-10 and rounding error ~1e-11·|f|, so a
tolerance of 1e-5·(1 + max|derivative|) leaves a wide margin for a right candidate and none for a wrong one.
All perturbations of all draws are stacked into one evaluation per dimension assignment. The points are the
function's admissible ones (see ``accuracy``): where it is finite and accurately computable.
"""

from __future__ import annotations

import numpy as np

from .compare import admissible_samples, author_expression
from .dims import SCALAR, Shape, format_shape
from .errors import AnswerError, ConfigError
from .limits import screen
from .numeric import Program, compile_program
from .parser import read
from .results import DerivativeKind as Kind
from .results import DerivativeResult
from .sampling import Sample, generator
from .shapes import Inference
from .symbols import declare

STEP = 1e-5
TOLERANCE = 1e-5


def derivative_check(symbols: object, function: object, wrt: object, candidate: object) -> DerivativeResult:
    declaration = declare(symbols)
    if not isinstance(wrt, str) or wrt not in declaration.by_name:
        raise ConfigError(
            f"The variable wrt must be one of the declared symbols: {', '.join(declaration.names)}"
        )
    typed_function = author_expression(declaration, function, "function")
    variable_shape = declaration.by_name[wrt].shape
    kind, derivative_shape = _kind(typed_function.shape, variable_shape, wrt)
    what = f"the {kind} of {function} with respect to {wrt}"

    problem = screen(candidate)
    try:
        if problem:
            raise AnswerError(problem)
        assert isinstance(candidate, str)  # screen refuses anything else
        parsed = read(declaration, candidate)
        inference = Inference(declaration, parsed.text)
        typed = inference.infer_root(parsed.tree)
        if not inference.fit(typed, derivative_shape):
            shape = format_shape(inference.shape_of(typed))
            raise AnswerError(f"The candidate is {shape}, but {what} is {format_shape(derivative_shape)}")
        candidate_program = compile_program(inference.resolve(typed))
    except AnswerError as error:
        return DerivativeResult(ok=False, kind=kind, message=error.message, max_error=None)

    function_program = compile_program(typed_function)
    rng = generator(declaration.key, "derivative", str(function), wrt)
    points = admissible_samples(
        declaration, typed_function, function_program, rng, f"The function {function!r}"
    )
    worst, failure, defined_draws, all_draws = 0.0, None, 0, 0
    for sample in points:
        estimate = _finite_differences(function_program, sample, wrt, kind)
        claimed = np.broadcast_to(candidate_program(sample), estimate.shape)
        defined = np.isfinite(estimate).all(axis=(-2, -1))
        defined_draws, all_draws = defined_draws + int(defined.sum()), all_draws + sample.draws
        with np.errstate(all="ignore"):
            gap = np.max(np.abs(claimed - estimate)[defined], initial=0.0)
            scale = np.max(np.abs(estimate[defined]), initial=0.0)
        if not np.isfinite(gap) or gap > TOLERANCE * (1 + scale):
            failure = failure or sample
        worst = max(worst, float(gap)) if np.isfinite(gap) else float("inf")
    if defined_draws < all_draws / 2:
        raise ConfigError(
            f"The function {function!r} is undefined (not finite) at most sampled values; declare "
            "assumptions such as positive, spd or invertible"
        )
    if failure is not None:
        sizes = ", ".join(f"{letter}={size}" for letter, size in failure.sizes.items()) or "the fixed sizes"
        return DerivativeResult(
            ok=False,
            kind=kind,
            message=f"The candidate is not {what}: it differs at {sizes}",
            max_error=worst,
        )
    return DerivativeResult(ok=True, kind=kind, message=f"The candidate is {what}", max_error=worst)


def _kind(function_shape: Shape, variable_shape: Shape, wrt: str) -> tuple[Kind, Shape]:
    if function_shape == SCALAR:
        return "gradient", variable_shape
    if function_shape[1] == SCALAR[1] and variable_shape[1] == SCALAR[1]:
        return "jacobian", (function_shape[0], variable_shape[0])
    raise ConfigError(
        "The derivative check handles a scalar function (gradient) or a column-vector function of a vector "
        f"or scalar (Jacobian); here the function is {format_shape(function_shape)} and {wrt} is "
        f"{format_shape(variable_shape)}"
    )


def _finite_differences(program: Program, sample: Sample, wrt: str, kind: Kind) -> np.ndarray:
    """The derivative estimated at every draw of ``sample``: (draws, rows, cols) like the candidate."""
    point = sample.values[wrt]
    draws, rows, cols = point.shape
    entries = rows * cols
    steps = STEP * (1 + np.abs(point.reshape(draws, entries)))  # (draws, entries)
    # For each draw: 2·entries copies of the point, entry e moved by +step then by −step.
    offsets = np.zeros((draws, entries, 2, entries))
    index = np.arange(entries)
    offsets[:, index, 0, index] = steps
    offsets[:, index, 1, index] = -steps
    moved = point.reshape(draws, 1, 1, entries) + offsets
    batch = draws * entries * 2
    values = {name: np.repeat(value, entries * 2, axis=0) for name, value in sample.values.items()}
    values[wrt] = moved.reshape(batch, rows, cols)
    outputs = program(Sample(sizes=sample.sizes, values=values, draws=batch))
    outputs = np.broadcast_to(outputs, (batch, *outputs.shape[1:])).reshape(draws, entries, 2, -1)
    slopes = (outputs[:, :, 0, :] - outputs[:, :, 1, :]) / (2 * steps[..., None])  # (draws, entries, outputs)
    if kind == "gradient":
        gradient: np.ndarray = slopes[..., 0].reshape(draws, rows, cols)
        return gradient
    return np.swapaxes(slopes, -1, -2)  # Jacobian: rows are outputs, columns are entries of x
