"""Randomized question variants: parameters drawn from a per-attempt seed and substituted into texts.

A question declares its parameters as a mapping; a derived (``expr``) parameter may use any other one::

    {"a": {"int": [2, 9]},
     "b": {"int": [-5, 5], "exclude": [0]},
     "s": {"choice": [1, 2, 3.5]},
     "M": {"int_matrix": {"rows": 2, "cols": 2, "min": -4, "max": 4}, "invertible": True},
     "c": {"expr": "a*b + 1"},
     "Minv": {"expr": "inv(M)"}}

and, optionally, conditions the drawn values must meet (``where``), such as ``["a != b", "det(M) != 0"]``:
a draw that breaks one is thrown away and the next one from the same seed is tried, so a seed still always
gives the same variant.

The mapping's order carries no meaning (PostgreSQL's jsonb does not keep it): random parameters are drawn
in the order of their names, then derived ones once what they use is known; a condition is checked as soon
as the parameters it names are known, so ``a != b`` keeps ``1/(a - b)`` from dividing by zero.
``draw(parameters, seed, where)`` gives the values and ``substitute(text, values)`` writes them into
``{{ name }}`` placeholders. Expressions are evaluated by walking a whitelisted Python ``ast``, never by
``eval``.

Arithmetic is exact while it can be: integers and fractions (``Fraction``) stay exact through + - * / @,
integer powers, ``det``, ``inv`` and square roots of perfect squares, so a key such as 2/9 is exactly 2/9.
Anything irrational (``sqrt(2)``, ``exp``, ``log``) becomes a float, an *approximate* value. Values are
Python ints, ``Fraction``s, floats and strings, or 2-D numpy arrays of int64 (integers), object (exact,
holding ints and ``Fraction``s) or float64 (approximate) entries. Every number stays within ±10⁹, which
keeps integer matrix products inside int64 and the texts readable.
"""

from __future__ import annotations

import ast
import functools
import keyword
import math
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from exams import snippets

type Number = int | Fraction | float
type Value = Number | str | bool | np.ndarray

LIMIT = 10**9
# A fraction whose denominator grows beyond this is no longer worth printing exactly: it becomes a float.
MAX_DENOMINATOR = 10**6
MAX_MATRIX_SIZE = 6
INVERTIBLE_TRIES = 100
MAX_EXPONENT = 64
MAX_EXPRESSION_LENGTH = 500
MAX_CONDITIONS = 20
# A draw that breaks a `where` condition is redrawn, at most this many times per seed; so is a draw whose
# values cannot be computed, but a declaration broken for this many draws in a row is reported at once.
MAX_DRAWS = 200
MAX_BROKEN_DRAWS = 20
# Validation wants conditions to hold for at least this share of draws: then a seed that needs all
# MAX_DRAWS draws is far less likely than one in a billion (0.9 ** 200 ≈ 7e-10).
MIN_ACCEPTANCE = 0.1
# validate() draws with these seeds, so that a problem showing only for some variants is found early.
VALIDATION_SEEDS = range(100)
VALIDATION_SECONDS = 5
# Terminating fractions print as decimals when they need at most this many digits after the point.
MAX_DECIMALS_SHOWN = 6

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PLACEHOLDER = re.compile(r"\{\{\s*(" + _NAME.pattern + r")\s*\}\}")
_KIND_OPTIONS = {"int": {"exclude"}, "choice": set(), "int_matrix": {"invertible"}, "expr": set()}
_MATRIX_KEYS = {"rows", "cols", "min", "max"}


class ParameterError(ValueError):
    """A parameter declaration or a text using parameters is broken; only the question's author can fix it."""


# --- Drawing ---------------------------------------------------------------------------------------------


def draw(parameters: dict[str, dict], seed: int, where: Iterable[str] = ()) -> dict[str, Value]:
    """The values of one variant: the same seed always gives the same values.

    A draw whose values cannot be computed (a division by zero that only some draws meet) is redrawn like
    one that breaks a condition, so a seed that validation did not try still gives a variant (validation
    reports such draws to the author all the same); a declaration that breaks MAX_BROKEN_DRAWS draws is
    reported with its first problem.
    """
    if not isinstance(parameters, dict):
        raise ParameterError("parameters must be a mapping from names to declarations")
    conditions, order = _conditions(where), _drawing_order(parameters)
    rng = np.random.default_rng(seed)
    first_problem, broken_draws = "", 0
    for _ in range(MAX_DRAWS):
        attempt = _draw_once(parameters, order, conditions, rng)
        if not attempt.problems and attempt.failed is None:
            return {name: attempt.values[name] for name in parameters}
        if attempt.problems:
            first_problem = first_problem or attempt.problems[0]
            broken_draws += 1
            if broken_draws == MAX_BROKEN_DRAWS:
                raise ParameterError(first_problem)
    raise ParameterError(
        first_problem
        or f"where: no draw met every condition in {MAX_DRAWS} tries (seed {seed}); loosen the conditions "
        "or the parameters' ranges"
    )


