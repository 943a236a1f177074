"""Which test points can judge an answer: those where the reference is finite and computed accurately.

A test point is *admissible* when the reference's value there is finite and its estimated rounding error is
at most 1% of the comparison tolerance (``diagnose``: 1e-6 relative, 1e-9 absolute). Elsewhere the
reference is numerically undefined or garbage: ``inv(XᵀX)`` with m < n (XᵀX is singular, and floating
point returns entries of 1e15 instead of failing), the log or square root of a value that cancelled to
nearly zero, a division by such a value. A correct answer computed in another order would disagree there,
so ``sampling`` skips these points and draws others.

The estimate is a first-order running error bound, computed alongside the values (in the manner of Higham,
*Accuracy and Stability of Numerical Algorithms*): every node carries, per draw, a bound ``e`` on the absolute
error of its largest entry in units of the unit roundoff u ≈ 1.1e-16. Inputs start with ``e = |value|``
(one rounding). Sums and products add the errors of their operands, weighted by the other operand's size,
plus one rounding of the result; a matrix product of inner size k multiplies that by k. The operations with
a singularity amplify it:

* ``M⁻¹``: e ≈ n (e_M + σ_max) / σ_min², i.e. a relative error of about n·κ(M) times that of M;
* ``det M``: e ≈ n (n e_M + σ_max) · σ₁…σ_{n-1} (the product of all but the smallest singular value);
* ``log t``, ``sqrt t``, ``t^p``: e_t times the derivative's size at the smallest |t|, which is huge near 0;
* ``a / b``: (e_a + |a/b| e_b) / |b|.

The bound is absolute, so a reference that is exactly zero (``A x - Aᵀx`` with A symmetric) stays
admissible: it is compared with the 1e-9 absolute tolerance, and its error is ~1e-15. For ``inv(A)`` the
threshold works out at a condition number of about 5e7/n (1e7 for 6×6): the reference's relative error is
then below 1e-8, a hundredth of the tolerance, so a correct answer computed another way still agrees. The
sampled ``invertible`` and ``spd`` matrices are far from that (κ ≤ 4 and ≤ 5); a general Gaussian n×n
matrix exceeds it in about one draw in a million, and such a draw is simply replaced.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import nodes
from .diagnose import ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE
from .dims import SCALAR, Shape, known
from .numeric import COMBINE, FUNCTIONS, Program, diagonal_function, inverse, pseudo_inverse, step_shape
from .sampling import Admissible, Sample
from .shapes import Typed, product_kind

UNIT_ROUNDOFF = np.finfo(float).eps / 2
ERROR_SHARE = 0.01  # of the tolerance that the reference's own rounding error may use

Traced = tuple[np.ndarray, np.ndarray]  # values (draws, rows, cols) and error bounds (draws,), in units of u
Trace = Callable[[Sample], Traced]


def admissible_draws(reference: Typed, program: Program) -> Admissible:
    """Per draw of a sample: is the reference finite and accurate there? ``program`` is its plain program,
    whose size check runs first, so an oversized reference raises ``AnswerError`` before any allocation."""
    trace = _Tracer().compile(reference)

    def admissible(sample: Sample) -> np.ndarray:
        program.check_size(sample.sizes)
        with np.errstate(all="ignore"):
            values, bound = trace(sample)
            values = np.broadcast_to(values, (sample.draws, *values.shape[1:]))
            limit = ERROR_SHARE * (RELATIVE_TOLERANCE * _size(values) + ABSOLUTE_TOLERANCE) / UNIT_ROUNDOFF
            return np.isfinite(values).all(axis=(-2, -1)) & (bound <= limit)  # a nan bound fails too

    return admissible


def _size(values: np.ndarray) -> np.ndarray:
    """The largest entry's magnitude, per draw."""
    return np.abs(values).max(axis=(-2, -1))


def _weighted(weight: np.ndarray, error: np.ndarray) -> np.ndarray:
    """``weight * error``, but 0 where the error is 0: an exact value stays exact even where weight is inf."""
    return np.where(error == 0, 0.0, weight * error)


