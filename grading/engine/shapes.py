"""Shape checking with symbolic dimensions.

``infer`` walks the tree bottom-up and returns a ``Typed`` mirror of it in which every node carries its
shape. The rules are the question's conventions: vectors are columns; a 1×1 value is a scalar that may
multiply anything but is never added to a larger matrix; products group left to right and a 1×1
sub-product acts as a scalar (``a^T x a``). ``I`` and a literal ``0`` added to a matrix get unknown sizes that
the context fixes. A mistake becomes an ``AnswerError`` that names the offending sub-expressions as typed,
with their shapes: "Cannot add x^T A (1×n) to b (n×1)".

The NumPy reading (see ``parser``) adds broadcasting: sizes of the operands of ``*``, ``/``, ``+`` and ``-``
must be equal or 1, and the result takes the larger; a column times a row is their outer product. Its
``dot(a, b)`` is the inner product aᵀb of two columns and a matrix product otherwise, its ``outer(a, b)``
is a bᵀ for vectors of either orientation; ``|x|`` is abs for a scalar and an error that names the right
function otherwise. These three are rewritten here into the plain nodes they stand for, so that nothing
after shape checking needs to know them.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import nodes
from .dims import ONE, SCALAR, Shape, Size, Unifier, format_shape, is_concrete, known
from .errors import AnswerError
from .nodes import Node
from .symbols import Declaration

_ENTRYWISE = frozenset({"log", "exp", "sigmoid", "tanh", "esqrt", "eabs"})
_SCALAR_ONLY = frozenset({"sqrt", "abs"})
_SQUARE_TO_SCALAR = frozenset({"tr", "det"})
_ANY_TO_SCALAR = frozenset({"norm", "sum"})
_QUOTE_LIMIT = 40


@dataclass(frozen=True, slots=True)
class Typed:
    node: Node
    shape: Shape
    args: tuple[Typed, ...] = ()


def product_kind(operator: str, left: Shape, right: Shape) -> str:
    """How one step of a product chain combines its operands, given their (resolved) shapes: matmul,
    scale (by a 1×1 factor), divide (by a 1×1 divisor), kron, hadamard (entrywise, equal shapes), broadcast
    or broadcast_divide (entrywise with broadcasting)."""
    if operator == nodes.DIVIDE or (operator == nodes.BROADCAST_DIVIDE and right == SCALAR):
        return "divide"
    if operator == nodes.BROADCAST_DIVIDE:
        return "broadcast_divide"
    if operator == nodes.KRON:
        return "kron"
    if left == SCALAR or right == SCALAR:
        return "scale"
    if operator == nodes.HADAMARD or (operator == nodes.BROADCAST and left == right):
        return "hadamard"
    if operator == nodes.BROADCAST:
        return "broadcast"
    return "matmul"


class Inference:
    """One shape check of one text; holds the unknown sizes of ``I``, ``𝟏`` and ``0`` until ``resolve``."""

    def __init__(self, declaration: Declaration, text: str):
        self.declaration = declaration
        self.text = text
        self.unifier = Unifier()

    # -- entry points -------------------------------------------------------------------------------------

    def infer_root(self, node: Node) -> Typed:
        if nodes.is_zero_literal(node):  # "0" as a whole answer: the zero of whatever shape is expected
            return self._zero(node, (self.unifier.fresh(), self.unifier.fresh()))
        return self.infer(node)

    def fit(self, typed: Typed, shape: Shape) -> bool:
        """Unify the answer's shape with the expected one; False if they cannot agree."""
        rows, cols = self.unifier.resolve(typed.shape)
        return self.unifier.unify(rows, shape[0]) and self.unifier.unify(cols, shape[1])

    def shape_of(self, typed: Typed) -> Shape:
        return self.unifier.resolve(typed.shape)

    def resolve(self, typed: Typed) -> Typed:
        """The same tree with every size known; an ``I`` or ``𝟏`` whose size nothing fixes is an error."""
        args = tuple(self.resolve(arg) for arg in typed.args)  # innermost first: the message names the I
        shape = self.unifier.resolve(typed.shape)
        if not is_concrete(shape):
            if isinstance(typed.node, nodes.Identity):
                raise AnswerError(
                    f"The size of {self.quote(typed.node)} cannot be inferred from the context: write I_n "
                    "(with the size) instead of I"
                )
            if isinstance(typed.node, nodes.Ones):
                raise AnswerError(
                    f"The length of the ones vector {self.quote(typed.node)} cannot be inferred from the "
                    "context: write ones(n, 1) (with the size)"
                )
            raise AnswerError(f"The shape of {self.quote(typed.node)} cannot be inferred from the context")
        return Typed(typed.node, shape, args)

    # -- the rules ----------------------------------------------------------------------------------------

    def infer(self, node: Node) -> Typed:
        match node:
            case nodes.Symbol(name=name):
                return Typed(node, self.declaration.by_name[name].shape)
            case nodes.Number() | nodes.DimensionValue():
                return Typed(node, SCALAR)
            case nodes.Identity(size=size):
                side = size if size is not None else self.unifier.fresh()
                return Typed(node, (side, side))
            case nodes.Ones(rows=rows, cols=cols):
                return Typed(node, (rows if rows is not None else self.unifier.fresh(), cols))
            case nodes.Negate(operand=operand):
                inner = self.infer(operand)
                return Typed(node, inner.shape, (inner,))
            case nodes.Transpose(operand=operand):
                inner = self.infer(operand)
                return Typed(node, (inner.shape[1], inner.shape[0]), (inner,))
            case nodes.Sum():
                return self._sum(node)
            case nodes.Product():
                return self._product(node)
            case nodes.Power():
                return self._power(node)
            case nodes.EntrywisePower():
                return self._entrywise_power(node)
            case nodes.Call():
                return self._call(node)
        raise AssertionError(f"no shape rule for {type(node).__name__}")

    def _sum(self, node: nodes.Sum) -> Typed:
        typed: list[Typed | None] = [
            None if nodes.is_zero_literal(term) else self.infer(term) for term in node.terms
        ]
        shape: Shape | None = None
        for index, term in enumerate(typed):
            if term is None:
                continue
            if shape is None:
                shape = term.shape
                continue
            combined = self._broadcast(shape, term.shape) if node.broadcast else None
            if combined is not None:
                shape = combined
            elif not self._unify_shapes(shape, term.shape):
                prefix = self.describe_node(_span_node(node.terms[0], node.terms[index - 1]), shape)
                hint = "; in NumPy, sizes must match or be 1" if node.broadcast else ""
                if node.signs[index] < 0:
                    raise AnswerError(f"Cannot subtract {self.describe(term)} from {prefix}{hint}")
                raise AnswerError(f"Cannot add {prefix} to {self.describe(term)}{hint}")
        if shape is None:  # 0 + 0: still a zero of unknown shape
            shape = (self.unifier.fresh(), self.unifier.fresh())
        args = tuple(
            self._zero(term_node, shape) if term is None else term
            for term_node, term in zip(node.terms, typed, strict=True)
        )
        return Typed(node, shape, args)

    def _product(self, node: nodes.Product) -> Typed:
        factors = [self.infer(factor) for factor in node.factors]
        shape = factors[0].shape
        for index, (operator, factor) in enumerate(zip(node.operators, factors[1:], strict=True), start=1):
            prefix = _span_node(node.factors[0], node.factors[index - 1])
            shape = self._step(operator, prefix, shape, factor)
        return Typed(node, shape, tuple(factors))

    def _step(self, operator: str, prefix: Node, left: Shape, right: Typed) -> Shape:
        unifier = self.unifier
        if operator == nodes.DIVIDE:
            if not (unifier.unify(right.shape[0], ONE) and unifier.unify(right.shape[1], ONE)):
                raise AnswerError(
                    f"You can only divide by a scalar, but {self.state(right)}; for an entrywise division "
                    "write ./"
                )
            return left
        if operator == nodes.KRON:
            first, second = unifier.resolve(left), unifier.resolve(right.shape)
            if not (is_concrete(first) and is_concrete(second)):
                raise AnswerError(
                    f"The size of I in a Kronecker product cannot be inferred: write I_n in "
                    f"{self.quote(prefix)} ⊗ {self.quote(right.node)}"
                )
            return (known(first[0]) * known(second[0]), known(first[1]) * known(second[1]))
        if unifier.is_scalar(left) and operator != nodes.BROADCAST_DIVIDE:
            return right.shape
        if unifier.is_scalar(right.shape):
            return left
        if operator == nodes.HADAMARD:
            if not self._unify_shapes(left, right.shape):
                raise AnswerError(
                    "An elementwise product needs equal shapes, but "
                    f"{self.state_node(prefix, left)} and {self.state(right)}"
                )
            return left
        if operator in (nodes.BROADCAST, nodes.BROADCAST_DIVIDE):
            combined = self._broadcast(left, right.shape)
            if combined is None:
                symbol = "*" if operator == nodes.BROADCAST else "/"
                advice = f"; for the matrix product write {self.quote(prefix)} @ {self.quote(right.node)}"
                raise AnswerError(
                    f"In NumPy, {symbol} works entry by entry, and {self.describe_node(prefix, left)} and "
                    f"{self.describe(right)} cannot be broadcast together (each size must match or be 1)"
                    + (advice if operator == nodes.BROADCAST else "")
                )
            return combined
        if not unifier.unify(left[1], right.shape[0]):
            raise AnswerError(f"Cannot multiply {self.describe_node(prefix, left)} by {self.describe(right)}")
        return (left[0], right.shape[1])

    def _broadcast(self, first: Shape, second: Shape) -> Shape | None:
        """NumPy's broadcasting of two shapes: per axis, equal sizes or a 1 that stretches; else None."""
        result = []
        for one, other in zip(self.unifier.resolve(first), self.unifier.resolve(second), strict=True):
            if one == ONE:
                result.append(other)
            elif other == ONE or self.unifier.unify(one, other):
                result.append(one)
            else:
                return None
        return (result[0], result[1])

    def _power(self, node: nodes.Power) -> Typed:
        base, exponent = self.infer(node.base), self.infer(node.exponent)
        if not self.unifier.is_scalar(exponent.shape):
            raise AnswerError(f"An exponent must be a scalar, but {self.state(exponent)}")
        if self.unifier.is_scalar(base.shape):
            return Typed(node, SCALAR, (base, exponent))
        value = nodes.constant_value(node.exponent)
        inverting = value is not None and value < 0
        if not self.unifier.unify(base.shape[0], base.shape[1]):
            if node.solve:
                quoted = self.quote(base.node)
                raise AnswerError(
                    f"A backslash solves a square system, but {self.state(base)}: for least squares write "
                    f"pinv({quoted}) instead of {quoted}\\"
                )
            action, noun = ("invert {}", "inverses") if inverting else ("raise {} to a power", "powers")
            entrywise = "" if inverting else f"; for an entrywise power write {self.quote(base.node)} .^ k"
            raise AnswerError(
                f"Cannot {action.format(self.quote(base.node))}: it is {self._shape_text(base.shape)}, and "
                f"only square matrices have {noun}{entrywise}"
            )
        if value is None or value != int(value):
            raise AnswerError(
                f"The exponent of the matrix {self.quote(node.base)} must be a whole number such as 2 or -1"
            )
        return Typed(node, base.shape, (base, exponent))

    def _entrywise_power(self, node: nodes.EntrywisePower) -> Typed:
        base, exponent = self.infer(node.base), self.infer(node.exponent)
        if not self.unifier.is_scalar(exponent.shape):
            raise AnswerError(f"An exponent must be a scalar, but {self.state(exponent)}")
        return Typed(node, base.shape, (base, exponent))

    def _call(self, node: nodes.Call) -> Typed:
        if node.function in ("dot", "outer"):
            return self.infer(self._product_of(node))
        args = tuple(self.infer(arg) for arg in node.args)
        (arg,) = args
        rows, cols = self.unifier.resolve(arg.shape)
        function = node.function
        if function in _ENTRYWISE:
            shape = arg.shape
        elif function in _ANY_TO_SCALAR:
            shape = SCALAR
        elif function == "bars":
            return self._bars(node, arg)
        elif function in _SCALAR_ONLY:
            if not self.unifier.is_scalar(arg.shape):
                raise AnswerError(f"The function {function} applies to scalars, but {self.state(arg)}")
            shape = SCALAR
        elif function in _SQUARE_TO_SCALAR:
            if not self.unifier.unify(rows, cols):
                raise AnswerError(f"The function {function} needs a square matrix, but {self.state(arg)}")
            shape = SCALAR
        elif function == "pinv":
            shape = (cols, rows)
        elif function == "vec":
            if not is_concrete((rows, cols)):
                raise AnswerError(f"The size of I in {self.quote(node)} cannot be inferred: write I_n")
            shape = (known(rows) * known(cols), ONE)
        elif function == "diag":
            shape = self._diag(arg, rows, cols)
        else:
            raise AssertionError(f"no shape rule for the function {function}")
        return Typed(node, shape, args)

    def _product_of(self, node: nodes.Call) -> Node:
        """NumPy's dot and outer as the plain product they compute for the operands' shapes."""
        first, second = node.args
        first_shape, second_shape = (self.shape_of(self.infer(arg)) for arg in node.args)
        if node.function == "dot":
            both_columns = first_shape[1] == ONE and second_shape[1] == ONE and first_shape != SCALAR
            factors = (_transposed(first) if both_columns else first, second)
        else:
            for arg, shape in zip(node.args, (first_shape, second_shape), strict=True):
                if ONE not in shape:
                    raise AnswerError(
                        f"The function np.outer takes two vectors, but {self.state_node(arg, shape)}; for a "
                        "matrix product write @"
                    )
            column = _transposed(first) if first_shape[0] == ONE and first_shape != SCALAR else first
            row = second if second_shape[0] == ONE else _transposed(second)
            factors = (column, row)
        return nodes.Product(factors, (nodes.MATMUL,), span=node.span, depth=node.depth)

    def _bars(self, node: nodes.Call, arg: Typed) -> Typed:
        """``|x|``: the absolute value of a scalar; for anything else, say which function is meant."""
        if self.unifier.is_scalar(arg.shape):
            return Typed(nodes.Call("abs", node.args, span=node.span, depth=node.depth), SCALAR, (arg,))
        rows, cols = self.unifier.resolve(arg.shape)
        inner = self.quote(arg.node)
        if ONE in (rows, cols):
            advice = f"write norm({inner}) for its length"
        elif self.unifier.unify(rows, cols):
            advice = f"write det({inner}) for the determinant, or norm({inner}) for the Frobenius norm"
        else:
            advice = f"write norm({inner}) for the Frobenius norm"
        kind = "vector" if ONE in (rows, cols) else "matrix"
        raise AnswerError(f"Bars around a {kind} are ambiguous: {self.state(arg)}; {advice}")

    def _diag(self, arg: Typed, rows: Size, cols: Size) -> Shape:
        if rows == ONE and cols == ONE:
            return SCALAR
        if cols == ONE:
            return (rows, rows)  # vector -> diagonal matrix
        if rows == ONE:
            return (cols, cols)
        if self.unifier.unify(rows, cols):
            return (rows, ONE)  # square matrix -> its diagonal
        raise AnswerError(f"The function diag needs a vector or a square matrix, but {self.state(arg)}")

    def _zero(self, node: Node, shape: Shape) -> Typed:
        if isinstance(node, nodes.Negate):
            return Typed(node, shape, (self._zero(node.operand, shape),))
        return Typed(node, shape)

    def _unify_shapes(self, first: Shape, second: Shape) -> bool:
        return self.unifier.unify(first[0], second[0]) and self.unifier.unify(first[1], second[1])

    # -- messages -----------------------------------------------------------------------------------------

    def quote(self, node: Node) -> str:
        start, end = node.span
        text = " ".join(self.text[start:end].split())
        return text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 1] + "…"

    def describe(self, typed: Typed) -> str:
        return self.describe_node(typed.node, typed.shape)

    def describe_node(self, node: Node, shape: Shape) -> str:
        """``x^T A (1×n)``"""
        return f"{self.quote(node)} ({self._shape_text(shape)})"

    def state(self, typed: Typed) -> str:
        return self.state_node(typed.node, typed.shape)

    def state_node(self, node: Node, shape: Shape) -> str:
        """``x is n×1``"""
        return f"{self.quote(node)} is {self._shape_text(shape)}"

    def _shape_text(self, shape: Shape) -> str:
        return format_shape(self.unifier.resolve(shape))


def _transposed(node: Node) -> Node:
    return nodes.Transpose(node, span=node.span, depth=node.depth + 1)


def _span_node(first: Node, last: Node) -> Node:
    """A stand-in node covering first..last, so that a prefix such as ``x^T A`` can be quoted."""
    return nodes.Symbol("", span=(first.span[0], last.span[1]))