@dataclass
class _Attempt:
    """One pass over the parameters: the values drawn, the problems met, the first condition that failed."""

    values: dict[str, Value] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    failed: int | None = None


def _draw_once(
    parameters: dict[str, dict], order: list[str], conditions: list[str], rng: np.random.Generator
) -> _Attempt:
    """Draw every parameter once (in ``order``), checking each condition as soon as the parameters it names
    are known.

    A broken parameter is reported once; parameters and conditions using a broken one are skipped.
    """
    attempt = _Attempt()
    broken: set[str] = set()
    pending = dict(enumerate(conditions))
    for name in [*order, None]:  # None: what is left after the last parameter
        if name is not None:
            declaration = parameters[name]
            if _references(declaration) & broken:
                broken.add(name)
                continue
            try:
                attempt.values[name] = _draw_parameter(name, declaration, attempt.values, rng)
            except ParameterError as error:
                attempt.problems.append(str(error))
                broken.add(name)
                continue
        for index, condition in list(pending.items()):
            names = _names_in(condition)
            if name is not None and not names <= attempt.values.keys():
                continue
            del pending[index]
            if names & broken:
                continue
            try:
                held = _holds(condition, attempt.values)
            except ParameterError as error:
                attempt.problems.append(f"where {condition!r}: {error}")
                continue
            if not held and not attempt.problems:
                attempt.failed = index
                return attempt
    return attempt


def _conditions(where: Any) -> list[str]:
    if isinstance(where, str) or not isinstance(where, list | tuple):
        raise ParameterError("where: must be a list of conditions such as ['a != b', 'det(M) != 0']")
    if len(where) > MAX_CONDITIONS:
        raise ParameterError(f"where: at most {MAX_CONDITIONS} conditions")
    for condition in where:
        if not isinstance(condition, str) or not condition.strip():
            raise ParameterError(f"where: a condition must be a text such as 'a != b', not {condition!r}")
        if len(condition) > MAX_EXPRESSION_LENGTH:
            raise ParameterError(f"where: a condition is longer than {MAX_EXPRESSION_LENGTH} characters")
    return [condition.strip() for condition in where]


def holds(condition: str, values: dict[str, Value]) -> bool:
    """Whether a condition (see ``where``) holds for a variant's values."""
    if not isinstance(condition, str) or len(condition) > MAX_EXPRESSION_LENGTH:
        raise ParameterError(f"a condition is a text of at most {MAX_EXPRESSION_LENGTH} characters")
    return _holds(condition.strip(), values)


def _holds(condition: str, values: dict[str, Value]) -> bool:
    try:
        result = _evaluate(_parse(condition).body, values)
    except RecursionError:
        raise ParameterError("the condition is nested too deeply") from None
    if isinstance(result, np.ndarray) and result.dtype == bool:
        raise ParameterError("this compares matrices entry by entry; say all(…) or any(…)")
    if not isinstance(result, bool):
        raise ParameterError(f"a condition must be true or false, not {_describe_value(result)}")
    return result


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


def validate(parameters: dict[str, dict], where: Any = ()) -> list[str]:
    """Messages for the author describing what is wrong with a declaration; empty when it is usable.

    Each broken parameter is reported once; parameters derived from a broken one are not reported again.
    Conditions must be satisfiable often enough that every seed finds a variant quickly.
    """
    return check(parameters, where).problems


@dataclass(frozen=True)
class Checked:
    """What validation found: problems for the author, else the values of every validation seed."""

    problems: list[str]
    values: dict[int, dict[str, Value]] = field(default_factory=dict)


