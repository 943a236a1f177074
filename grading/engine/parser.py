"""Parse answer text into the ``nodes`` tree with a LALR(1) lark grammar.

``lexer`` produces the tokens (it knows the question's names); this grammar only fixes precedence:
``+ -`` < ``* / ⊗ ∘`` and juxtaposition (left to right) < unary minus < function application < postfix
transpose and powers. A function name followed by something other than ``(`` applies to the next factor
with its postfix operators (``log det X``, ``\\sqrt{x}``, ``tr A^T`` = tr(Aᵀ)).

The tree is built by callbacks that lark runs on each reduction, so building it does not recurse and a long
answer cannot exhaust the Python stack; the depth of the result is capped instead.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from lark import Lark, Token
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from . import nodes
from .dims import Dim
from .errors import AnswerError
from .lexer import MAX_NESTING, position, tokenize
from .nodes import Node
from .symbols import Declaration

MAX_DEPTH = 2 * MAX_NESTING
MAX_EXPONENT = 64
MAX_LITERAL_SIZE = 64  # I_n and ones(n, 1) with a number

_GRAMMAR = r"""
%declare NUMBER NAME DIM FUNC IDENTITY PLUS MINUS STAR SLASH KRON HADAMARD CARET TRANSPOSE INVTRANSPOSE
%declare LPAR RPAR LBRACK RBRACK LBRACE RBRACE COMMA FRAC

?start: sum

?sum: term
    | sum PLUS term             -> add
    | sum MINUS term            -> add

?term: unary
     | term STAR unary          -> operate
     | term SLASH unary         -> operate
     | term KRON unary          -> operate
     | term HADAMARD unary      -> operate
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

?bare: bare_postfix
     | FUNC bare                -> apply

?bare_postfix: bare_primary
             | bare_postfix TRANSPOSE       -> transpose
             | bare_postfix INVTRANSPOSE    -> inverse_transpose
             | bare_postfix CARET exponent  -> power

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
             | brace_group
             | FUNC LPAR arguments RPAR     -> call
             | FRAC brace_group brace_group -> fraction

paren_group: LPAR sum RPAR
           | LBRACK sum RBRACK
