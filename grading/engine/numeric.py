"""Evaluate a shape-checked tree with numpy, on all draws of a sample at once.

``compile_program`` turns a resolved ``Typed`` tree into nested closures once; evaluating them on a
``Sample`` is then a handful of numpy calls on stacked arrays of shape (draws, rows, cols), a few
microseconds each. Constants have a leading axis of 1 and broadcast against the draws.

Evaluation is bounded: ``Program.check_size`` rejects an answer whose intermediate matrices would be huge at
the sampled sizes (``kron`` of ``kron``s) before anything is allocated, and matrix powers are capped by the
parser. Floating-point trouble (overflow, log of a negative number, a singular matrix) yields inf/nan rather
than an exception, and a non-finite answer never agrees with a finite reference.

Where the test points come from, how many there are and why that makes false acceptance practically
impossible: see ``sampling``. The tolerance: see ``diagnose``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import nodes
from .dims import ONE, SCALAR, Dim, Shape, known
from .errors import AnswerError
from .sampling import Sample
from .shapes import Typed, product_kind

MAX_ENTRIES = 250_000  # per draw, for any one intermediate matrix (2 MB of float64)
MAX_WORK = 20_000_000  # per draw: entries produced plus multiply-adds, summed over the whole expression

Evaluate = Callable[[Sample], np.ndarray]


@dataclass(frozen=True, slots=True)
class Program:
    evaluate: Evaluate
    shapes: tuple[Shape, ...]  # every intermediate result, for the size check
    products: tuple[tuple[Dim, Dim, Dim], ...]  # (rows, inner, cols) of every matrix product

    def check_size(self, sizes: dict[str, int]) -> None:
        largest, work = 0, 0
        for rows, cols in self.shapes:
            entries = known(rows).evaluate(sizes) * known(cols).evaluate(sizes)
            largest, work = max(largest, entries), work + entries
        for rows, inner, cols in self.products:
            work += rows.evaluate(sizes) * inner.evaluate(sizes) * cols.evaluate(sizes)
        if largest > MAX_ENTRIES or work > MAX_WORK:
            raise AnswerError(
                "The expression builds matrices too large to check (for example a Kronecker product of "
                "Kronecker products); simplify it"
            )

    def __call__(self, sample: Sample) -> np.ndarray:
        with np.errstate(all="ignore"):
            return self.evaluate(sample)


def compile_program(typed: Typed) -> Program:
    compiler = _Compiler()
    return Program(compiler.compile(typed), tuple(compiler.shapes), tuple(compiler.products))


def step_shape(kind: str, left: Shape, right: Shape) -> Shape:
    """The shape after one step of a product chain (the concrete twin of ``shapes.Inference._step``)."""
    if kind == "matmul":
        return (left[0], right[1])
    if kind == "kron":
        return (known(left[0]) * known(right[0]), known(left[1]) * known(right[1]))
    if kind == "scale" and left == SCALAR:
        return right
    if kind in ("broadcast", "broadcast_divide"):
        return (right[0] if left[0] == ONE else left[0], right[1] if left[1] == ONE else left[1])
    return left


class _Compiler:
    def __init__(self) -> None:
        self.shapes: list[Shape] = []
        self.products: list[tuple[Dim, Dim, Dim]] = []

    def compile(self, typed: Typed) -> Evaluate:
        self.shapes.append(typed.shape)
        node = typed.node
        args = [self.compile(arg) for arg in typed.args]
        match node:
            case nodes.Symbol(name=name):
                return lambda sample: sample.values[name]
            case nodes.Number(value=value):
                return _constant(typed.shape, value)
            case nodes.DimensionValue(name=name):
                return lambda sample: np.full((1, 1, 1), float(sample.sizes[name]))
            case nodes.Identity():
                size = known(typed.shape[0])
                return lambda sample: np.eye(size.evaluate(sample.sizes))[None]
            case nodes.Ones():
                return _constant(typed.shape, 1.0)
            case nodes.Negate():
                (operand,) = args
                return lambda sample: -operand(sample)
            case nodes.Transpose():
                (operand,) = args
                return lambda sample: np.swapaxes(operand(sample), -1, -2)
            case nodes.Sum(signs=signs):
                return _sum(args, signs)
            case nodes.Product(operators=operators):
                return self._product(typed, args, operators)
            case nodes.Power():
                return _power(typed, args)
            case nodes.EntrywisePower():
                base, exponent = args
                return lambda sample: np.power(base(sample), exponent(sample))
            case nodes.Call(function=function):
                return _call(function, typed.args[0].shape, args[0])
        raise AssertionError(f"cannot evaluate {type(node).__name__}")

    def _product(self, typed: Typed, factors: list[Evaluate], operators: tuple[str, ...]) -> Evaluate:
        shape = typed.args[0].shape
        steps = []
        for operator, factor, evaluate in zip(operators, typed.args[1:], factors[1:], strict=True):
            kind = product_kind(operator, shape, factor.shape)
            if kind == "matmul":
                self.products.append((known(shape[0]), known(shape[1]), known(factor.shape[1])))
            steps.append((COMBINE[kind], evaluate))
            shape = step_shape(kind, shape, factor.shape)
            self.shapes.append(shape)
        first = factors[0]

        def product(sample: Sample) -> np.ndarray:
            result = first(sample)
            for combine, evaluate in steps:
                result = combine(result, evaluate(sample))
            return result

        return product


def _constant(shape: Shape, value: float) -> Evaluate:
    rows, cols = known(shape[0]), known(shape[1])
    return lambda sample: np.full((1, rows.evaluate(sample.sizes), cols.evaluate(sample.sizes)), value)


def _sum(terms: list[Evaluate], signs: tuple[int, ...]) -> Evaluate:
    first, rest = terms[0], list(zip(signs[1:], terms[1:], strict=True))
    first_sign = signs[0]

    def total(sample: Sample) -> np.ndarray:
        result = first(sample) if first_sign > 0 else -first(sample)
        for sign, term in rest:
            result = result + term(sample) if sign > 0 else result - term(sample)
        return result

    return total


def _power(typed: Typed, args: list[Evaluate]) -> Evaluate:
    base, exponent = args
    if typed.shape == SCALAR:
        return lambda sample: np.power(base(sample), exponent(sample))
    count = nodes.matrix_exponent(typed.node)
    if count < 0:
        return lambda sample: np.linalg.matrix_power(inverse(base(sample)), -count)
    return lambda sample: np.linalg.matrix_power(base(sample), count)


def inverse(matrices: np.ndarray) -> np.ndarray:
    """Stacked inverse; a singular draw becomes nan instead of failing the whole stack."""
    try:
        return np.linalg.inv(matrices)
    except np.linalg.LinAlgError:
        result = np.full(matrices.shape, np.nan)
        for index in np.ndindex(matrices.shape[:-2]):
            try:
                result[index] = np.linalg.inv(matrices[index])
            except np.linalg.LinAlgError:
                pass  # stays nan: this draw has no inverse
        return result


def pseudo_inverse(matrices: np.ndarray) -> np.ndarray:
    """Stacked Moore–Penrose inverse; nan for a stack whose SVD does not converge."""
    try:
        return np.linalg.pinv(matrices)
    except np.linalg.LinAlgError:
        return np.full(matrices.shape[:-2] + matrices.shape[:-3:-1], np.nan)


def kron(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    batch = np.broadcast_shapes(left.shape[:-2], right.shape[:-2])
    rows, cols = left.shape[-2] * right.shape[-2], left.shape[-1] * right.shape[-1]
    product: np.ndarray = np.einsum("...ij,...kl->...ikjl", left, right)
    return product.reshape(batch + (rows, cols))


def diagonal_function(shape: Shape) -> Callable[[np.ndarray], np.ndarray]:
    rows, cols = shape
    if rows == cols and (rows, cols) != SCALAR:  # square matrix -> its diagonal as a column
        return lambda matrix: np.diagonal(matrix, axis1=-2, axis2=-1)[..., None]
    # a column or row vector -> the diagonal matrix (a 1×1 value is its own diagonal)
    return lambda vector: vector * np.eye(max(vector.shape[-2:]))


def _vec(matrix: np.ndarray) -> np.ndarray:
    rows, cols = matrix.shape[-2:]
    return np.swapaxes(matrix, -1, -2).reshape(matrix.shape[:-2] + (rows * cols, 1))


def _scalar(reduce: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    return lambda matrix: reduce(matrix)[..., None, None]


COMBINE: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "matmul": np.matmul,
    "scale": np.multiply,
    "hadamard": np.multiply,
    "broadcast": np.multiply,
    "divide": np.divide,
    "broadcast_divide": np.divide,
    "kron": kron,
}

FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "log": np.log,
    "exp": np.exp,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "esqrt": np.sqrt,
    "eabs": np.abs,
    "tanh": np.tanh,
    "sigmoid": lambda values: 1 / (1 + np.exp(-values)),
    "tr": _scalar(lambda matrix: np.trace(matrix, axis1=-2, axis2=-1)),
    "det": _scalar(np.linalg.det),
    "norm": _scalar(lambda matrix: np.sqrt(np.sum(matrix * matrix, axis=(-2, -1)))),
    "sum": _scalar(lambda matrix: np.sum(matrix, axis=(-2, -1))),
    "vec": _vec,
    "pinv": pseudo_inverse,
}


def _call(function: str, argument_shape: Shape, argument: Evaluate) -> Evaluate:
    apply = diagonal_function(argument_shape) if function == "diag" else FUNCTIONS[function]
    return lambda sample: apply(argument(sample))