class _Tracer:
    """Compiles a typed tree into closures returning (values, error bound), like ``numeric._Compiler``."""

    def compile(self, typed: Typed) -> Trace:
        node = typed.node
        args = [self.compile(arg) for arg in typed.args]
        match node:
            case nodes.Symbol(name=name):
                return lambda sample: (sample.values[name], _size(sample.values[name]))
            case nodes.Number(value=value):
                return _exact(typed, value, error=abs(value))
            case nodes.DimensionValue(name=name):
                return lambda sample: (np.full((1, 1, 1), float(sample.sizes[name])), np.zeros(1))
            case nodes.Identity():
                size = known(typed.shape[0])
                return lambda sample: (np.eye(size.evaluate(sample.sizes))[None], np.zeros(1))
            case nodes.Ones():
                return _exact(typed, 1.0, error=0.0)
            case nodes.Negate():
                (operand,) = args
                return lambda sample: _negate(*operand(sample))
            case nodes.Transpose():
                (operand,) = args
                return lambda sample: _transpose(*operand(sample))
            case nodes.Sum(signs=signs):
                return _sum(args, signs)
            case nodes.Product(operators=operators):
                return _product(typed, args, operators)
            case nodes.Power():
                return _power(typed, args)
            case nodes.EntrywisePower():
                base, exponent = args
                return lambda sample: _entrywise_power(*base(sample), *exponent(sample))
            case nodes.Call(function=function):
                return _call(function, typed.args[0].shape, args[0])
        raise AssertionError(f"cannot trace {type(node).__name__}")


def _exact(typed: Typed, value: float, error: float) -> Trace:
    rows, cols = known(typed.shape[0]), known(typed.shape[1])
    return lambda sample: (
        np.full((1, rows.evaluate(sample.sizes), cols.evaluate(sample.sizes)), value),
        np.full(1, error),
    )


def _negate(values: np.ndarray, error: np.ndarray) -> Traced:
    return -values, error


def _transpose(values: np.ndarray, error: np.ndarray) -> Traced:
    return np.swapaxes(values, -1, -2), error


def _sum(terms: list[Trace], signs: tuple[int, ...]) -> Trace:
    def total(sample: Sample) -> Traced:
        results = []
        error = np.zeros(1)
        for sign, term in zip(signs, terms, strict=True):
            values, term_error = term(sample)
            results.append(values if sign > 0 else -values)
            error = error + term_error + _size(values)  # its own error, and one rounding of the addition
        result = results[0]
        for values in results[1:]:
            result = result + values
        return result, error

    return total


def _product(typed: Typed, factors: list[Trace], operators: tuple[str, ...]) -> Trace:
    shape = typed.args[0].shape
    kinds = []
    for operator, factor in zip(operators, typed.args[1:], strict=True):
        kind = product_kind(operator, shape, factor.shape)
        kinds.append(kind)
        shape = step_shape(kind, shape, factor.shape)

    def product(sample: Sample) -> Traced:
        left, left_error = factors[0](sample)
        for kind, factor in zip(kinds, factors[1:], strict=True):
            right, right_error = factor(sample)
            left, left_error = _combine(kind, left, left_error, right, right_error)
        return left, left_error

    return product


def _combine(
    kind: str, left: np.ndarray, left_error: np.ndarray, right: np.ndarray, right_error: np.ndarray
) -> Traced:
    # An infinite size times a zero error gives nan here; the value is then not finite, so it fails anyway.
    result = COMBINE[kind](left, right)
    if kind == "divide":  # by a scalar
        size = _size(result)
        return result, (left_error + size * right_error) / _size(right) + size
    if kind == "broadcast_divide":  # entrywise: the smallest divisor amplifies most
        size = _size(result)
        return result, (left_error + size * right_error) / _smallest(right) + size
    left_size, right_size = _size(left), _size(right)
    propagated = right_size * left_error + left_size * right_error
    if kind == "matmul":
        return result, left.shape[-1] * (propagated + left_size * right_size)
    return result, propagated + _size(result)


def _power(typed: Typed, args: list[Trace]) -> Trace:
    base, exponent = args
    if typed.shape == SCALAR:
        return lambda sample: _entrywise_power(*base(sample), *exponent(sample))
    count = nodes.matrix_exponent(typed.node)

    def power(sample: Sample) -> Traced:
        values, error = base(sample)
        if count < 0:
            values, error = _inverse(values, error)
        return _matrix_power(values, error, abs(count))

    return power


def _entrywise_power(
    base: np.ndarray, base_error: np.ndarray, exponent: np.ndarray, exponent_error: np.ndarray
) -> Traced:
    """A scalar power, or NumPy's ``x ** k`` entry by entry: the steepest entry bounds the error."""
    result = np.power(base, exponent)
    slope = _size(exponent * np.power(base, exponent - 1))  # d/d(base)
    log_slope = _size(result * np.log(np.abs(base)))  # d/d(exponent)
    return result, _weighted(slope, base_error) + _weighted(log_slope, exponent_error) + _size(result)


