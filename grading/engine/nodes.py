"""The abstract syntax tree of an answer: small frozen dataclasses, built by ``parser`` and never mutated.

Sums and products are n-ary (``Sum``, ``Product``) so that a 2,000-character chain like ``x + x + … + x``
stays shallow; only brackets and function calls add depth, and the parser caps that. ``span`` (start, end)
indexes into the text the node came from, so messages can quote what the learner typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .dims import Dim

MATMUL = "*"  # written @, \cdot, ·, or * in the mathematical reading
JUXTAPOSE = ""  # implicit multiplication
DIVIDE = "/"  # by a scalar
KRON = "⊗"
HADAMARD = "∘"  # entrywise, of equal shapes (or by a scalar): .*, ∘, hadamard(a, b)
BROADCAST = "⊙"  # NumPy's *: entrywise with broadcasting (a column times a row is their outer product)
BROADCAST_DIVIDE = "⊘"  # NumPy's / and MATLAB's ./: entrywise division with broadcasting


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    span: tuple[int, int] = field(default=(0, 0), compare=False, repr=False)
    depth: int = field(default=1, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Symbol(Node):
    name: str


@dataclass(frozen=True, slots=True)
class Number(Node):
    value: float
    text: str = field(compare=False)


@dataclass(frozen=True, slots=True)
class DimensionValue(Node):
    """A dimension letter used as a number, e.g. the ``n`` in ``x / n``."""

    name: str


@dataclass(frozen=True, slots=True)
class Identity(Node):
    size: Dim | None  # None: inferred from the context


@dataclass(frozen=True, slots=True)
class Ones(Node):
    rows: Dim | None  # None: 𝟏, a column whose length the context decides
    cols: Dim


@dataclass(frozen=True, slots=True)
class Sum(Node):
    terms: tuple[Node, ...]
    signs: tuple[int, ...]  # +1 or -1 per term
    broadcast: bool = False  # NumPy reading: terms of different shapes broadcast (x - 1, a + b.T)


@dataclass(frozen=True, slots=True)
class Negate(Node):
    operand: Node


@dataclass(frozen=True, slots=True)
class Product(Node):
    """``factors[0] op[0] factors[1] op[1] …`` evaluated left to right."""

    factors: tuple[Node, ...]
    operators: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Transpose(Node):
    operand: Node


@dataclass(frozen=True, slots=True)
class Power(Node):
    """``base ^ exponent``; ``inv(A)``, ``A^{-1}`` and the ``A`` of ``A\\b`` are all ``Power(A, -1)``."""

    base: Node
    exponent: Node
    solve: bool = field(default=False, compare=False, kw_only=True)  # written A\b: for messages


@dataclass(frozen=True, slots=True)
class EntrywisePower(Node):
    """NumPy's ``x ** k`` and MATLAB's ``x .^ k``: every entry raised to a scalar power."""

    base: Node
    exponent: Node


@dataclass(frozen=True, slots=True)
class Call(Node):
    """A function: tr det log exp sqrt abs sigmoid tanh vec diag norm sum pinv take one argument; esqrt and
    eabs are NumPy's entrywise sqrt and abs; bars is ``|x|`` (abs of a scalar, an error otherwise); dot and
    outer (NumPy's) take two and mean a product that depends on the shapes (see ``shapes``)."""

    function: str
    args: tuple[Node, ...]


def children(node: Node) -> tuple[Node, ...]:
    match node:
        case Sum(terms=terms):
            return terms
        case Product(factors=factors):
            return factors
        case Negate(operand=operand) | Transpose(operand=operand):
            return (operand,)
        case Power(base=base, exponent=exponent) | EntrywisePower(base=base, exponent=exponent):
            return (base, exponent)
        case Call(args=args):
            return args
    return ()


def is_zero_literal(node: Node) -> bool:
    """``0`` or ``-0``: the literal zero, which may stand for a zero matrix of any shape."""
    while isinstance(node, Negate):
        node = node.operand
    return isinstance(node, Number) and node.value == 0


_NUMERIC_OPERATORS = frozenset({MATMUL, JUXTAPOSE, DIVIDE, HADAMARD, BROADCAST, BROADCAST_DIVIDE})


def constant_value(node: Node) -> float | None:
    """The value of an expression made only of numbers, or None."""
    match node:
        case Number(value=value):
            return value
        case Negate(operand=operand):
            inner = constant_value(operand)
            return None if inner is None else -inner
        case Product(factors=factors, operators=operators) if set(operators) <= _NUMERIC_OPERATORS:
            values = _constant_values(factors)
            if values is None:
                return None
            result = values[0]
            for operator, value in zip(operators, values[1:], strict=True):
                if operator in (DIVIDE, BROADCAST_DIVIDE):
                    if value == 0:
                        return None
                    result /= value
                else:
                    result *= value
            return result
        case Sum(terms=terms, signs=signs):
            values = _constant_values(terms)
            if values is None:
                return None
            return sum(sign * value for sign, value in zip(signs, values, strict=True))
    return None


def _constant_values(parts: tuple[Node, ...]) -> list[float] | None:
    values = []
    for part in parts:
        value = constant_value(part)
        if value is None:
            return None
        values.append(value)
    return values


def matrix_exponent(node: Node) -> int:
    """The whole-number exponent of a matrix power (shape checking made sure that it is one)."""
    assert isinstance(node, Power)
    value = constant_value(node.exponent)
    assert value is not None
    return int(value)