def check(parameters: dict[str, dict], where: Any = ()) -> Checked:
    """``validate``, keeping the values drawn so that checking the variants need not draw them again.

    Its cost is bounded however hostile the declaration: conditions that hold too rarely are refused as soon
    as that is certain, and drawing must finish within VALIDATION_SECONDS (about 100 times what the
    heaviest shipped question needs), which also bounds what one variant costs a page view.
    """
    if not isinstance(parameters, dict):
        return Checked(["parameters must be a mapping from names to declarations"])
    try:
        conditions = _conditions(where)
    except ParameterError as error:
        return Checked([str(error)])
    order = _drawing_order(parameters)
    deadline = time.monotonic() + VALIDATION_SECONDS
    draws, failures, drawn = 0, Counter(), {}
    for seed in VALIDATION_SEEDS:
        rng = np.random.default_rng(seed)
        for _ in range(MAX_DRAWS):
            if draws * MIN_ACCEPTANCE > len(VALIDATION_SEEDS):  # the acceptance can only end up too low
                return Checked([_rarely_met(conditions, failures, len(drawn) / draws)])
            if time.monotonic() > deadline:
                return Checked(
                    [
                        f"parameters: drawing {len(VALIDATION_SEEDS)} variants takes more than "
                        f"{VALIDATION_SECONDS} s; simplify the expressions or the conditions"
                    ]
                )
            attempt = _draw_once(parameters, order, conditions, rng)
            draws += 1
            if attempt.problems:
                if seed == VALIDATION_SEEDS[0]:
                    return Checked(attempt.problems)
                return Checked(
                    [
                        f"{problem} (this happens for some variants, e.g. seed {seed})"
                        for problem in attempt.problems
                    ]
                )
            if attempt.failed is None:
                drawn[seed] = {name: attempt.values[name] for name in parameters}
                break
            failures[attempt.failed] += 1
        else:
            return Checked([f"where: no draw met every condition in {MAX_DRAWS} tries (seed {seed})"])
    return Checked([], drawn)


def _rarely_met(conditions: list[str], failures: Counter, acceptance: float) -> str:
    worst = conditions[failures.most_common(1)[0][0]]
    return (
        f"where: the conditions hold for only {acceptance:.1%} of draws (at least {MIN_ACCEPTANCE:.0%} are "
        f"needed); {worst!r} fails most often: loosen it or the parameters' ranges"
    )


def _references(declaration: Any) -> frozenset[str]:
    """The names an ``expr`` declaration mentions; empty for other kinds or for an unparsable expression."""
    try:
        return _names_in(declaration["expr"])
    except (TypeError, KeyError):
        return frozenset()


def _names_in(expression: str) -> frozenset[str]:
    """The names an expression mentions (not the functions it calls); empty when it is not one (_parse)."""
    try:
        return _names_in_tree(_parse(expression))
    except ParameterError:
        return frozenset()


@functools.lru_cache(maxsize=4096)
def _names_in_tree(tree: ast.Expression) -> frozenset[str]:
    # Validation draws many seeds of the same declarations; _parse hands back the same tree for the same text.
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


def _draw_choice(options: Any, rng: np.random.Generator) -> Value:
    if not isinstance(options, list | tuple) or not options:
        raise ParameterError("'choice' needs a non-empty list of numbers or strings")
    for option in options:
        if not (isinstance(option, str) or (_is_number(option) and abs(option) <= LIMIT)):
            raise ParameterError(f"choice {option!r} is neither a string nor a number within ±{LIMIT}")
    chosen = options[int(rng.integers(len(options)))]
    # A number the author wrote (0.1) means that decimal exactly, not the nearest binary float.
    return chosen if isinstance(chosen, str) else _tidy(_literal(chosen))


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
        if not invertible or _exact_det(matrix) != 0:
            return matrix
    raise ParameterError(
        f"no invertible matrix after {INVERTIBLE_TRIES} draws; widen the range [{spec['min']}, {spec['max']}]"
    )


# --- Derived parameters and conditions: a whitelisting evaluator over Python's ast -----------------------


def _derive(expression: Any, earlier: dict[str, Value]) -> Value:
    if not isinstance(expression, str) or not expression.strip():
        raise ParameterError("'expr' needs an expression such as 'a*b + 1'")
    try:
        value = _evaluate(_parse(expression.strip()).body, earlier)
    except RecursionError:
        raise ParameterError(f"{expression!r} is nested too deeply") from None
    if _is_condition(value):
        raise ParameterError("a condition is not allowed as a parameter's value; list it under 'where'")
    return value


def _parse(expression: str) -> ast.Expression:
    """The parsed expression; the length is checked before any parsing or caching, so hostile text costs
    neither time nor cache memory. Errors are raised for the author."""
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise ParameterError(f"the expression is longer than {MAX_EXPRESSION_LENGTH} characters")
    return _parse_short(expression)


@functools.lru_cache(maxsize=4096)
def _parse_short(expression: str) -> ast.Expression:
    """_parse's cache (trees are only read), keyed on texts of at most MAX_EXPRESSION_LENGTH characters."""
    try:
        return ast.parse(expression, mode="eval")
    except SyntaxError as error:
        raise ParameterError(f"{expression!r} is not a valid expression ({error.msg})") from None
    except (RecursionError, MemoryError, ValueError):
        raise ParameterError(f"{expression!r} is nested too deeply") from None