def _matrix_power(base: np.ndarray, base_error: np.ndarray, count: int) -> Traced:
    if count == 0:
        return np.broadcast_to(np.eye(base.shape[-1]), base.shape), np.zeros(1)
    result, error = base, base_error
    for _ in range(count - 1):
        result, error = _combine("matmul", result, error, base, base_error)
    return result, error


def _singular_values(matrices: np.ndarray) -> np.ndarray:
    """Per draw, in decreasing order; nan for a draw that is not finite, so that its bound fails."""
    usable = np.isfinite(matrices).all(axis=(-2, -1))
    try:
        sigma = np.linalg.svd(np.where(usable[..., None, None], matrices, 0.0), compute_uv=False)
    except np.linalg.LinAlgError:  # SVD did not converge for some draw: give up on the whole batch
        sigma, usable = np.zeros(matrices.shape[:-1]), np.zeros_like(usable)
    return np.where(usable[..., None], sigma, np.nan)


def _inverse(matrices: np.ndarray, error: np.ndarray) -> Traced:
    sigma = _singular_values(matrices)
    size = matrices.shape[-1]
    return inverse(matrices), size * (error + sigma[..., 0]) / sigma[..., -1] ** 2


def _pseudo_inverse(matrices: np.ndarray, error: np.ndarray) -> Traced:
    """Like the inverse, with the smallest of the min(rows, cols) singular values."""
    sigma = _singular_values(matrices)
    size = max(matrices.shape[-2:])
    return pseudo_inverse(matrices), size * (error + sigma[..., 0]) / sigma[..., -1] ** 2


def _determinant(matrices: np.ndarray, error: np.ndarray) -> Traced:
    sigma = _singular_values(matrices)
    size = matrices.shape[-1]
    others = np.prod(sigma[..., :-1], axis=-1)  # |det M| / σ_min, finite even where M is singular
    return np.linalg.det(matrices)[..., None, None], size * others * (size * error + sigma[..., 0])


def _call(function: str, argument_shape: Shape, argument: Trace) -> Trace:
    if function == "diag":
        apply = diagonal_function(argument_shape)
        return lambda sample: _keep_error(apply, *argument(sample))
    if function == "vec":
        return lambda sample: _keep_error(FUNCTIONS["vec"], *argument(sample))
    if function == "det":
        return lambda sample: _determinant(*argument(sample))
    if function == "pinv":
        return lambda sample: _pseudo_inverse(*argument(sample))
    rule = _RULES[function]
    apply = FUNCTIONS[function]

    def call(sample: Sample) -> Traced:
        values, error = argument(sample)
        result = apply(values)
        return result, rule(values, error, result)

    return call


def _keep_error(apply: Callable[[np.ndarray], np.ndarray], values: np.ndarray, error: np.ndarray) -> Traced:
    return apply(values), error


def _smallest(values: np.ndarray) -> np.ndarray:
    smallest: np.ndarray = np.min(np.abs(values), axis=(-2, -1))
    return smallest


def _entries(values: np.ndarray) -> int:
    return int(values.shape[-2] * values.shape[-1])


def _square_root(t: np.ndarray, error: np.ndarray, result: np.ndarray) -> np.ndarray:
    bound: np.ndarray = _weighted(1 / (2 * np.sqrt(_smallest(t))), error) + _size(result)
    return bound


def _absolute(t: np.ndarray, error: np.ndarray, result: np.ndarray) -> np.ndarray:
    return error


# Error bound of f(t) from t's values, t's bound and f(t), for the entrywise functions and the reductions.
_RULES: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]] = {
    "log": lambda t, error, result: _weighted(1 / _smallest(t), error) + _size(result),
    "sqrt": _square_root,
    "esqrt": _square_root,
    "exp": lambda t, error, result: _size(result) * (error + 1),
    "abs": _absolute,
    "eabs": _absolute,
    "tanh": lambda t, error, result: error + _size(result),
    "sigmoid": lambda t, error, result: error / 4 + _size(result),
    "tr": lambda t, error, result: t.shape[-1] * (error + _size(t)),
    "sum": lambda t, error, result: _entries(t) * (error + _size(t)),
    "norm": lambda t, error, result: np.sqrt(_entries(t)) * error + _entries(t) * _size(result),
}
