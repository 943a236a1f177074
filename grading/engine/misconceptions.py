"""Name the mistake behind an incorrect answer, without any authoring: compare the answer with mistake
variants generated mechanically from the key, and report the first that matches.

For each question the key's tree is rewritten once, in the ways the common mistakes of matrix calculus
rewrite it; every rewrite that still shape-checks is evaluated on the question's test points. An incorrect
answer whose values agree with a variant's (same tolerance as grading, see ``diagnose``) gets that
variant's code and sentence. The codes, in the order they are tried:

=======================  ==========================================================  =========================
code                     variant of the key                                          example (key → answer)
=======================  ==========================================================  =========================
symmetric_assumption     a square matrix M not declared symmetric: every Mᵀ          (A + Aᵀ)x → 2Ax, 2Aᵀx
                         replaced by M, every M by Mᵀ (when the key has both),
                         or M by its symmetric part (M + Mᵀ)/2
missing_term             one term of a sum left out (a product-rule term)            (A + Aᵀ)x → Aᵀx
factor_order             two adjacent matrix factors swapped, or all reversed        A B x → B A x
inverse_transpose        an inverse transpose X⁻ᵀ written as X⁻¹ (or the reverse)    X⁻ᵀ A → X⁻¹ A
term_sign                one term of a sum with the opposite sign                    A x - b → A x + b
chain_rule               one factor of a product left out (the chain rule's inner    2Aᵀ(Ax - b) → 2(Ax - b)
                         derivative)
=======================  ==========================================================  =========================

A variant may have another shape than the key (dropping Aᵀ above gives m×1 instead of n×1): an answer of
that shape is then ``shape_mismatch`` plus the variant's code. Variants equal to the key (Mᵀ → M when the key
is symmetric in M anyway) or to an earlier variant are discarded. An answer that matches a variant only up
to a constant factor gets the code plus ``sign`` or ``scalar_multiple``, after every exact match was tried.

Cost. Only incorrect answers pay: the variants of a question are built on its first incorrect answer and
kept with the question; matching an answer then compares a few arrays per variant. The work is bounded by
counts, not by a clock, so that a regrade always gives the same diagnosis: keys of more than
``MAX_KEY_NODES`` nodes get no variants, and at most ``MAX_VARIANTS`` are kept (in the order above). Building
them takes 1–6 ms for the keys of the shipped bank and the benchmark; matching, well under 1 ms.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from . import nodes
from .diagnose import agreeing_draws, common_factor
from .dims import SCALAR, Shape, known
from .errors import AnswerError
from .nodes import Node
from .numeric import compile_program
from .sampling import Sample
from .shapes import Inference, Typed
from .symbols import Declaration

MAX_KEY_NODES = 80
MAX_VARIANTS = 24
_SELF_TRANSPOSED = frozenset({"symmetric", "spd", "diagonal"})
_CHAIN_OPERATORS = frozenset({nodes.MATMUL, nodes.JUXTAPOSE, nodes.HADAMARD, nodes.BROADCAST})

SENTENCES = {
    "symmetric_assumption": "This would be right only if {name} were symmetric; {name} is not assumed "
    "symmetric here, so {name}^T and {name} differ",
    "missing_term": "A term is missing: your answer matches the expected result with one term of a sum left "
    "out (the product rule gives a term for every factor that depends on the variable)",
    "factor_order": "The factors of a product are in the wrong order: matrix products do not commute, so "
    "keep the order the rules give",
    "inverse_transpose": "Check the inverse: your answer has an inverse where the expected result has an "
    "inverse transpose (X^-T = (X^-1)^T), or the other way round",
    "term_sign": "One term has the wrong sign: check the signs term by term",
    "chain_rule": "A factor from the chain rule seems to be missing: your answer matches the expected result "
    "with one factor of a product left out",
}


@dataclass(frozen=True, slots=True)
class Mistake:
    code: str
    message: str
    shape: Shape
    values: tuple[np.ndarray, ...]  # per sample, (draws, rows, cols) like the references


@dataclass(frozen=True, slots=True)
class Match:
    code: str
    message: str
    factor: float  # 1 for an exact match


def mistakes(
    declaration: Declaration,
    expected: Typed,
    expected_text: str,
    samples: Sequence[Sample],
    references: Sequence[np.ndarray],
) -> tuple[Mistake, ...]:
    """The distinct, shape-correct mistake variants of the key, evaluated on the question's test points."""
    if _count(expected) > MAX_KEY_NODES:
        return ()
    kept: list[Mistake] = []
    for code, message, node in _variants(declaration, expected):
        if len(kept) == MAX_VARIANTS:
            break
        evaluated = _evaluate(declaration, expected_text, node, samples)
        if evaluated is None:
            continue
        shape, values = evaluated
        if shape == expected.shape and _agree(values, references):
            continue  # not a mistake here: the variant equals the key
        if any(other.shape == shape and _agree(values, other.values) for other in kept):
            continue
        kept.append(Mistake(code, message, shape, values))
    return tuple(kept)