def _evaluate(node: ast.AST, values: dict[str, Value]) -> Value:
    """Every node's value passes through here, so limits and tidying hold at each step, not just the end."""
    result = _tidy(_evaluate_node(node, values))
    _check_magnitude(result)
    return result


def _evaluate_node(node: ast.AST, values: dict[str, Value]) -> Value:
    match node:
        case ast.Constant(value=number) if _is_number(number):
            return _literal(number)
        case ast.Name(id=name):
            if name not in values:
                raise ParameterError(f"{name!r} is not a declared parameter, or it depends on this one")
            return values[name]
        case ast.UnaryOp(op=ast.USub(), operand=operand):
            return _negate(_evaluate(operand, values))
        case ast.UnaryOp(op=ast.UAdd(), operand=operand):
            return _numeric(_evaluate(operand, values))
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            return not _truth(_evaluate(operand, values), "not")
        case ast.BinOp(left=left, op=op, right=right) if type(op) in _OPERATORS:
            return _OPERATORS[type(op)](_evaluate(left, values), _evaluate(right, values))
        case ast.Compare(left=left, ops=operators, comparators=comparators):
            return _compare(left, operators, comparators, values)
        case ast.BoolOp(op=operator, values=operands):
            return _logic(operator, operands, values)
        case ast.IfExp(test=test, body=body, orelse=orelse):
            return _evaluate(body if _truth(_evaluate(test, values), "if") else orelse, values)
        case ast.Subscript(value=target, slice=index):
            return _entry(node, _evaluate(target, values), index, values)
        case ast.List(elts=rows):
            return _matrix_literal(node, rows, values)
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
                f"comparisons, and/or/not, … if … else …, M[i, j], [[a, b], [c, d]], parentheses, .T "
                f"and the functions {', '.join(_FUNCTIONS)}"
            )


def _literal(number: int | float) -> int | Fraction:
    """A number as written: 0.1 is the decimal one tenth, exactly."""
    return number if isinstance(number, int) else Fraction(repr(number))


def _tidy(value: Any) -> Value:
    """One representation per kind of value, so values print, compare and combine predictably.

    numpy scalars become Python ones, whole fractions ints, fractions with huge denominators floats;
    arrays become int64 (integers), object (exact fractions) or float64 (approximate) arrays.
    """
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return int(value)
        return float(value) if value.denominator > MAX_DENOMINATOR else value
    if isinstance(value, np.ndarray) and value.dtype == object:
        return _tidy_objects(value)
    return value


def _tidy_objects(array: np.ndarray) -> np.ndarray:
    entries = [_tidy(entry) for entry in array.ravel().tolist()]
    for entry in entries:
        if isinstance(entry, bool) or not isinstance(entry, int | Fraction | float):
            raise ParameterError("a matrix holds numbers only")
        _check_magnitude(entry)
    if any(isinstance(entry, float) for entry in entries):
        return np.array(entries, dtype=float).reshape(array.shape)
    if all(isinstance(entry, int) for entry in entries):
        return np.array(entries, dtype=np.int64).reshape(array.shape)
    exact = np.empty(len(entries), dtype=object)
    exact[:] = entries
    return exact.reshape(array.shape)


def _check_magnitude(value: Value) -> None:
    if isinstance(value, str | bool):
        return
    if isinstance(value, int | Fraction):  # exact, however large: checked before anything converts it
        within = abs(value) <= LIMIT
    elif isinstance(value, np.ndarray) and value.dtype != float:
        within = value.dtype == bool or all(abs(entry) <= LIMIT for entry in value.ravel().tolist())
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


def is_exact(value: Value) -> bool:
    """Whether a value is known exactly (an integer, a fraction, a text), not a rounded float."""
    if isinstance(value, np.ndarray):
        return value.dtype != float
    return not isinstance(value, float)


def _is_condition(value: Value) -> bool:
    return isinstance(value, bool) or (isinstance(value, np.ndarray) and value.dtype == bool)


def _describe_value(value: Value) -> str:
    if isinstance(value, np.ndarray):
        kind = "condition" if value.dtype == bool else "matrix"
        return f"a {value.shape[0]}×{value.shape[1]} {kind}"
    if isinstance(value, bool):
        return "a condition"
    return repr(value) if isinstance(value, str) else "a number"


