"""Randomized question variants: parameters drawn from a per-attempt seed and substituted into texts.

A question declares its parameters as a mapping; a derived (``expr``) parameter may use any other one::

    {"a": {"int": [2, 9]},
     "b": {"int": [-5, 5], "exclude": [0]},
     "s": {"choice": [1, 2, 3.5]},
     "M": {"int_matrix": {"rows": 2, "cols": 2, "min": -4, "max": 4}, "invertible": True},
     "c": {"expr": "a*b + 1"},
     "Minv": {"expr": "inv(M)"}}

The mapping's order carries no meaning (PostgreSQL's jsonb does not keep it): random parameters are drawn
in the order of their names, then derived ones once what they use is known. ``draw(parameters, seed)`` gives
the values (Python ints, floats and strings, numpy 2-D arrays) and
``substitute(text, values)`` writes them into ``{{ name }}`` placeholders. Derived ``expr`` parameters are
evaluated by walking a whitelisted Python ``ast``, never by ``eval``. Every number stays within ±10⁹, which
keeps integer matrix products inside int64 and the texts readable.
"""

from __future__ import annotations

import ast
import functools
import keyword
import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np

type Value = int | float | str | np.ndarray

LIMIT = 10**9
MAX_MATRIX_SIZE = 6
INVERTIBLE_TRIES = 100
MAX_EXPONENT = 64
MAX_EXPRESSION_LENGTH = 500
# validate() draws with these seeds, so that a problem showing only for some variants is found early.
VALIDATION_SEEDS = range(100)

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PLACEHOLDER = re.compile(r"\{\{\s*(" + _NAME.pattern + r")\s*\}\}")
_KIND_OPTIONS = {"int": {"exclude"}, "choice": set(), "int_matrix": {"invertible"}, "expr": set()}
_MATRIX_KEYS = {"rows", "cols", "min", "max"}


class ParameterError(ValueError):
    """A parameter declaration or a text using parameters is broken; only the question's author can fix it."""


# --- Drawing ---------------------------------------------------------------------------------------------


def draw(parameters: dict[str, dict], seed: int) -> dict[str, Value]:
    """The values of one variant: the same seed always gives the same values."""
    if not isinstance(parameters, dict):
        raise ParameterError("parameters must be a mapping from names to declarations")
    rng = np.random.default_rng(seed)
    values: dict[str, Value] = {}
    for name in _drawing_order(parameters):
        values[name] = _draw_parameter(name, parameters[name], values, rng)
    return {name: values[name] for name in parameters}


def _drawing_order(parameters: dict[str, dict]) -> list[str]:
    """Random parameters by name, then derived ones after the parameters they use (by name among equals).

    A derived parameter caught in a cycle, or using an unknown name, comes last, where evaluating it
    reports the unknown name.
    """
    random = sorted(name for name, declaration in parameters.items() if not _is_derived(declaration))
    pending = sorted(name for name, declaration in parameters.items() if _is_derived(declaration))
    order = list(random)
    while pending:
        ready = [name for name in pending if _references(parameters[name]) <= set(order)]
        if not ready:
            return order + pending
        order.append(ready[0])
        pending.remove(ready[0])
    return order


def _is_derived(declaration: Any) -> bool:
    return isinstance(declaration, dict) and "expr" in declaration


def validate(parameters: dict[str, dict]) -> list[str]:
    """Messages for the author describing what is wrong with a declaration; empty when it is usable.

    Each broken parameter is reported once; parameters derived from a broken one are not reported again.
    """
    if not isinstance(parameters, dict):
        return ["parameters must be a mapping from names to declarations"]
    for seed in VALIDATION_SEEDS:
        problems = _problems_with_seed(parameters, seed)
        if problems:
            if seed != VALIDATION_SEEDS[0]:
                problems = [
                    f"{problem} (this happens for some variants, e.g. seed {seed})" for problem in problems
                ]
            return problems
    return []