def match(found: Sequence[Mistake], shape: Shape, values: Sequence[np.ndarray]) -> Match | None:
    """The first variant the answer equals, else the first it equals up to a constant factor."""
    candidates = [mistake for mistake in found if mistake.shape == shape]
    for mistake in candidates:
        if _agree(values, mistake.values):
            return Match(mistake.code, mistake.message, 1.0)
    for mistake in candidates:
        factor = common_factor(values, mistake.values)
        if factor is not None:
            return Match(mistake.code, mistake.message, factor)
    return None


# --- generating variants -----------------------------------------------------------------------------

Path = tuple[int, ...]


def _variants(declaration: Declaration, key: Typed) -> Iterator[tuple[str, str, Node]]:
    sites = list(_sites(key))
    for name in _unsymmetric_matrices(declaration, key):
        message = SENTENCES["symmetric_assumption"].format(name=name)
        for variant in _symmetric_variants(key.node, name, sites):
            yield "symmetric_assumption", message, variant
    for path, typed in sites:
        if isinstance(typed.node, nodes.Sum) and len(typed.node.terms) > 1:
            for index in range(len(typed.node.terms)):
                yield (
                    "missing_term",
                    SENTENCES["missing_term"],
                    _at(key.node, path, _without_term(typed.node, index)),
                )
    for path, typed in sites:
        for variant in _reorderings(typed):
            yield "factor_order", SENTENCES["factor_order"], _at(key.node, path, variant)
    for path, typed in sites:
        flipped = _flip_inverse_transpose(typed)
        if flipped is not None:
            yield "inverse_transpose", SENTENCES["inverse_transpose"], _at(key.node, path, flipped)
    for path, typed in sites:
        if isinstance(typed.node, nodes.Sum) and len(typed.node.terms) > 1:
            for index in range(len(typed.node.terms)):
                yield "term_sign", SENTENCES["term_sign"], _at(key.node, path, _flip_sign(typed.node, index))
    for path, typed in sites:
        for variant in _without_factors(typed):
            yield "chain_rule", SENTENCES["chain_rule"], _at(key.node, path, variant)


def _sites(typed: Typed, path: Path = ()) -> Iterator[tuple[Path, Typed]]:
    """Every sub-expression of the key with its path (child indices from the root), outermost first."""
    yield path, typed
    for index, arg in enumerate(typed.args):
        yield from _sites(arg, (*path, index))


def _count(typed: Typed) -> int:
    return 1 + sum(_count(arg) for arg in typed.args)


def _rebuilt(node: Node, children: tuple[Node, ...]) -> Node:
    """``node`` with new children (in the order of ``nodes.children``)."""
    match node:
        case nodes.Sum():
            return replace(node, terms=children)
        case nodes.Product():
            return replace(node, factors=children)
        case nodes.Negate() | nodes.Transpose():
            return replace(node, operand=children[0])
        case nodes.Power() | nodes.EntrywisePower():
            return replace(node, base=children[0], exponent=children[1])
        case nodes.Call():
            return replace(node, args=children)
    return node


def _at(root: Node, path: Path, new: Node) -> Node:
    """``root`` with the sub-expression at ``path`` replaced by ``new``."""
    if not path:
        return new
    children = list(nodes.children(root))
    children[path[0]] = _at(children[path[0]], path[1:], new)
    return _rebuilt(root, tuple(children))


def _substituted(node: Node, change: dict[Node, Node]) -> Node:
    """Every occurrence of a key of ``change`` replaced by its value, outermost occurrences first."""
    if node in change:
        return change[node]
    children = nodes.children(node)
    if not children:
        return node
    return _rebuilt(node, tuple(_substituted(child, change) for child in children))


def _unsymmetric_matrices(declaration: Declaration, key: Typed) -> list[str]:
    used = {typed.node.name for _, typed in _sites(key) if isinstance(typed.node, nodes.Symbol)}
    return [
        spec.name
        for spec in declaration.symbols
        if spec.name in used
        and spec.is_square
        and spec.shape != SCALAR
        and not spec.assumptions & _SELF_TRANSPOSED
    ]