def _numeric(value: Value) -> Number | np.ndarray:
    if isinstance(value, str):
        raise ParameterError(f"arithmetic needs numbers or matrices, not the text {value!r}")
    if _is_condition(value):
        raise ParameterError(f"arithmetic needs numbers or matrices, not {_describe_value(value)}")
    return value


def _number(value: Value, function: str) -> Number:
    if isinstance(_numeric(value), np.ndarray):
        raise ParameterError(f"{function} needs a number, not {_describe_value(value)}")
    return value


def _matrix(value: Value, function: str, *, square: bool = False) -> np.ndarray:
    if not isinstance(_numeric(value), np.ndarray):
        raise ParameterError(f"{function} needs a matrix, not {_describe_value(value)}")
    if square and value.shape[0] != value.shape[1]:
        raise ParameterError(f"{function} needs a square matrix, not {_describe_value(value)}")
    return value


def _elementwise(symbol: str, left: Value, right: Value) -> tuple[Any, Any]:
    left, right = _numeric(left), _numeric(right)
    if isinstance(left, np.ndarray) and isinstance(right, np.ndarray) and left.shape != right.shape:
        raise ParameterError(f"{_describe_value(left)} {symbol} {_describe_value(right)}: the sizes differ")
    return left, right


def _fractions(value: Number | np.ndarray) -> Fraction | np.ndarray:
    """An exact value with every entry a Fraction, so that dividing it stays exact."""
    if isinstance(value, np.ndarray):
        return _object_array([Fraction(entry) for entry in value.ravel().tolist()], value.shape)
    return Fraction(value)


def _object_array(entries: list, shape: tuple[int, ...]) -> np.ndarray:
    array = np.empty(len(entries), dtype=object)
    array[:] = entries
    return array.reshape(shape)


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
    """Exact for exact operands (7/2 is the fraction 7/2, 6/3 the integer 2), else float division."""
    left, right = _elementwise("/", left, right)
    if np.any(np.asarray(right) == 0):
        raise ParameterError("division by zero")
    if is_exact(left) and is_exact(right):
        return _fractions(left) / right
    return np.true_divide(left, right)


def _power(base: Value, exponent: Value) -> Value:
    if isinstance(_numeric(base), np.ndarray) or isinstance(_numeric(exponent), np.ndarray):
        raise ParameterError("** works on numbers; write M @ M for a matrix product")
    if abs(exponent) > MAX_EXPONENT:
        raise ParameterError(f"the exponent {exponent} is larger than {MAX_EXPONENT}")
    if base == 0 and exponent < 0:
        raise ParameterError("0 cannot be raised to a negative power")
    if isinstance(exponent, int) and is_exact(base):
        return Fraction(base) ** exponent
    try:
        result = float(base) ** float(exponent)
    except OverflowError:
        raise ParameterError(f"a value exceeds ±{LIMIT}") from None
    if isinstance(result, complex):
        raise ParameterError("a negative number to a fractional power is not a real number")
    return _snap(result)


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


# --- Conditions ------------------------------------------------------------------------------------------


_COMPARISONS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: lambda left, right: left == right,
    ast.NotEq: lambda left, right: left != right,
    ast.Lt: lambda left, right: left < right,
    ast.LtE: lambda left, right: left <= right,
    ast.Gt: lambda left, right: left > right,
    ast.GtE: lambda left, right: left >= right,
}


def _compare(
    left: ast.AST, operators: list[ast.cmpop], comparators: list[ast.AST], values: dict[str, Value]
) -> bool | np.ndarray:
    """``a < b <= c`` as Python reads it; matrices compare entry by entry, a 1×1 matrix as its entry."""
    operands = [_comparable(_evaluate(operand, values)) for operand in [left, *comparators]]
    result: bool | np.ndarray = True
    for operator, first, second in zip(operators, operands, operands[1:], strict=False):
        if type(operator) not in _COMPARISONS:
            raise ParameterError(f"not allowed: {ast.unparse(operator)}; compare with == != < <= > >=")
        if isinstance(first, str) or isinstance(second, str):
            if type(operator) not in (ast.Eq, ast.NotEq) or not (
                isinstance(first, str) and isinstance(second, str)
            ):
                raise ParameterError("texts can only be compared with == and != to other texts")
        else:
            _elementwise("compared with", first, second)
        outcome = _COMPARISONS[type(operator)](first, second)
        result = np.logical_and(result, outcome) if isinstance(outcome, np.ndarray) else result and outcome
    return _tidy(np.asarray(result, dtype=bool)) if isinstance(result, np.ndarray) else bool(result)


