"""Parse answer text into the ``nodes`` tree with a LALR(1) lark grammar.

``read`` runs the whole front end: ``normalize`` (the documented rewrites), the choice of reading (NumPy
or mathematical, see ``lexer.reading``), ``lexer`` (which knows the question's names) and this grammar,
which only fixes precedence: ``+ -`` < ``* @ · / \\ ⊗ ∘`` and juxtaposition (left to right, as in MATLAB
and NumPy) < unary minus < function application < postfix transpose, powers and methods. A function name
followed by something other than ``(`` applies to the next factor with its postfix operators
(``log det X``, ``\\sqrt{x}``, ``tr A^T`` = tr(Aᵀ)).

The two readings differ only in what some tokens mean, so each has its own set of reduction callbacks:

==============  ==============================  ==============================================
token           mathematical reading            NumPy reading
==============  ==============================  ==============================================
``*``           matrix product                  entrywise product with broadcasting (⊙)
``/``           division by a scalar            entrywise division with broadcasting (⊘)
``**``          matrix power (as ``^``)         entrywise power
``+ -``         equal shapes                    broadcasting (``x - 1``, ``a + b.T``)
``sqrt abs``    of a scalar                     entrywise
==============  ==============================  ==============================================

Everything else is common: ``@``, ``·``, ``\\cdot`` and juxtaposition are matrix products (a 1×1 factor
scales), ``^`` is a matrix power or transpose, ``.*`` and ``∘`` are entrywise products, ``./`` entrywise
division, ``.^`` an entrywise power, ``A\\b`` is ``inv(A) b``.

The tree is built by callbacks that lark runs on each reduction, so building it does not recurse and a long
answer cannot exhaust the Python stack; the depth of the result is capped instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, cast

from lark import Lark, Token
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from . import nodes
from .dims import Dim
from .errors import AnswerError
from .lexer import MAX_NESTING, Reading, reading, tokenize
from .nodes import Node
from .normalize import Normalized, normalize
from .symbols import Declaration

MAX_DEPTH = 2 * MAX_NESTING
MAX_EXPONENT = 64
MAX_LITERAL_SIZE = 64  # I_n and ones(n, 1) with a number

_GRAMMAR = r"""
%declare NUMBER NAME DIM FUNC IDENTITY ONES PLUS MINUS STAR MATMUL CDOT SLASH EDIV KRON HADAMARD BACKSLASH
%declare CARET EPOW TRANSPOSE INVTRANSPOSE METHOD LPAR RPAR LBRACK RBRACK LBRACE RBRACE BAR_OPEN BAR_CLOSE
%declare COMMA FRAC

?start: sum

?sum: term
    | sum PLUS term             -> add
    | sum MINUS term            -> add

?term: unary
     | term STAR unary          -> operate
     | term MATMUL unary        -> operate
     | term CDOT unary          -> operate
     | term SLASH unary         -> operate
     | term EDIV unary          -> operate
     | term KRON unary          -> operate
     | term HADAMARD unary      -> operate
     | term BACKSLASH unary     -> solve
     | term factor              -> juxtapose

?unary: factor
      | MINUS unary             -> negate
      | PLUS unary              -> plus

?factor: postfix
       | FUNC bare              -> apply

?postfix: primary
        | postfix TRANSPOSE     -> transpose
        | postfix INVTRANSPOSE  -> inverse_transpose
        | postfix CARET exponent -> power
        | postfix EPOW exponent -> power
        | postfix METHOD LPAR RPAR -> method
        | postfix METHOD LPAR arguments RPAR -> method

?bare: bare_postfix
     | FUNC bare                -> apply

?bare_postfix: bare_primary
             | bare_postfix TRANSPOSE       -> transpose
             | bare_postfix INVTRANSPOSE    -> inverse_transpose
             | bare_postfix CARET exponent  -> power
             | bare_postfix EPOW exponent   -> power
             | bare_postfix METHOD LPAR RPAR -> method
             | bare_postfix METHOD LPAR arguments RPAR -> method

?exponent: NUMBER               -> number
         | NAME                 -> name
         | DIM                  -> dimension
         | paren_group
         | brace_group
         | MINUS exponent       -> negate
         | PLUS exponent        -> plus

