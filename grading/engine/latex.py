"""Render a parsed answer as LaTeX, for the live "interpreted as" preview.

The rendering shows the engine's reading, not the learner's spelling: ``A'``, ``A.T`` and ``transpose(A)`` all
come out as ``A^{\\top}``, and brackets appear wherever the grouping would otherwise be unclear, e.g. the
left-to-right grouping of ``kron(A, B) x`` shows as ``\\left(A \\otimes B\\right) x``. NumPy's entrywise
``*``, ``/`` and ``**`` come out as ``\\odot``, ``\\oslash`` and ``^{\\circ k}`` (a number factor or
divisor just scales: ``2 \\cdot x``, ``\\frac{x}{2}``), so a learner sees that ``x.T * A * x`` was not read
as a matrix product; ``np.linalg.pinv(A)`` is ``A^{+}``, ``A\\b`` is ``A^{-1} b``.
"""

from __future__ import annotations

from . import nodes
from .dims import Dim
from .nodes import Node

_GREEK = frozenset(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau upsilon phi "
    "chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split()
)
_OPERATOR_NAMES = {
    "tr": r"\operatorname{tr}",
    "det": r"\det",
    "log": r"\log",
    "exp": r"\exp",
    "tanh": r"\tanh",
    "sigmoid": r"\sigma",
    "vec": r"\operatorname{vec}",
    "diag": r"\operatorname{diag}",
    "sum": r"\operatorname{sum}",
}
_PRODUCT_SYMBOLS = {
    nodes.KRON: r" \otimes ",
    nodes.HADAMARD: r" \circ ",
    nodes.BROADCAST: r" \odot ",
    nodes.BROADCAST_DIVIDE: r" \oslash ",
}
_SCALARS = (nodes.Number, nodes.DimensionValue)


def to_latex(node: Node) -> str:
    match node:
        case nodes.Symbol(name=name):
            return _name(name)
        case nodes.Number(text=text):
            return text
        case nodes.DimensionValue(name=name):
            return _name(name)
        case nodes.Identity(size=size):
            return "I" if size is None else f"I_{{{_dim(size)}}}"
        case nodes.Ones(rows=rows, cols=cols):
            return r"\mathbf{1}" if rows is None else rf"\mathbf{{1}}_{{{_dim(rows)} \times {_dim(cols)}}}"
        case nodes.Negate(operand=operand):
            return "-" + _wrapped(operand, isinstance(operand, (nodes.Sum, nodes.Negate)))
        case nodes.Sum():
            return _sum(node)
        case nodes.Product():
            return _product(node)
        case nodes.Transpose(operand=nodes.Power(base=base, exponent=exponent)) if _is_minus_one(exponent):
            return _base(base) + r"^{-\top}"
        case nodes.Transpose(operand=operand):
            return _base(operand) + r"^{\top}"
        case nodes.Power(base=base, exponent=exponent):
            return f"{_base(base)}^{{{to_latex(exponent)}}}"
        case nodes.EntrywisePower(base=base, exponent=exponent):
            return f"{_base(base)}^{{\\circ {to_latex(exponent)}}}"
        case nodes.Call():
            return _call(node)
    raise AssertionError(f"no LaTeX for {type(node).__name__}")


def _name(name: str) -> str:
    stem, _, subscript = name.partition("_")
    head = f"\\{stem}" if stem in _GREEK else stem if len(stem) == 1 else rf"\mathrm{{{stem}}}"
    return f"{head}_{{{subscript}}}" if subscript else head


def _dim(size: Dim) -> str:
    return str(size).replace("·", r" \cdot ")


def _paren(latex: str) -> str:
    return rf"\left({latex}\right)"


def _wrapped(node: Node, needed: bool) -> str:
    latex = to_latex(node)
    return _paren(latex) if needed else latex


def _is_minus_one(node: Node) -> bool:
    return nodes.constant_value(node) == -1


def _base(node: Node) -> str:
    """A base for ``^``: anything but a name, a number, I or a function call gets brackets."""
    atomic = isinstance(node, (nodes.Symbol, nodes.DimensionValue, nodes.Identity, nodes.Call, nodes.Ones))
    atomic = atomic or (isinstance(node, nodes.Number) and node.value >= 0)
    latex = to_latex(node)
    return latex if atomic else _paren(latex)


def _sum(node: nodes.Sum) -> str:
    parts = []
    for index, (sign, term) in enumerate(zip(node.signs, node.terms, strict=True)):
        latex = _wrapped(term, isinstance(term, nodes.Sum) or (index > 0 and isinstance(term, nodes.Negate)))
        if index == 0:
            parts.append(latex if sign > 0 else "-" + latex)
        else:
            parts.append((" + " if sign > 0 else " - ") + latex)
    return "".join(parts)


def _product(node: nodes.Product) -> str:
    latex = _factor(node.factors[0], first=True)
    previous = None
    for index, (written, factor) in enumerate(zip(node.operators, node.factors[1:], strict=True)):
        operator = _shown(written, index == 0 and isinstance(node.factors[0], _SCALARS), factor)
        if operator == nodes.DIVIDE:
            latex = rf"\frac{{{latex}}}{{{to_latex(factor)}}}"
        else:
            kind = _PRODUCT_SYMBOLS.get(operator, " ")
            if previous is not None and previous != kind and previous != "frac":
                latex = _paren(latex)  # the left-to-right grouping changes kind here: make it visible
            right = _factor(factor, first=False)
            if kind == " " and _is_number(factor):
                kind = r" \cdot "
            latex = latex + kind + right
        previous = "frac" if operator == nodes.DIVIDE else _PRODUCT_SYMBOLS.get(operator, " ")
    return latex


def _shown(operator: str, after_a_number: bool, factor: Node) -> str:
    """NumPy's ``*`` and ``/`` with a number are plain scaling and division: show them so."""
    if operator == nodes.BROADCAST_DIVIDE and isinstance(factor, _SCALARS):
        return nodes.DIVIDE
    if operator == nodes.BROADCAST and (after_a_number or isinstance(factor, _SCALARS)):
        return nodes.MATMUL
    return operator


def _is_number(node: Node) -> bool:
    return isinstance(node, nodes.Number)


def _factor(node: Node, first: bool) -> str:
    needs = isinstance(node, (nodes.Sum, nodes.Product)) or (not first and isinstance(node, nodes.Negate))
    return _wrapped(node, needs)


def _call(node: nodes.Call) -> str:
    if node.function == "dot":
        first, second = node.args
        return f"{_factor(first, first=True)} \\cdot {_factor(second, first=False)}"
    if node.function == "outer":
        first, second = node.args
        return f"{_factor(first, first=True)} {_base(second)}^{{\\top}}"
    (argument,) = node.args
    inner = to_latex(argument)
    if node.function in ("sqrt", "esqrt"):
        return rf"\sqrt{{{inner}}}"
    if node.function in ("abs", "eabs", "bars"):
        return rf"\left|{inner}\right|"
    if node.function == "pinv":
        return f"{_base(argument)}^{{+}}"
    if node.function == "norm":
        return rf"\left\|{inner}\right\|"
    return _OPERATOR_NAMES[node.function] + _paren(inner)