def _comparable(value: Value) -> Value:
    if isinstance(value, np.ndarray) and value.shape == (1, 1) and value.dtype != bool:
        return _tidy(value.ravel().tolist()[0])
    if _is_condition(value):
        raise ParameterError("conditions cannot be compared; combine them with and, or, not")
    return value


def _truth(value: Value, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, np.ndarray) and value.dtype == bool:
        raise ParameterError(f"'{where}' needs one true or false; reduce a matrix with all(…) or any(…)")
    raise ParameterError(
        f"not allowed: {_describe_value(value)} as a condition of '{where}'; compare it, e.g. a != 0"
    )


def _logic(operator: ast.boolop, operands: list[ast.AST], values: dict[str, Value]) -> bool:
    """``and``/``or`` short-circuit like Python's, so ``b != 0 and a / b > 1`` is safe."""
    stop = isinstance(operator, ast.Or)  # `or` stops at the first true operand, `and` at the first false
    for operand in operands:
        if _truth(_evaluate(operand, values), "or" if stop else "and") is stop:
            return stop
    return not stop


def _entry(node: ast.AST, target: Value, index: ast.AST, values: dict[str, Value]) -> Value:
    """``M[i, j]`` (from 0, as in NumPy) or ``v[i]`` for a vector; negative indices count from the end."""
    matrix = _matrix(target, "indexing")
    parts = index.elts if isinstance(index, ast.Tuple) else [index]
    if any(isinstance(part, ast.Slice) for part in parts):
        raise ParameterError(f"not allowed: {ast.unparse(node)}; slices are not supported")
    positions = [_evaluate(part, values) for part in parts]
    if not all(_is_integer(position) for position in positions):
        raise ParameterError(f"{ast.unparse(node)}: indices must be integers")
    entry_at: tuple[int, ...]
    if len(positions) == 1 and 1 in matrix.shape:
        flat = matrix.ravel()
        entry_at = (int(positions[0]),)
        size = (flat.size,)
    elif len(positions) == 2:
        flat, entry_at, size = matrix, tuple(int(position) for position in positions), matrix.shape
    else:
        raise ParameterError(
            f"not allowed: {ast.unparse(node)}; index {_describe_value(matrix)} with two indices, as M[0, 1]"
        )
    if not all(-length <= position < length for position, length in zip(entry_at, size, strict=True)):
        raise ParameterError(f"{ast.unparse(node)} is outside {_describe_value(matrix)} (indices start at 0)")
    return flat[entry_at]


def _matrix_literal(node: ast.AST, elements: list[ast.expr], values: dict[str, Value]) -> np.ndarray:
    """``[[a, b], [c, d]]``: a matrix written row by row (a column is ``[[a], [b]]``)."""
    rows = [row for row in elements if isinstance(row, ast.List) and row.elts]
    if not rows or len(rows) != len(elements):
        raise ParameterError(
            f"not allowed: {ast.unparse(node)}; write a matrix row by row, as [[a, b], [c, d]]"
        )
    if len({len(row.elts) for row in rows}) != 1:
        raise ParameterError(f"{ast.unparse(node)}: every row needs the same number of entries")
    if len(rows) > MAX_MATRIX_SIZE or len(rows[0].elts) > MAX_MATRIX_SIZE:
        raise ParameterError(f"a matrix can have at most {MAX_MATRIX_SIZE} rows and columns")
    entries = [_number(_evaluate(entry, values), "a matrix entry") for row in rows for entry in row.elts]
    return _object_array(entries, (len(rows), len(rows[0].elts)))


# --- Functions -------------------------------------------------------------------------------------------


def _transpose(value: Value) -> Value:
    return _numeric(value).T if isinstance(value, np.ndarray) else _numeric(value)