?primary: bare_primary
        | paren_group

?bare_primary: NUMBER           -> number
             | NAME             -> name
             | DIM              -> dimension
             | IDENTITY         -> identity
             | ONES             -> ones_vector
             | brace_group
             | FUNC LPAR arguments RPAR     -> call
             | FRAC brace_group brace_group -> fraction
             | BAR_OPEN sum BAR_CLOSE       -> bars

paren_group: LPAR sum RPAR
           | LBRACK sum RBRACK
brace_group: LBRACE sum RBRACE
arguments: sum (COMMA sum)*
"""

_COMMON_OPERATORS = {
    "MATMUL": nodes.MATMUL,
    "CDOT": nodes.MATMUL,
    "EDIV": nodes.BROADCAST_DIVIDE,
    "KRON": nodes.KRON,
    "HADAMARD": nodes.HADAMARD,
}
_READING_OPERATORS = {
    "math": {**_COMMON_OPERATORS, "STAR": nodes.MATMUL, "SLASH": nodes.DIVIDE},
    "numpy": {**_COMMON_OPERATORS, "STAR": nodes.BROADCAST, "SLASH": nodes.BROADCAST_DIVIDE},
}
_NUMPY_FUNCTIONS = {"sqrt": "esqrt", "abs": "eabs"}  # entrywise in NumPy, of a scalar otherwise
_ARITY = {
    "kron": 2, "hadamard": 2, "dot": 2, "outer": 2, "solve": 2, "matmul": 2, "multiply": 2, "matrix_power": 2
}  # fmt: skip
_PRODUCTS = {
    "kron": nodes.KRON,
    "hadamard": nodes.HADAMARD,
    "multiply": nodes.BROADCAST,
    "matmul": nodes.MATMUL,
}
_USAGE = {
    "kron": "kron(A, B)", "hadamard": "hadamard(A, B)", "ones": "ones(n, 1)", "eye": "eye(n)",
    "dot": "np.dot(x, y)", "outer": "np.outer(x, y)", "solve": "np.linalg.solve(A, b)",
    "matmul": "np.matmul(A, B)", "multiply": "np.multiply(A, B)",
    "matrix_power": "np.linalg.matrix_power(A, 2)",
}  # fmt: skip
_TOKEN_NAMES = {"RPAR": "')'", "RBRACK": "']'", "RBRACE": "'}'", "BAR_CLOSE": "'|'"}
_SWAPPED_AXES = ({0, 1}, {-1, -2})


@dataclass(frozen=True, slots=True)
class Parsed:
    """An answer as the engine reads it: the tree, the normalized text its spans index, and the reading."""

    tree: Node
    source: Normalized
    reading: Reading

    @property
    def text(self) -> str:
        return self.source.text


def _span(first: Node | Token, last: Node | Token) -> tuple[int, int]:
    start = first.span[0] if isinstance(first, Node) else first.start_pos
    end = last.span[1] if isinstance(last, Node) else last.end_pos
    assert start is not None and end is not None  # every token comes from ``lexer`` with its positions
    return (start, end)


def _depth(*parts: Node) -> int:
    depth = 1 + max(part.depth for part in parts)
    if depth > MAX_DEPTH:
        raise AnswerError(f"The expression is nested too deeply (more than {MAX_DEPTH} levels)")
    return depth


class _Build:
    """Reduction callbacks: each receives the children of one grammar rule and returns a node."""

    def __init__(self, mode: Reading):
        self.numpy = mode == "numpy"
        self.operators = _READING_OPERATORS[mode]

    @staticmethod
    def number(children: list[Token]) -> Node:
        (token,) = children
        return nodes.Number(float(token), str(token), span=_span(token, token))

    @staticmethod
    def name(children: list[Token]) -> Node:
        (token,) = children
        return nodes.Symbol(str(token), span=_span(token, token))

    @staticmethod
    def dimension(children: list[Token]) -> Node:
        (token,) = children
        return nodes.DimensionValue(str(token), span=_span(token, token))

    @staticmethod
    def identity(children: list[Token]) -> Node:
        (token,) = children  # its value is the size written after I_, if any
        return nodes.Identity(_written_size(token), span=_span(token, token))

    @staticmethod
    def ones_vector(children: list[Token]) -> Node:
        (token,) = children  # 𝟏 or 𝟏_n: a column of ones
        return nodes.Ones(_written_size(token), Dim.of(1), span=_span(token, token))

    @staticmethod
    def paren_group(children: list[Any]) -> Node:
        opening, inner, closing = children
        return _respan(inner, _span(opening, closing))

    brace_group = paren_group

    @staticmethod
    def arguments(children: list[Any]) -> tuple[Node, ...]:
        return tuple(child for child in children if isinstance(child, Node))

    def add(self, children: list[Any]) -> Node:
        left, operator, right = children
        sign = -1 if operator.type == "MINUS" else 1
        if isinstance(left, nodes.Sum) and left.broadcast == self.numpy:
            terms, signs, depth = (*left.terms, right), (*left.signs, sign), max(left.depth, _depth(right))
        else:
            terms, signs, depth = (left, right), (1, sign), _depth(left, right)
        return nodes.Sum(terms, signs, self.numpy, span=_span(left, right), depth=depth)

    def operate(self, children: list[Any]) -> Node:
        left, operator, right = children
        return _chain(left, self.operators[operator.type], right)

    @staticmethod
    def solve(children: list[Any]) -> Node:
        left, operator, right = children
        inverse = _inverse(left, left.span, _span(operator, operator), solve=True)
        return _chain(inverse, nodes.MATMUL, right)

    @staticmethod
    def juxtapose(children: list[Any]) -> Node:
        left, right = children
        return _chain(left, nodes.JUXTAPOSE, right)

    @staticmethod
    def negate(children: list[Any]) -> Node:
        sign, operand = children
        return nodes.Negate(operand, span=_span(sign, operand), depth=_depth(operand))

    @staticmethod
    def plus(children: list[Any]) -> Node:
        sign, operand = children
        return _respan(operand, _span(sign, operand))

    @staticmethod
    def transpose(children: list[Any]) -> Node:
        operand, mark = children
        return nodes.Transpose(operand, span=_span(operand, mark), depth=_depth(operand))

    @staticmethod
    def inverse_transpose(children: list[Any]) -> Node:
        operand, mark = children
        inverse = _inverse(operand, _span(operand, mark), _span(mark, mark))
        return nodes.Transpose(inverse, span=inverse.span, depth=_depth(inverse))

    @staticmethod
    def power(children: list[Any]) -> Node:
        base, caret, exponent = children
        if _ends_with_exponent(base):
            raise AnswerError(
                f"Two exponents in a row at {_where(caret)} are ambiguous: add brackets, as in (c^2)^3"
            )
        _check_exponent(exponent, caret)
        kind = nodes.EntrywisePower if caret.type == "EPOW" else nodes.Power
        return kind(base, exponent, span=_span(base, exponent), depth=_depth(base, exponent))

    @staticmethod
    def fraction(children: list[Any]) -> Node:
        command, numerator, denominator = children
        return _respan(_chain(numerator, nodes.DIVIDE, denominator), _span(command, denominator))

    @staticmethod
    def bars(children: list[Any]) -> Node:
        opening, inner, closing = children
        return nodes.Call("bars", (inner,), span=_span(opening, closing), depth=_depth(inner))

    def call(self, children: list[Any]) -> Node:
        function, _opening, arguments, closing = children
        return self._apply(function, arguments, _span(function, closing))

    def method(self, children: list[Any]) -> Node:
        receiver, method, *rest = children
        arguments = rest[1] if len(rest) == 3 else ()
        return self._apply(method, (receiver, *arguments), _span(receiver, rest[-1]))

    def apply(self, children: list[Any]) -> Node:
        function, argument = children
        if _ARITY.get(function.value, 1) != 1 or function.value in ("ones", "eye"):
            raise AnswerError(
                f"The function {function} at {_where(function)} needs parentheses, as in "
                f"{_usage(function.value)}"
            )
        return self._apply(function, (argument,), _span(function, argument))

    def _apply(self, function: Token, arguments: tuple[Node, ...], span: tuple[int, int]) -> Node:
        name = _NUMPY_FUNCTIONS.get(function.value, function.value) if self.numpy else function.value
        if name in ("ones", "eye"):
            return _sized(function, arguments, span)
        if name == "transpose":
            return _transpose(function, arguments, span)
        expected = _ARITY.get(name, 1)
        if len(arguments) != expected:
            count = "one argument" if expected == 1 else f"{expected} arguments"
            raise AnswerError(
                f"The function {function.value} at {_where(function)} takes {count}, as in {_usage(name)}"
            )
        if name in _PRODUCTS:
            return _respan(_chain(arguments[0], _PRODUCTS[name], arguments[1]), span)
        if name == "solve":
            inverse = _inverse(arguments[0], arguments[0].span, _span(function, function), solve=True)
            return _respan(_chain(inverse, nodes.MATMUL, arguments[1]), span)
        if name == "matrix_power":
            _check_exponent(arguments[1], function)
            return nodes.Power(arguments[0], arguments[1], span=span, depth=_depth(*arguments))
        if name == "inv":
            return _inverse(arguments[0], span, _span(function, function))
        return nodes.Call(name, arguments, span=span, depth=_depth(*arguments))


def _where(token: Token) -> str:
    return f"column {token.column}" if token.line == 1 else f"line {token.line}, column {token.column}"


def _usage(function: str) -> str:
    return _USAGE.get(function, f"{function}(X)")


def _respan(node: Node, span: tuple[int, int]) -> Node:
    """A copy with a wider span, so that messages quote the brackets the learner typed."""
    return replace(node, span=span)


def _chain(left: Node, operator: str, right: Node) -> nodes.Product:
    # Flattening keeps a long chain shallow; its depth is that of its deepest factor, plus one.
    if isinstance(left, nodes.Product):
        factors, operators = (*left.factors, right), (*left.operators, operator)
        depth = max(left.depth, _depth(right))
    else:
        factors, operators, depth = (left, right), (operator,), _depth(left, right)
    return nodes.Product(factors, operators, span=_span(left, right), depth=depth)


def _ends_with_exponent(node: Node) -> bool:
    """``c^2`` as typed, unbracketed: another ``^`` right after it would make ``c^2^3``, which is ambiguous.

    ``(c^2)`` ends with its bracket and ``inv(A)`` with its parenthesis (its -1 is the word ``inv``), so a
    power of either is a plain power.
    """
    return isinstance(node, (nodes.Power, nodes.EntrywisePower)) and node.span[1] == node.exponent.span[1]


def _check_exponent(exponent: Node, token: Token) -> None:
    value = nodes.constant_value(exponent)
    if value is not None and abs(value) > MAX_EXPONENT:
        raise AnswerError(
            f"The exponent at {_where(token)} is too large: its magnitude may be at most {MAX_EXPONENT}"
        )


def _inverse(
    operand: Node, span: tuple[int, int], written: tuple[int, int], solve: bool = False
) -> nodes.Power:
    """``Power(operand, -1)`` for ``inv(…)``, ``^{-T}`` or ``A\\b``; the -1 spans the text ``written``."""
    minus_one = nodes.Number(-1.0, "-1", span=written)
    return nodes.Power(operand, minus_one, span=span, depth=_depth(operand), solve=solve)


def _transpose(function: Token, arguments: tuple[Node, ...], span: tuple[int, int]) -> Node:
    """``transpose(A)``, ``A.t()``, ``A.transpose()``; with axes only ``(0, 1)`` or ``(-1, -2)``."""
    axes = {nodes.constant_value(argument) for argument in arguments[1:]}
    if len(arguments) == 1 or (len(arguments) == 3 and axes in _SWAPPED_AXES):
        return nodes.Transpose(arguments[0], span=span, depth=_depth(arguments[0]))
    raise AnswerError(
        f"The transpose at {_where(function)} takes the matrix alone (or the axes 0, 1), as in transpose(A)"
    )


def _sized(function: Token, arguments: tuple[Node, ...], span: tuple[int, int]) -> Node:
    """``ones(n)``, ``ones(n, 1)``, ``eye(n)``: sizes are dimension letters or whole numbers."""
    if function.value == "eye":
        if len(arguments) != 1:
            raise AnswerError(f"The function eye at {_where(function)} takes one size, as in eye(n)")
        return nodes.Identity(_size_argument(function, arguments[0]), span=span)
    if len(arguments) not in (1, 2):
        raise AnswerError(f"The function ones at {_where(function)} takes one or two sizes, as in ones(n, 1)")
    sizes = [_size_argument(function, argument) for argument in arguments]
    rows, cols = (sizes[0], sizes[1]) if len(sizes) == 2 else (sizes[0], Dim.of(1))
    return nodes.Ones(rows, cols, span=span)


def _size_argument(function: Token, argument: Node) -> Dim:
    if isinstance(argument, nodes.DimensionValue):
        return Dim.of(argument.name)
    if isinstance(argument, nodes.Number):
        return _literal_size(argument.text, function)
    raise AnswerError(
        f"The sizes given to {function.value} at {_where(function)} must be dimension letters or whole "
        "numbers"
    )


def _written_size(token: Token) -> Dim | None:
    """The size written after ``I_`` or ``𝟏_`` (the token's value), or None for the context to decide."""
    if not token:
        return None
    if token.isdigit():
        return _literal_size(str(token), token)
    return Dim.of(str(token))


def _literal_size(text: str, token: Token) -> Dim:
    if text.isdigit() and 1 <= int(text) <= MAX_LITERAL_SIZE:
        return Dim.of(int(text))
    raise AnswerError(f"The size at {_where(token)} must be a whole number from 1 to {MAX_LITERAL_SIZE}")


class _Pretokenized(Lexer):
    """Hands lark the token list that ``lexer.tokenize`` already produced."""

    def __init__(self, lexer_conf: object) -> None:
        pass

    def lex(self, tokens: Sequence[Token], *args: object) -> Iterator[Token]:  # type: ignore[override]
        return iter(tokens)


def _lark(mode: Reading) -> Lark:
    return Lark(
        _GRAMMAR,
        parser="lalr",
        lexer=_Pretokenized,
        transformer=_Build(mode),
        strict=True,
        maybe_placeholders=False,
    )


_PARSERS: dict[Reading, Lark] = {"math": _lark("math"), "numpy": _lark("numpy")}


def parse(declaration: Declaration, text: str) -> Node:
    """The tree for ``text``; raises ``AnswerError`` with a position for anything unparseable."""
    return read(declaration, text).tree


def read(declaration: Declaration, text: str, mode: Reading | None = None) -> Parsed:
    """``text`` normalized and parsed, in the reading its markers call for unless ``mode`` is given."""
    return _read(declaration, text, mode)


@lru_cache(maxsize=4096)
def _read(declaration: Declaration, text: str, mode: Reading | None) -> Parsed:
    return parse_source(declaration, normalize(text), mode)


def parse_source(declaration: Declaration, source: Normalized, mode: Reading | None = None) -> Parsed:
    """Parse an already normalized ``source`` (``read`` without the normalization step)."""
    chosen = mode or reading(source.text)
    tokens = tokenize(declaration, source, chosen)
    if not tokens:
        raise AnswerError("The answer is empty")
    try:
        tree = cast(Node, _PARSERS[chosen].parse(tokens))  # the tokens themselves: see _Pretokenized
    except UnexpectedToken as error:
        raise AnswerError(_describe(error)) from None
    except UnexpectedInput as error:  # any other lark complaint, phrased generically
        raise AnswerError(
            f"The expression could not be read near {source.position(_position_of(error))}"
        ) from None
    return Parsed(tree, source, chosen)


def _position_of(error: UnexpectedInput) -> int:
    """Where lark gave up; its annotations say None, but a complaint about a token carries the index."""
    position: object = getattr(error, "pos_in_stream", None)
    return position if isinstance(position, int) else 0


def _describe(error: UnexpectedToken) -> str:
    token = error.token
    if token.type == "$END":
        missing = sorted(_TOKEN_NAMES[name] for name in error.expected if name in _TOKEN_NAMES)
        if missing:
            return f"The expression ends early: a closing {' or '.join(missing)} is missing"
        return "The expression ends early: something is missing after the last operator"
    if token.type == "COMMA":
        return f"Unexpected ',' at {_where(token)}: commas only separate the arguments of a function"
    return f"Unexpected '{token.value}' at {_where(token)}"