brace_group: LBRACE sum RBRACE
arguments: sum (COMMA sum)*
"""

_OPERATORS = {"STAR": nodes.MATMUL, "SLASH": nodes.DIVIDE, "KRON": nodes.KRON, "HADAMARD": nodes.HADAMARD}
_ARITY = {"kron": 2, "hadamard": 2}
_TOKEN_NAMES = {"RPAR": "')'", "RBRACK": "']'", "RBRACE": "'}'"}


def _span(first: Node | Token, last: Node | Token) -> tuple[int, int]:
    start = first.span[0] if isinstance(first, Node) else first.start_pos
    end = last.span[1] if isinstance(last, Node) else last.end_pos
    return (start, end)


def _depth(*parts: Node) -> int:
    depth = 1 + max(part.depth for part in parts)
    if depth > MAX_DEPTH:
        raise AnswerError(f"the expression is nested too deeply (more than {MAX_DEPTH} levels)")
    return depth


class _Build:
    """Reduction callbacks: each receives the children of one grammar rule and returns a node."""

    @staticmethod
    def number(children):
        (token,) = children
        return nodes.Number(float(token), str(token), span=_span(token, token))

    @staticmethod
    def name(children):
        (token,) = children
        return nodes.Symbol(str(token), span=_span(token, token))

    @staticmethod
    def dimension(children):
        (token,) = children
        return nodes.DimensionValue(str(token), span=_span(token, token))

    @staticmethod
    def identity(children):
        (token,) = children  # its value is the size written after I_, if any
        if not token:
            size = None
        elif token.isdigit():
            size = _literal_size(token, token)
        else:
            size = Dim.of(str(token))
        return nodes.Identity(size, span=_span(token, token))

    @staticmethod
    def paren_group(children):
        opening, inner, closing = children
        return _respan(inner, _span(opening, closing))

    brace_group = paren_group

    @staticmethod
    def arguments(children):
        return tuple(child for child in children if isinstance(child, Node))

    @staticmethod
    def add(children):
        left, operator, right = children
        sign = -1 if operator.type == "MINUS" else 1
        if isinstance(left, nodes.Sum):
            terms, signs, depth = (*left.terms, right), (*left.signs, sign), max(left.depth, _depth(right))
        else:
            terms, signs, depth = (left, right), (1, sign), _depth(left, right)
        return nodes.Sum(terms, signs, span=_span(left, right), depth=depth)

    @staticmethod
    def operate(children):
        left, operator, right = children
        return _chain(left, _OPERATORS[operator.type], right)

    @staticmethod
    def juxtapose(children):
        left, right = children
        return _chain(left, nodes.JUXTAPOSE, right)

    @staticmethod
    def negate(children):
        sign, operand = children
        return nodes.Negate(operand, span=_span(sign, operand), depth=_depth(operand))

    @staticmethod
    def plus(children):
        sign, operand = children
        return _respan(operand, _span(sign, operand))

    @staticmethod
    def transpose(children):
        operand, mark = children
        return nodes.Transpose(operand, span=_span(operand, mark), depth=_depth(operand))

    @staticmethod
    def inverse_transpose(children):
        operand, mark = children
        inverse = _inverse(operand, _span(operand, mark), _span(mark, mark))
        return nodes.Transpose(inverse, span=inverse.span, depth=_depth(inverse))

    @staticmethod
    def power(children):
        base, caret, exponent = children
        if _ends_with_exponent(base):
            raise AnswerError(
                f"two exponents in a row at {_where(caret)} are ambiguous: add brackets, as in (c^2)^3"
            )
        value = nodes.constant_value(exponent)
        if value is not None and abs(value) > MAX_EXPONENT:
            raise AnswerError(
                f"the exponent at {_where(caret)} is too large: its magnitude may be at most {MAX_EXPONENT}"
            )
        return nodes.Power(base, exponent, span=_span(base, exponent), depth=_depth(base, exponent))

    @staticmethod
    def fraction(children):
        command, numerator, denominator = children
        return _respan(_chain(numerator, nodes.DIVIDE, denominator), _span(command, denominator))

    @staticmethod
    def call(children):
        function, _opening, arguments, closing = children
        return _apply(function, arguments, _span(function, closing))

    @staticmethod
    def apply(children):
        function, argument = children
        if _ARITY.get(function.value, 1) != 1 or function.value == "ones":
            raise AnswerError(
                f"{function} at {_where(function)} needs parentheses, as in {_usage(function.value)}"
            )
        return _apply(function, (argument,), _span(function, argument))


def _where(token: Token) -> str:
    return f"column {token.column}" if token.line == 1 else f"line {token.line}, column {token.column}"


def _usage(function: str) -> str:
    return {"kron": "kron(A, B)", "hadamard": "hadamard(A, B)", "ones": "ones(n, 1)"}.get(
        function, f"{function}(X)"
    )


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
    return isinstance(node, nodes.Power) and node.span[1] == node.exponent.span[1]


def _inverse(operand: Node, span: tuple[int, int], written: tuple[int, int]) -> nodes.Power:
    """``Power(operand, -1)`` for ``inv(…)`` or ``^{-T}``; the -1 spans the text ``written`` for it."""
    minus_one = nodes.Number(-1.0, "-1", span=written)
    return nodes.Power(operand, minus_one, span=span, depth=_depth(operand))


def _apply(function: Token, arguments: tuple[Node, ...], span: tuple[int, int]) -> Node:
    name = function.value
    if name == "ones":
        return _ones(function, arguments, span)
    expected = _ARITY.get(name, 1)
    if len(arguments) != expected:
        count = "one argument" if expected == 1 else f"{expected} arguments"
        raise AnswerError(f"{name} at {_where(function)} takes {count}, as in {_usage(name)}")
    if name == "kron":
        return _respan(_chain(arguments[0], nodes.KRON, arguments[1]), span)
    if name == "hadamard":
        return _respan(_chain(arguments[0], nodes.HADAMARD, arguments[1]), span)
    if name == "inv":
        return _inverse(arguments[0], span, _span(function, function))
    if name == "transpose":
        return nodes.Transpose(arguments[0], span=span, depth=_depth(arguments[0]))
    return nodes.Call(name, arguments, span=span, depth=_depth(*arguments))


def _ones(function: Token, arguments: tuple[Node, ...], span: tuple[int, int]) -> nodes.Ones:
    if len(arguments) not in (1, 2):
        raise AnswerError(f"ones at {_where(function)} takes one or two sizes, as in ones(n, 1)")
    sizes = [_size_argument(function, argument) for argument in arguments]
    rows, cols = (sizes[0], sizes[1]) if len(sizes) == 2 else (sizes[0], Dim.of(1))
    return nodes.Ones(rows, cols, span=span)


def _size_argument(function: Token, argument: Node) -> Dim:
    if isinstance(argument, nodes.DimensionValue):
        return Dim.of(argument.name)
    if isinstance(argument, nodes.Number):
        return _literal_size(argument.text, function)
    raise AnswerError(
        f"the sizes given to ones at {_where(function)} must be dimension letters or whole numbers"
    )


def _literal_size(text: str, token: Token) -> Dim:
    if text.isdigit() and 1 <= int(text) <= MAX_LITERAL_SIZE:
        return Dim.of(int(text))
    raise AnswerError(f"the size at {_where(token)} must be a whole number from 1 to {MAX_LITERAL_SIZE}")


class _Pretokenized(Lexer):
    """Hands lark the token list that ``lexer.tokenize`` already produced."""

    def __init__(self, lexer_conf):
        pass

    def lex(self, tokens):
        return iter(tokens)


_PARSER = Lark(
    _GRAMMAR,
    parser="lalr",
    lexer=_Pretokenized,
    transformer=_Build(),
    strict=True,
    maybe_placeholders=False,
)


def parse(declaration: Declaration, text: str) -> Node:
    """The tree for ``text``; raises ``AnswerError`` with a position for anything unparseable."""
    return _parse(declaration, text)


@lru_cache(maxsize=4096)
def _parse(declaration: Declaration, text: str) -> Node:
    tokens = tokenize(declaration, text)
    if not tokens:
        raise AnswerError("the answer is empty")
    try:
        return _PARSER.parse(tokens)
    except UnexpectedToken as error:
        raise AnswerError(_describe(error, text)) from None
    except UnexpectedInput as error:  # any other lark complaint, phrased generically
        raise AnswerError(
            f"the expression could not be read near {position(text, error.pos_in_stream or 0)}"
        ) from None


def _describe(error: UnexpectedToken, text: str) -> str:
    token = error.token
    if token.type == "$END":
        missing = sorted(_TOKEN_NAMES[name] for name in error.expected if name in _TOKEN_NAMES)
        if missing:
            return f"the expression ends early: a closing {' or '.join(missing)} is missing"
        return "the expression ends early: something is missing after the last operator"
    return f"unexpected '{token.value}' at {_where(token)}"