def _row_reduce(matrix: np.ndarray) -> tuple[list[list[Fraction]], list[int], Fraction]:
    """Gauss–Jordan elimination in exact arithmetic: the reduced rows, the pivot columns and, for a square
    matrix, its determinant (0 when singular)."""
    rows = [[Fraction(entry) for entry in row] for row in matrix.tolist()]
    pivots: list[int] = []
    determinant = Fraction(1)
    for column in range(len(rows[0])):
        row = len(pivots)
        pivot = next((r for r in range(row, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            determinant = Fraction(0)
            continue
        if pivot != row:
            rows[row], rows[pivot] = rows[pivot], rows[row]
            determinant = -determinant
        lead = rows[row][column]
        determinant *= lead
        rows[row] = [entry / lead for entry in rows[row]]
        for other in range(len(rows)):
            if other != row and rows[other][column] != 0:
                factor = rows[other][column]
                rows[other] = [a - factor * b for a, b in zip(rows[other], rows[row], strict=True)]
        pivots.append(column)
        if len(pivots) == len(rows):
            break
    return rows, pivots, determinant


def _exact_det(matrix: np.ndarray) -> Fraction:
    return _row_reduce(matrix)[2]


def _det(matrix: Value) -> Number:
    matrix = _matrix(matrix, "det()", square=True)
    if is_exact(matrix):
        return _exact_det(matrix)
    return _snap(float(np.linalg.det(matrix)))


def _inv(matrix: Value) -> np.ndarray:
    matrix = _matrix(matrix, "inv()", square=True)
    if _det(matrix) == 0:
        raise ParameterError("inv() needs an invertible matrix; this one is singular")
    size = matrix.shape[0]
    if is_exact(matrix):
        augmented = np.hstack([np.asarray(_fractions(matrix)), np.eye(size, dtype=np.int64)])
        rows, _, _ = _row_reduce(augmented)
        return _object_array([entry for row in rows for entry in row[size:]], (size, size))
    inverse = np.linalg.inv(matrix)
    rounded = np.rint(inverse)
    if np.all(np.abs(inverse - rounded) <= 1e-9 * np.maximum(1.0, np.abs(inverse))):
        return rounded.astype(np.int64)
    return inverse


def _rank(matrix: Value) -> int:
    matrix = _matrix(matrix, "rank()")
    if is_exact(matrix):
        return len(_row_reduce(matrix)[1])
    return int(np.linalg.matrix_rank(matrix))


def _is_symmetric(matrix: Value) -> bool:
    matrix = _matrix(matrix, "is_symmetric()", square=True)
    if is_exact(matrix):
        return bool(np.all(matrix == matrix.T))
    return bool(np.allclose(matrix, matrix.T, rtol=1e-9, atol=1e-12))


def _trace(matrix: Value) -> Number:
    return np.trace(_matrix(matrix, "trace()", square=True))


def _sqrt(number: Value) -> Number:
    number = _number(number, "sqrt()")
    if number < 0:
        raise ParameterError(f"sqrt() of the negative number {number}")
    if is_exact(number):
        fraction = Fraction(number)
        top, bottom = math.isqrt(fraction.numerator), math.isqrt(fraction.denominator)
        if top * top == fraction.numerator and bottom * bottom == fraction.denominator:
            return Fraction(top, bottom)
    return _snap(math.sqrt(number))


def _norm(value: Value) -> Number:
    """The Euclidean norm of a vector (the Frobenius norm of a matrix); exact when it is rational."""
    entries = _entries([_matrix(value, "norm()")])
    return _sqrt(sum(entry * entry for entry in entries))


def _exp(number: Value) -> Number:
    number = _number(number, "exp()")
    if number > math.log(LIMIT):
        raise ParameterError(f"a value exceeds ±{LIMIT}")
    return 1 if number == 0 else math.exp(number)


def _log(number: Value) -> Number:
    number = _number(number, "log()")
    if number <= 0:
        raise ParameterError(f"log() of {number}, which is not positive")
    return 0 if number == 1 else math.log(number)


def _abs(value: Value) -> Value:
    return np.abs(_numeric(value)) if isinstance(value, np.ndarray) else abs(_numeric(value))


def _round(value: Value, digits: Value = 0) -> Value:
    if not (_is_integer(digits) and 0 <= digits <= 10):
        raise ParameterError("round() takes a number of digits from 0 to 10")
    value = _numeric(value)
    if isinstance(value, np.ndarray):
        rounded = [round(entry, digits) if digits else round(entry) for entry in value.ravel().tolist()]
        return _object_array(rounded, value.shape)
    return round(value, digits) if digits else round(value)


def _entries(arguments: list[Value]) -> list[Number]:
    return [entry for argument in arguments for entry in np.ravel(_numeric(argument)).tolist()]


def _conditions_in(arguments: list[Value], function: str) -> list[bool]:
    truths = []
    for argument in arguments:
        if not _is_condition(argument):
            raise ParameterError(f"{function}() needs conditions such as {function}(M > 0)")
        truths.extend(np.ravel(argument).tolist())
    return truths


def _distinct(*arguments: Value) -> bool:
    """True when no two arguments are equal (numbers, texts or matrices of the same size)."""
    for index, first in enumerate(arguments):
        for second in arguments[index + 1 :]:
            if isinstance(first, np.ndarray) or isinstance(second, np.ndarray):
                same = np.shape(first) == np.shape(second) and bool(np.all(first == second))
            else:
                same = first == second
            if same:
                return False
    return True


def _eye(size: Value) -> np.ndarray:
    if not (_is_integer(size) and 1 <= size <= MAX_MATRIX_SIZE):
        raise ParameterError(f"eye() takes a size from 1 to {MAX_MATRIX_SIZE}")
    return np.eye(size, dtype=np.int64)


_FUNCTIONS: dict[str, tuple[Callable[..., Value], int, int]] = {
    # name: (implementation, fewest arguments, most arguments)
    "det": (_det, 1, 1),
    "inv": (_inv, 1, 1),
    "transpose": (_transpose, 1, 1),
    "trace": (_trace, 1, 1),
    "rank": (_rank, 1, 1),
    "eye": (_eye, 1, 1),
    "norm": (_norm, 1, 1),
    "sqrt": (_sqrt, 1, 1),
    "exp": (_exp, 1, 1),
    "log": (_log, 1, 1),
    "abs": (_abs, 1, 1),
    "round": (_round, 1, 2),
    # min, max and sum work over all entries of all their arguments: max(M) is M's largest entry.
    "min": (lambda *arguments: min(_entries(list(arguments))), 1, 10),
    "max": (lambda *arguments: max(_entries(list(arguments))), 1, 10),
    "sum": (lambda *arguments: sum(_entries(list(arguments))), 1, 10),
    # Conditions: all(M != 0) holds when every entry is nonzero, any(v > 0) when one is positive.
    "all": (lambda *arguments: all(_conditions_in(list(arguments), "all")), 1, 10),
    "any": (lambda *arguments: any(_conditions_in(list(arguments), "any")), 1, 10),
    "distinct": (_distinct, 2, 10),
    "is_symmetric": (_is_symmetric, 1, 1),
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

    Texts learners read (``key=False``) are math: matrices become LaTeX ``bmatrix``es and fractions
    ``\\tfrac{p}{q}``; answer keys (``key=True``) get ``[[1, 2], [3, 4]]`` and ``p/q``, the forms the answer
    parser reads — and so does code in a text (fenced blocks and `inline spans`), where they are Python.
    """
    unknown = placeholders(text) - values.keys()
    if unknown:
        raise ParameterError(f"unknown parameter {', '.join('{{' + name + '}}' for name in sorted(unknown))}")

    def filled(piece: str, as_key: bool) -> str:
        return _PLACEHOLDER.sub(lambda match: format_value(values[match.group(1)], key=as_key), piece)

    if key or not ("`" in text or "~~~" in text):  # the common case: no code to tell apart
        return filled(text, key)
    return "".join(filled(piece, is_code) for piece, is_code in snippets.split_code(text))


def format_number(number: Number | np.number, *, key: bool = True) -> str:
    """Integers as integers; fractions as short decimals when they terminate, else as p/q (or ``\\tfrac``
    when ``key`` is false); floats with up to 10 significant digits and no trailing zeros."""
    if isinstance(number, int | np.integer):
        return str(int(number))
    if isinstance(number, Fraction):
        if number.denominator == 1:
            return str(number.numerator)
        decimal = _terminating_decimal(number)
        if decimal is not None:
            return decimal
        if key:
            return f"{number.numerator}/{number.denominator}"
        sign = "-" if number < 0 else ""
        return rf"{sign}\tfrac{{{abs(number.numerator)}}}{{{number.denominator}}}"
    number = float(number)
    return str(int(number)) if number.is_integer() else f"{number:.10g}"


def _terminating_decimal(number: Fraction) -> str | None:
    """``0.375`` for 3/8; None when the decimal does not end within MAX_DECIMALS_SHOWN digits."""
    scaled = number * 10**MAX_DECIMALS_SHOWN
    if scaled.denominator != 1:
        return None
    digits = f"{abs(scaled.numerator):0{MAX_DECIMALS_SHOWN + 1}d}"
    whole, fraction = digits[:-MAX_DECIMALS_SHOWN], digits[-MAX_DECIMALS_SHOWN:].rstrip("0")
    return f"{'-' if number < 0 else ''}{whole}.{fraction}"


def format_value(value: Value, *, key: bool = False) -> str:
    """A parameter value as text: see ``substitute`` for the two forms."""
    if isinstance(value, str):
        return value
    if not isinstance(value, np.ndarray):
        return format_number(value, key=key)
    rows = np.atleast_2d(value).tolist()
    if key:
        return (
            "["
            + ", ".join("[" + ", ".join(format_number(entry) for entry in row) + "]" for row in rows)
            + "]"
        )
    body = r" \\ ".join(" & ".join(format_number(entry, key=False) for entry in row) for row in rows)
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"