def _symmetric_variants(root: Node, name: str, sites: list[tuple[Path, Typed]]) -> Iterator[Node]:
    matrix = nodes.Symbol(name)
    transposed = nodes.Transpose(matrix)
    if any(typed.node == transposed for _, typed in sites):
        yield _substituted(root, {transposed: matrix})  # every Mᵀ written as M
        yield _substituted(_substituted(root, {transposed: matrix}), {matrix: transposed})  # every M as Mᵀ
    symmetric_part = nodes.Product(
        (nodes.Sum((matrix, transposed), (1, 1)), nodes.Number(2.0, "2")), (nodes.DIVIDE,)
    )
    yield _substituted(root, {transposed: symmetric_part, matrix: symmetric_part})


def _without_term(node: nodes.Sum, index: int) -> Node:
    terms = [term for position, term in enumerate(node.terms) if position != index]
    signs = [sign for position, sign in enumerate(node.signs) if position != index]
    if len(terms) == 1:
        return terms[0] if signs[0] > 0 else nodes.Negate(terms[0])
    return replace(node, terms=tuple(terms), signs=tuple(signs))


def _flip_sign(node: nodes.Sum, index: int) -> Node:
    signs = tuple(-sign if position == index else sign for position, sign in enumerate(node.signs))
    return replace(node, signs=signs)


def _is_matrix_chain(typed: Typed) -> bool:
    return isinstance(typed.node, nodes.Product) and set(typed.node.operators) <= {
        nodes.MATMUL,
        nodes.JUXTAPOSE,
    }


def _reorderings(typed: Typed) -> Iterator[Node]:
    """Adjacent matrix factors swapped, and all matrix factors reversed (scalars stay where they are)."""
    if not _is_matrix_chain(typed):
        return
    assert isinstance(typed.node, nodes.Product)
    factors = list(typed.node.factors)
    matrices = [index for index, arg in enumerate(typed.args) if arg.shape != SCALAR]
    orders = [
        [*matrices[:position], matrices[position + 1], matrices[position], *matrices[position + 2 :]]
        for position in range(len(matrices) - 1)
    ]
    if len(matrices) > 2:
        orders.append(matrices[::-1])
    for order in orders:
        reordered = list(factors)
        for slot, source in zip(matrices, order, strict=True):
            reordered[slot] = factors[source]
        yield replace(typed.node, factors=tuple(reordered))


def _flip_inverse_transpose(typed: Typed) -> Node | None:
    node = typed.node
    if isinstance(node, nodes.Transpose) and _is_inverse(node.operand):
        return node.operand
    if _is_inverse(node) and typed.shape != SCALAR:
        return nodes.Transpose(node)
    return None


def _is_inverse(node: Node) -> bool:
    return isinstance(node, nodes.Power) and nodes.constant_value(node.exponent) == -1


def _without_factors(typed: Typed) -> Iterator[Node]:
    """The product with one (non-constant) factor left out."""
    node = typed.node
    if not isinstance(node, nodes.Product) or not set(node.operators) <= _CHAIN_OPERATORS:
        return
    for index, factor in enumerate(node.factors):
        if nodes.constant_value(factor) is not None:
            continue  # a missing number is a scalar multiple, diagnosed as such
        factors = node.factors[:index] + node.factors[index + 1 :]
        operators = node.operators[: max(index - 1, 0)] + node.operators[max(index, 1) :]
        yield factors[0] if len(factors) == 1 else replace(node, factors=factors, operators=operators)


# --- evaluating variants -----------------------------------------------------------------------------


def _evaluate(
    declaration: Declaration, expected_text: str, node: Node, samples: Sequence[Sample]
) -> tuple[Shape, tuple[np.ndarray, ...]] | None:
    """The variant's shape and values at the test points; None if it does not shape-check or is too big."""
    inference = Inference(declaration, expected_text)
    try:
        resolved = inference.resolve(inference.infer_root(node))
        program = compile_program(resolved)
        values = []
        for sample in samples:
            program.check_size(sample.sizes)
            rows, cols = (known(size).evaluate(sample.sizes) for size in resolved.shape)
            values.append(np.broadcast_to(program(sample), (sample.draws, rows, cols)))
    except AnswerError:
        return None
    return resolved.shape, tuple(values)


def _agree(values: Sequence[np.ndarray], references: Sequence[np.ndarray]) -> bool:
    return all(
        agreeing_draws(value, reference).all() for value, reference in zip(values, references, strict=True)
    )