def _problems_with_seed(parameters: dict[str, dict], seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    values: dict[str, Value] = {}
    broken: set[str] = set()
    problems = []
    for name in _drawing_order(parameters):
        declaration = parameters[name]
        if _references(declaration) & broken:
            broken.add(name)
            continue
        try:
            values[name] = _draw_parameter(name, declaration, values, rng)
        except ParameterError as error:
            problems.append(str(error))
            broken.add(name)
    return problems


def _references(declaration: Any) -> frozenset[str]:
    """The names an ``expr`` declaration mentions; empty for other kinds or for an unparsable expression."""
    try:
        return _names_in(declaration["expr"])
    except (TypeError, KeyError):
        return frozenset()


@functools.lru_cache(maxsize=4096)
def _names_in(expression: str) -> frozenset[str]:
    # Validation draws many seeds of the same declarations: parse each expression once.
    try:
        tree = ast.parse(expression, mode="eval")
    except (SyntaxError, RecursionError, ValueError):
        return frozenset()
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    return frozenset(
        node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and id(node) not in called
    )


def _draw_parameter(
    name: str, declaration: Any, earlier: dict[str, Value], rng: np.random.Generator
) -> Value:
    try:
        _check_name(name)
        kind = _kind_of(declaration)
        match kind:
            case "int":
                return _draw_int(declaration["int"], declaration.get("exclude", []), rng)
            case "choice":
                return _draw_choice(declaration["choice"], rng)
            case "int_matrix":
                return _draw_matrix(declaration["int_matrix"], declaration.get("invertible", False), rng)
            case "expr":
                return _derive(declaration["expr"], earlier)
    except ParameterError as error:
        raise ParameterError(f"parameter {name!r}: {error}") from None


def _check_name(name: Any) -> None:
    if not isinstance(name, str) or not _NAME.fullmatch(name) or keyword.iskeyword(name):
        raise ParameterError("a name must be letters, digits and underscores, starting with a letter")


def _kind_of(declaration: Any) -> str:
    if not isinstance(declaration, dict):
        raise ParameterError("the declaration must be a mapping such as {'int': [1, 9]}")
    kinds = [key for key in declaration if key in _KIND_OPTIONS]
    if len(kinds) != 1:
        raise ParameterError(
            f"declare exactly one kind out of {', '.join(_KIND_OPTIONS)}; got {list(declaration)}"
        )
    kind = kinds[0]
    unknown = set(declaration) - {kind} - _KIND_OPTIONS[kind]
    if unknown:
        raise ParameterError(
            f"unknown option {', '.join(sorted(map(str, unknown)))} for a {kind!r} parameter"
        )
    return kind


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_bounds(low: Any, high: Any) -> None:
    if not (_is_integer(low) and _is_integer(high)):
        raise ParameterError(f"the bounds must be integers, got {low!r} and {high!r}")
    if low > high:
        raise ParameterError(f"min {low} is greater than max {high}")
    if max(abs(low), abs(high)) > LIMIT:
        raise ParameterError(f"the bounds must lie between -{LIMIT} and {LIMIT}")


def _draw_int(bounds: Any, exclude: Any, rng: np.random.Generator) -> int:
    if not (isinstance(bounds, list | tuple) and len(bounds) == 2):
        raise ParameterError(f"'int' needs [min, max], got {bounds!r}")
    low, high = bounds
    _check_bounds(low, high)
    if not (isinstance(exclude, list | tuple) and all(_is_integer(value) for value in exclude)):
        raise ParameterError(f"'exclude' must be a list of integers, got {exclude!r}")
    excluded = sorted({value for value in exclude if low <= value <= high})
    allowed = high - low + 1 - len(excluded)
    if allowed == 0:
        raise ParameterError(f"every integer in [{low}, {high}] is excluded")
    # The k-th allowed integer, found by stepping over the excluded ones below it: one draw, no retries.
    value = low + int(rng.integers(allowed))
    for skipped in excluded:
        if skipped <= value:
            value += 1
    return value


def _draw_choice(options: Any, rng: np.random.Generator) -> int | float | str:
    if not isinstance(options, list | tuple) or not options:
        raise ParameterError("'choice' needs a non-empty list of numbers or strings")
    for option in options:
        if not (isinstance(option, str) or (_is_number(option) and abs(option) <= LIMIT)):
            raise ParameterError(f"choice {option!r} is neither a string nor a number within ±{LIMIT}")
    return options[int(rng.integers(len(options)))]


def _draw_matrix(spec: Any, invertible: Any, rng: np.random.Generator) -> np.ndarray:
    if not (isinstance(spec, dict) and set(spec) == _MATRIX_KEYS):
        raise ParameterError("'int_matrix' needs exactly rows, cols, min and max")
    rows, cols = spec["rows"], spec["cols"]
    for size in (rows, cols):
        if not (_is_integer(size) and 1 <= size <= MAX_MATRIX_SIZE):
            raise ParameterError(f"rows and cols must be integers from 1 to {MAX_MATRIX_SIZE}, got {size!r}")
    _check_bounds(spec["min"], spec["max"])
    if not isinstance(invertible, bool):
        raise ParameterError(f"'invertible' must be true or false, got {invertible!r}")
    if invertible and rows != cols:
        raise ParameterError(f"an invertible matrix must be square, not {rows}×{cols}")
    for _ in range(INVERTIBLE_TRIES if invertible else 1):
        matrix = rng.integers(spec["min"], spec["max"] + 1, size=(rows, cols))
        if not invertible or abs(_snap(float(np.linalg.det(matrix)))) >= 1:
            return matrix
    raise ParameterError(
        f"no invertible matrix after {INVERTIBLE_TRIES} draws; widen the range [{spec['min']}, {spec['max']}]"
    )


# --- Derived parameters: a whitelisting evaluator over Python's ast --------------------------------------


def _derive(expression: Any, earlier: dict[str, Value]) -> Value:
    if not isinstance(expression, str) or not expression.strip():
        raise ParameterError("'expr' needs an expression such as 'a*b + 1'")
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise ParameterError(f"the expression is longer than {MAX_EXPRESSION_LENGTH} characters")
    try:
        return _evaluate(_parse(expression.strip()).body, earlier)
    except RecursionError:
        raise ParameterError(f"{expression!r} is nested too deeply") from None


@functools.lru_cache(maxsize=4096)
def _parse(expression: str) -> ast.Expression:
    """The parsed expression, cached (trees are only read); errors are raised for the author."""
    try:
        return ast.parse(expression, mode="eval")
    except SyntaxError as error:
        raise ParameterError(f"{expression!r} is not a valid expression ({error.msg})") from None
    except (RecursionError, ValueError):
        raise ParameterError(f"{expression!r} is nested too deeply") from None


def _evaluate(node: ast.AST, values: dict[str, Value]) -> Value:
    """Every node's value passes through here, so limits and tidying hold at each step, not just the end."""
    result = _tidy(_evaluate_node(node, values))
    _check_magnitude(result)
    return result


def _evaluate_node(node: ast.AST, values: dict[str, Value]) -> Value:
    match node:
        case ast.Constant(value=number) if _is_number(number):
            return number
        case ast.Name(id=name):
            if name not in values:
                raise ParameterError(f"{name!r} is not a declared parameter, or it depends on this one")
            return values[name]
        case ast.UnaryOp(op=ast.USub(), operand=operand):
            return _negate(_evaluate(operand, values))
        case ast.UnaryOp(op=ast.UAdd(), operand=operand):
            return _numeric(_evaluate(operand, values))
        case ast.BinOp(left=left, op=op, right=right) if type(op) in _OPERATORS:
            return _OPERATORS[type(op)](_evaluate(left, values), _evaluate(right, values))
        case ast.Attribute(value=operand, attr="T"):
            return _transpose(_evaluate(operand, values))
        case ast.Attribute(attr=attribute):
            raise ParameterError(f"'.{attribute}' is not allowed; the only attribute is '.T'")
        case ast.Call(func=ast.Name(id=function), args=args, keywords=[]) if function in _FUNCTIONS:
            if any(isinstance(argument, ast.Starred) for argument in args):
                raise ParameterError(f"{function}() takes plain arguments")
            return _call(function, [_evaluate(argument, values) for argument in args])
        case ast.Call(func=ast.Name(id=function), keywords=[]):
            raise ParameterError(f"unknown function {function!r}; use one of {', '.join(_FUNCTIONS)}")
        case ast.Call(keywords=[_, *_]):
            raise ParameterError("functions take plain arguments, not keywords")
        case _:
            raise ParameterError(
                f"not allowed: {ast.unparse(node)}; use numbers, earlier parameters, + - * / ** @, "
                f"parentheses, .T and the functions {', '.join(_FUNCTIONS)}"
            )


def _tidy(value: Value | np.generic) -> Value:
    """numpy scalars become Python numbers, so values print and compare like the ones authors write."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _check_magnitude(value: Value) -> None:
    if isinstance(value, str):
        return
    if isinstance(value, int):  # exact, however large: checked before anything converts it to int64
        within = abs(value) <= LIMIT
    else:
        if not np.all(np.isfinite(value)):
            raise ParameterError("the result is not a finite number")
        within = np.all(np.abs(value) <= LIMIT)
    if not within:
        raise ParameterError(f"a value exceeds ±{LIMIT}")


def _snap(number: float) -> int | float:
    """A float within 1e-9 (relative, for large values) of an integer is that integer."""
    nearest = round(number)
    return int(nearest) if abs(number - nearest) <= 1e-9 * max(1.0, abs(number)) else number


def _describe_value(value: Value) -> str:
    if isinstance(value, np.ndarray):
        return f"a {value.shape[0]}×{value.shape[1]} matrix"
    return repr(value) if isinstance(value, str) else "a number"


def _numeric(value: Value) -> int | float | np.ndarray:
    if isinstance(value, str):
        raise ParameterError(f"arithmetic needs numbers or matrices, not the text {value!r}")
    return value


def _number(value: Value, function: str) -> int | float:
    if isinstance(_numeric(value), np.ndarray):
        raise ParameterError(f"{function} needs a number, not {_describe_value(value)}")
    return value


def _matrix(value: Value, function: str, *, square: bool = False) -> np.ndarray:
    if not isinstance(_numeric(value), np.ndarray):
        raise ParameterError(f"{function} needs a matrix, not {_describe_value(value)}")
    if square and value.shape[0] != value.shape[1]:
        raise ParameterError(f"{function} needs a square matrix, not {_describe_value(value)}")
    return value


def _is_integral(value: int | float | np.ndarray) -> bool:
    return _is_integer(value) or (isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.integer))


def _elementwise(symbol: str, left: Value, right: Value) -> tuple[Any, Any]:
    left, right = _numeric(left), _numeric(right)
    if isinstance(left, np.ndarray) and isinstance(right, np.ndarray) and left.shape != right.shape:
        raise ParameterError(f"{_describe_value(left)} {symbol} {_describe_value(right)}: the sizes differ")
    return left, right


def _add(left: Value, right: Value) -> Value:
    left, right = _elementwise("+", left, right)
    return left + right


def _subtract(left: Value, right: Value) -> Value:
    left, right = _elementwise("-", left, right)
    return left - right


def _multiply(left: Value, right: Value) -> Value:
    left, right = _elementwise("*", left, right)
    return left * right


def _divide(left: Value, right: Value) -> Value:
    """True division, except that an exact quotient of integers stays an integer (6/3 is 2, 7/2 is 3.5)."""
    left, right = _elementwise("/", left, right)
    if np.any(np.asarray(right) == 0):
        raise ParameterError("division by zero")
    if _is_integral(left) and _is_integral(right) and np.all(np.remainder(left, right) == 0):
        return np.floor_divide(left, right)
    return np.true_divide(left, right)


def _power(base: Value, exponent: Value) -> Value:
    if isinstance(_numeric(base), np.ndarray) or isinstance(_numeric(exponent), np.ndarray):
        raise ParameterError("** works on numbers; write M @ M for a matrix product")
    if abs(exponent) > MAX_EXPONENT:
        raise ParameterError(f"the exponent {exponent} is larger than {MAX_EXPONENT}")
    try:
        result = base**exponent
    except ZeroDivisionError:
        raise ParameterError("0 cannot be raised to a negative power") from None
    except OverflowError:
        raise ParameterError(f"a value exceeds ±{LIMIT}") from None
    if isinstance(result, complex):
        raise ParameterError("a negative number to a fractional power is not a real number")
    return result


def _matmul(left: Value, right: Value) -> np.ndarray:
    left, right = _matrix(left, "@"), _matrix(right, "@")
    if left.shape[1] != right.shape[0]:
        raise ParameterError(f"cannot multiply {_describe_value(left)} by {_describe_value(right)} with @")
    return left @ right


def _negate(value: Value) -> Value:
    return -_numeric(value)


_OPERATORS: dict[type, Callable[[Value, Value], Value]] = {
    ast.Add: _add,
    ast.Sub: _subtract,
    ast.Mult: _multiply,
    ast.Div: _divide,
    ast.Pow: _power,
    ast.MatMult: _matmul,
}


def _transpose(value: Value) -> Value:
    return _numeric(value).T if isinstance(value, np.ndarray) else _numeric(value)


def _det(matrix: Value) -> int | float:
    return _snap(float(np.linalg.det(_matrix(matrix, "det()", square=True))))


def _inv(matrix: Value) -> np.ndarray:
    if _det(matrix) == 0:
        raise ParameterError("inv() needs an invertible matrix; this one is singular")
    inverse = np.linalg.inv(matrix)
    rounded = np.rint(inverse)
    if np.all(np.abs(inverse - rounded) <= 1e-9 * np.maximum(1.0, np.abs(inverse))):
        return rounded.astype(np.int64)
    return inverse


def _trace(matrix: Value) -> int | float:
    return np.trace(_matrix(matrix, "trace()", square=True))


def _sqrt(number: Value) -> int | float:
    number = _number(number, "sqrt()")
    if number < 0:
        raise ParameterError(f"sqrt() of the negative number {number}")
    return _snap(math.sqrt(number))


def _abs(value: Value) -> Value:
    return np.abs(_numeric(value))


def _round(value: Value, digits: Value = 0) -> Value:
    if not (_is_integer(digits) and 0 <= digits <= 10):
        raise ParameterError("round() takes a number of digits from 0 to 10")
    value = _numeric(value)
    if isinstance(value, np.ndarray):
        rounded = np.round(value, digits)
        return rounded.astype(np.int64) if digits == 0 else rounded
    return round(value, digits) if digits else round(value)


def _entries(arguments: list[Value]) -> list[int | float]:
    return [entry for argument in arguments for entry in np.ravel(_numeric(argument)).tolist()]


_FUNCTIONS: dict[str, tuple[Callable[..., Value], int, int]] = {
    # name: (implementation, fewest arguments, most arguments)
    "det": (_det, 1, 1),
    "inv": (_inv, 1, 1),
    "transpose": (_transpose, 1, 1),
    "trace": (_trace, 1, 1),
    "sqrt": (_sqrt, 1, 1),
    "abs": (_abs, 1, 1),
    "round": (_round, 1, 2),
    # min, max and sum work over all entries of all their arguments: max(M) is M's largest entry.
    "min": (lambda *arguments: min(_entries(list(arguments))), 1, 10),
    "max": (lambda *arguments: max(_entries(list(arguments))), 1, 10),
    "sum": (lambda *arguments: sum(_entries(list(arguments))), 1, 10),
}


def _call(function: str, arguments: list[Value]) -> Value:
    implementation, fewest, most = _FUNCTIONS[function]
    if not fewest <= len(arguments) <= most:
        expected = str(fewest) if fewest == most else f"{fewest} to {most}"
        raise ParameterError(f"{function}() takes {expected} argument(s), got {len(arguments)}")
    return implementation(*arguments)


# --- Substitution ----------------------------------------------------------------------------------------


def placeholders(text: str) -> set[str]:
    """The parameter names a text mentions as ``{{name}}`` or ``{{ name }}``."""
    return set(_PLACEHOLDER.findall(text))


def substitute(text: str, values: dict[str, Value], *, key: bool = False) -> str:
    """``text`` with every ``{{name}}`` replaced by its value.

    Texts learners read (``key=False``) get matrices as LaTeX ``bmatrix``; answer keys (``key=True``) get them
    as ``[[1, 2], [3, 4]]``, the form the answer parser reads.
    """
    unknown = placeholders(text) - values.keys()
    if unknown:
        raise ParameterError(f"unknown parameter {', '.join('{{' + name + '}}' for name in sorted(unknown))}")
    return _PLACEHOLDER.sub(lambda match: format_value(values[match.group(1)], key=key), text)


def format_number(number: int | float | np.number) -> str:
    """Integers as integers; other floats with up to 10 significant digits and no trailing zeros."""
    if isinstance(number, int | np.integer):
        return str(int(number))
    number = float(number)
    return str(int(number)) if number.is_integer() else f"{number:.10g}"


def format_value(value: Value, *, key: bool = False) -> str:
    """A parameter value as text: see ``substitute`` for the two matrix forms."""
    if isinstance(value, str):
        return value
    if not isinstance(value, np.ndarray):
        return format_number(value)
    rows = np.atleast_2d(value)
    if key:
        return "[" + ", ".join("[" + ", ".join(map(format_number, row)) + "]" for row in rows) + "]"
    body = r" \\ ".join(" & ".join(map(format_number, row)) for row in rows)
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"
