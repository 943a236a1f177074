"""Symbolic confirmation with sympy, kept cheap and off the hot path.

Sampling (``numeric``) decides every verdict. Only when it has found an answer equal to the reference is
sympy asked to prove the equality, so that the result can report ``method="symbolic"``; a proof can never
override a numeric disagreement because it is never attempted after one.

Representation. Matrix expressions are mapped into sympy's free noncommutative algebra
(``Symbol(name, commutative=False)``) rather than ``MatrixSymbol``: expanding ``(A + Aᵀ)x − Ax − Aᵀx`` takes
about 5 ms with ``MatrixSymbol`` and about 0.02–1 ms here, and the speed target is 3 ms per check.

* Transposes are pushed to the leaves, ((AB)ᵀ = BᵀAᵀ), so ``Aᵀ`` is a generator of its own, or ``A`` itself
  when A is symmetric, spd or diagonal, or ``A⁻¹`` when A is orthogonal.
* Inverses are powers −1, which sympy cancels against neighbouring powers of the same base (A⁻¹A = 1); the
  inverse of a compound expression stays an opaque power of its expanded base. ``I`` is 1.
* Scalars commute: numbers (exact rationals), 1×1 symbols, dimension letters, and traces and determinants,
  which become opaque scalar symbols named after their expanded argument.
* Anything else — Kronecker and elementwise products, vec, diag, norms, sums, entrywise functions on matrices,
  or a 1×1 matrix product (such as xᵀy) used to scale a matrix — is outside the algebra, and ``proves`` just
  answers False.

Two expressions whose expansions coincide in this algebra are equal as matrices whenever both are defined,
so a "proof" here is sound. It is incomplete (tr(AB) = tr(BA) is not found), which only costs the label.

Budget: sympy is not called for expressions of more than 40 nodes, integer powers above 4 in magnitude, or
when the expansion could exceed 64 terms; within those bounds an expansion takes about a millisecond.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from math import prod
from typing import Any

from . import nodes
from .dims import SCALAR
from .shapes import Typed, product_kind
from .symbols import Declaration

logger = logging.getLogger(__name__)

Expression = Any  # a sympy expression: sympy ships no type information

MAX_NODES = 40
MAX_TERMS = 64
MAX_POWER = 4
_SELF_TRANSPOSED = frozenset({"symmetric", "spd", "diagonal"})
_SCALAR_FUNCTIONS = ("log", "exp", "sqrt", "abs", "esqrt", "eabs", "tanh", "sigmoid")


class _Unsupported(Exception):
    """The expression leaves the algebra described above."""


def proves(declaration: Declaration, expected: Typed, answer: Typed) -> bool:
    """True if sympy shows ``answer`` equals ``expected``; False if it cannot (within the budget)."""
    if not (_affordable(expected) and _affordable(answer)):
        return False
    reference, candidate = _form(declaration, expected), _form(declaration, answer)
    if reference is None or candidate is None:
        return False
    import sympy

    try:
        return bool(sympy.expand(reference - candidate) == 0)
    except Exception:  # sympy is best-effort here: any failure leaves the numeric verdict in place
        logger.debug("sympy could not compare %s and %s", reference, candidate, exc_info=True)
        return False


def _affordable(typed: Typed) -> bool:
    return _count_nodes(typed) <= MAX_NODES and _term_bound(typed) <= MAX_TERMS


def _count_nodes(typed: Typed) -> int:
    return 1 + sum(_count_nodes(arg) for arg in typed.args)


def _term_bound(typed: Typed) -> float:
    """An upper bound on the number of terms the expansion of ``typed`` can have."""
    node = typed.node
    bounds = [_term_bound(arg) for arg in typed.args]
    match node:
        case nodes.Sum():
            return sum(bounds)
        case nodes.Product():
            return prod(bounds)
        case nodes.Negate() | nodes.Transpose():
            return bounds[0]
        case nodes.Power() | nodes.EntrywisePower():
            count = nodes.constant_value(node.exponent)
            if count is None or count != int(count):
                return max(bounds)  # not expanded: c^0.5 stays a power
            # sympy expands an integer power of a sum, even a negative one (in the denominator).
            return float("inf") if abs(count) > MAX_POWER else bounds[0] ** abs(int(count))
    return max(bounds, default=1)


@lru_cache(maxsize=4096)
def _form(declaration: Declaration, typed: Typed) -> Expression | None:
    try:
        return _Converter(declaration).convert(typed, transposed=False)
    except _Unsupported:
        return None


class _Converter:
    def __init__(self, declaration: Declaration):
        import sympy

        self.sympy = sympy
        self.declaration = declaration

    def convert(self, typed: Typed, transposed: bool) -> Expression:
        sympy, node = self.sympy, typed.node
        match node:
            case nodes.Symbol(name=name):
                return self._symbol(name, typed, transposed)
            case nodes.Number(text=text):
                return sympy.Rational(text)
            case nodes.DimensionValue(name=name):
                return sympy.Symbol(name, positive=True)
            case nodes.Identity():
                return sympy.S.One
            case nodes.Ones():
                rows, cols = typed.shape[::-1] if transposed else typed.shape
                return sympy.Symbol(f"ones[{rows}×{cols}]", commutative=False)
            case nodes.Negate():
                return -self.convert(typed.args[0], transposed)
            case nodes.Transpose():
                return self.convert(typed.args[0], not transposed)
            case nodes.Sum(signs=signs):
                if any(arg.shape != typed.shape for arg in typed.args):
                    raise _Unsupported  # NumPy broadcasting (x - 1) has no meaning in the algebra
                terms = [self.convert(arg, transposed) for arg in typed.args]
                return sympy.Add(*(sign * term for sign, term in zip(signs, terms, strict=True)))
            case nodes.Product(operators=operators):
                return self._product(typed, operators, transposed)
            case nodes.Power():
                return self._power(typed, transposed)
            case nodes.EntrywisePower() if typed.shape == SCALAR:
                return self._power(typed, transposed)
            case nodes.Call(function=function):
                return self._call(function, typed.args[0])
        raise _Unsupported

    def _symbol(self, name: str, typed: Typed, transposed: bool) -> Expression:
        sympy = self.sympy
        if typed.shape == SCALAR:
            return sympy.Symbol(name)
        symbol = sympy.Symbol(name, commutative=False)
        if not transposed:
            return symbol
        assumptions = self.declaration.by_name[name].assumptions
        if assumptions & _SELF_TRANSPOSED:
            return symbol
        if "orthogonal" in assumptions:
            return symbol**-1
        return sympy.Symbol(f"{name}ᵀ", commutative=False)

    def _product(self, typed: Typed, operators: tuple[str, ...], transposed: bool) -> Expression:
        factors = [self.convert(arg, transposed) for arg in typed.args]
        shape, result = typed.args[0].shape, factors[0]
        for operator, arg, factor in zip(operators, typed.args[1:], factors[1:], strict=True):
            kind = product_kind(operator, shape, arg.shape)
            if kind in ("kron", "hadamard", "broadcast", "broadcast_divide"):
                raise _Unsupported
            if kind in ("scale", "divide") and not (result.is_commutative or factor.is_commutative):
                raise _Unsupported  # a 1×1 matrix product acting as a scalar
            if kind == "divide":
                factor = factor**-1
            # (XY)ᵀ = YᵀXᵀ: with the factors already transposed, multiply them in reverse order.
            result = factor * result if transposed else result * factor
            if kind == "matmul":
                shape = (shape[0], arg.shape[1])
            elif shape == SCALAR:
                shape = arg.shape
        return result

    def _power(self, typed: Typed, transposed: bool) -> Expression:
        base_typed, exponent_typed = typed.args
        base = self.convert(base_typed, transposed)
        exponent = self.convert(exponent_typed, transposed=False)
        if typed.shape == SCALAR:
            if not (base.is_commutative and exponent.is_commutative):
                raise _Unsupported
            return base**exponent
        if exponent < 0 and not base.is_Symbol:
            base = self.sympy.expand(base)
        return base**exponent

    def _call(self, function: str, argument: Typed) -> Expression:
        sympy = self.sympy
        inner = self.convert(argument, transposed=False)
        if function in ("tr", "det"):
            return sympy.Symbol(f"{function}({sympy.srepr(sympy.expand(inner))})")
        if function not in _SCALAR_FUNCTIONS or argument.shape != SCALAR or not inner.is_commutative:
            raise _Unsupported
        if function == "sigmoid":
            return 1 / (1 + sympy.exp(-inner))
        functions = {
            "log": sympy.log,
            "exp": sympy.exp,
            "sqrt": sympy.sqrt,
            "abs": sympy.Abs,
            "tanh": sympy.tanh,
        }
        return functions[{"esqrt": "sqrt", "eabs": "abs"}.get(function, function)](inner)
