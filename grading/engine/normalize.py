r"""Rewrite what learners paste or type into the spelling the lexer reads, before anything is parsed.

Answers arrive from phones (autocorrect dashes and quotes), PDFs (math-bold letters, superscripts), notebooks
(LaTeX with ``$…$``, ``\frac12``, ``\mathbf{I}_n``) and chat (``\nabla_x f = …``). Each row of ``RULES`` is
one documented rewrite, applied in order; together they map all of these onto the plain notation (``A^T``,
``I_n``, ``norm(x)``, ``(1/2)``), so that the lexer and the grammar stay small. The rows, in the order they
run (each is tested on its own in ``tests/engine/test_normalize.py``):

 1. compatibility (Unicode): NFKC of every non-ASCII character no other row handles — ``𝐀𝐱`` → ``Ax``
 2. dollar signs (LaTeX): ``$`` and ``$$`` are removed — ``$2Ax$`` → ``2Ax``
 3. display wrappers (LaTeX): ``\(…\)`` or ``\[…\]`` around the whole answer — ``\(A x\)`` → ``A x``
 4. backticks (ASCII): Markdown code marks are removed — ```` `A x` ```` → ``A x``
 5. inverse transpose (Unicode): ``⁻ᵀ``, ``⁻ᵗ`` — ``A⁻ᵀ`` → ``A^{-T}``
 6. superscript T (Unicode): ``ᵀ``, ``ᵗ`` — ``xᵀ`` → ``x^T``
 7. superscript numbers (Unicode): runs of ``⁻ ⁰…⁹ ⁿ`` — ``A⁻¹`` → ``A^{-1}``
 8. subscripts (Unicode): runs of ``₀…₉ ₐ ₑ ₖ ₘ ₙ ₓ ᵢ ⱼ …`` — ``Iₙ`` → ``I_{n}``
 9. vulgar fractions (Unicode): ``½ ⅓ ¼ ¾ …``, in brackets — ``½x`` → ``(1/2)x``
10. ones vector (Unicode): ``𝟙`` is ``𝟏`` (see below) — ``𝟙ᵀx`` → ``𝟏^Tx``
11. dashes (Unicode): ``‐ ‑ ‒ – — ― − ﹣ －`` — ``A – B`` → ``A - B``
12. dots and bullets (Unicode): ``∙ • ● ⋅ ⸱`` are the product ``·`` — ``A∙x`` → ``A·x``
13. asterisk operator (Unicode): ``∗`` — ``A∗x`` → ``A*x``
14. division signs (Unicode): ``∕ ⁄ ÷`` — ``x ∕ 2`` → ``x / 2``
15. primes and quotes (Unicode): ``′ ’ ‘ ´ ʹ ʼ`` → ``'`` and ``″`` → ``''`` — ``A′x`` → ``A'x``
16. square root (Unicode): ``√`` — ``√c`` → ``\sqrt c``
17. double bars (Unicode): ``‖…‖``, ``∥…∥``, with a ``₂`` or ``F`` index — ``‖x‖²`` → ``norm(x)^{2}``
18. prime command (LaTeX): ``^\prime``, ``^{\prime}``, ``\prime`` — ``f^\prime`` → ``f'``
19. ones vector (LaTeX): ``\mathbf{1}``, ``\mathbb 1``, ``\bm{1}``, ``\mathds{1}`` —
    ``\mathbf{1}^T x`` → ``𝟏^T x``
20. text styles (LaTeX): ``\mathbf``, ``\mathrm``, ``\operatorname``, ``\bm``… around one word or digit
    become the word, set apart by a space — ``\mathbf{I}_n`` → `` I_n``, ``\operatorname{Tr}`` → `` Tr``
21. fractions (LaTeX): ``\frac``, ``\tfrac``, ``\dfrac`` with single-token arguments get braces —
    ``\frac12 x`` → ``\frac{1}{2} x``
22. absolute bars (LaTeX): ``\left|``, ``\right|``, ``\lvert``, ``\rvert``, ``\vert``, ``\mid`` —
    ``\lvert c\rvert`` → ``|c|``
23. norm bars (LaTeX): ``\|x\|``, ``\lVert x\rVert``, ``||x||`` — ``\|x\|^2`` → ``norm(x)^2``
24. ones vector (ASCII): ``1_n``, ``1_{n}`` — ``1_n^T x`` → ``𝟏_n^T x``
25. shape tuples (NumPy): ``ones((n, 1))``, ``eye((n,))`` — ``np.ones((n, 1))`` → ``np.ones(n, 1)``
26. left-hand side (LaTeX): a leading ``∇f =``, ``\nabla_x f =``, ``\frac{\partial f}{\partial x} =``,
    ``df/dx =``, ``grad =``, ``f'(x) =``, ``J =`` or a bare ``=``, when no other ``=`` follows —
    ``df/dx = 2Ax`` → ``2Ax`` (``A x = b`` stays an error: its left side is not a derivative's name)

The table runs again while a pass still changes something (at most ``MAX_PASSES`` times), because a row can
uncover work for an earlier one: ``grad = \(x\)`` loses its left-hand side in the last row and only then is
wrapped by ``\(…\)`` alone.

``𝟏`` is the one non-ASCII character the lexer reads itself: the ones vector whose length the context
decides (``𝟏ᵀx`` sums x), as ``I`` is the identity of the size the context needs.

Guarantees (property-tested): ``normalize`` never raises, is idempotent, runs in time linear in the length
of the text (every pattern is anchored or scans between two delimiters without backtracking), and changes
the text only through a row that it names in ``Normalized.rules``. An answer that the lexer already reads
keeps its meaning: every rewritten spelling is one the lexer refuses, except the ones that mean the same
thing anyway (``\mathbf{A}`` is ``A``, ``\frac12`` is ``\frac{1}{2}``).

``Normalized.origin`` maps each character of the rewritten text back to the character of the learner's text
it came from, so that messages still give the column the learner sees.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

ONES = "𝟏"  # the ones vector of the size the context needs (see the module docstring)
MAX_PASSES = 3  # a row can uncover work for an earlier one (grad = \(x\)): run the table again, boundedly

Rewrite = Callable[[re.Match[str]], str]


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    family: str  # "ASCII", "LaTeX", "Unicode" or "NumPy"
    pattern: re.Pattern[str]
    rewrite: Rewrite


@dataclass(frozen=True, slots=True)
class Normalized:
    raw: str  # what the learner typed
    text: str  # what the lexer reads
    origin: tuple[int, ...]  # origin[i]: index in ``raw`` of text[i]; one extra entry for the end
    rules: tuple[str, ...]  # names of the rows that changed the text, in the order they ran
    line_starts: tuple[int, ...]  # index in ``raw`` where each line starts

    def locate(self, index: int) -> tuple[int, int]:
        """(line, column) in the learner's text of ``text[index]``, both 1-based; O(log lines)."""
        raw_index = self.origin[min(max(index, 0), len(self.origin) - 1)]
        line = bisect_right(self.line_starts, raw_index)
        return line, raw_index - self.line_starts[line - 1] + 1

    def position(self, index: int) -> str:
        """'column 9' for one-line text, 'line 2, column 3' otherwise, as the learner counts."""
        line, column = self.locate(index)
        return f"column {column}" if line == 1 else f"line {line}, column {column}"


def _fixed(replacement: str) -> Rewrite:
    return lambda match: replacement


def _table(mapping: dict[str, str]) -> Rewrite:
    return lambda match: mapping[match.group()]


# --- Unicode tables ----------------------------------------------------------------------------------

_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻ⁿ", "0123456789-n", strict=True))
_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ", "0123456789aeoxhklmnpstijruv", strict=True))
_FRACTIONS = "½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅐⅛⅜⅝⅞⅑⅒"
_DASHES = "‐‑‒–—―−﹣－"
_BULLETS = "∙•●⋅⸱"
_PRIMES = {"′": "'", "’": "'", "‘": "'", "´": "'", "ʹ": "'", "ʼ": "'", "″": "''"}
# Characters that a row maps explicitly: NFKC must leave them alone (it would turn ᵀ into T and ² into 2).
_EXPLICIT = frozenset(
    "".join(_SUPERSCRIPTS)
    + "".join(_SUBSCRIPTS)
    + _FRACTIONS
    + "ᵀᵗ𝟏𝟙∕⁄÷"
    + _DASHES
    + _BULLETS
    + "".join(_PRIMES)
)


def _superscript_run(match: re.Match[str]) -> str:
    return "^{" + "".join(_SUPERSCRIPTS[char] for char in match.group()) + "}"


def _subscript_run(match: re.Match[str]) -> str:
    return "_{" + "".join(_SUBSCRIPTS[char] for char in match.group()) + "}"


def _fraction(match: re.Match[str]) -> str:
    return "(" + unicodedata.normalize("NFKC", match.group()).replace("⁄", "/") + ")"


@lru_cache(maxsize=4096)
def _compatible(char: str) -> str:
    return unicodedata.normalize("NFKC", char)


def _compatibility(match: re.Match[str]) -> str:
    return "".join(_compatible(char) for char in match.group())


# --- LaTeX patterns ----------------------------------------------------------------------------------

_STYLES = (
    r"mathbf|mathrm|mathit|mathsf|mathtt|mathnormal|boldsymbol|bm|mathbb|mathcal|mathds|mathbbm|"
    r"text|textrm|textbf|textit|operatorname\*?"
)
_FRACTION_ARGUMENT = r"\{[^{}]*\}|[0-9A-Za-z]|\\[A-Za-z]+"
_INDEX = r"(?:_\{?\s*(?:2|F)\s*\}?)?"  # the ₂ or F of a norm: both mean the norm(…) the engine reads


def _braced(argument: str) -> str:
    return argument if argument.startswith("{") else "{" + argument + "}"


def _fraction_braces(match: re.Match[str]) -> str:
    return r"\frac" + _braced(match.group(1)) + _braced(match.group(2))


def _unstyled(match: re.Match[str]) -> str:
    # The space keeps the word apart from what precedes it, as LaTeX does: \otimes\mathbf{B} is \otimes B,
    # and \mathbf{A}\mathbf{x} is A x even where a name Ax is declared.
    return " " + (match.group(1) or match.group(2))


def _norm(match: re.Match[str]) -> str:
    return "norm(" + match.group("body") + ")"


_DERIVATIVE_NAMES = (
    r"grad|gradient|Grad|Gradient|jacobian|Jacobian|hessian|Hessian|derivative|Derivative|answer|Answer|ans"
)
_LEFT_HAND_SIDE = re.compile(
    r"""\A\s*(?:
        (?:\\nabla|∇|\\partial|∂)[^=]*                  # ∇f, \nabla_x f(x), ∂f/∂x, \partial L / \partial W
      | \\[dt]?frac\s*\{\s*(?:\\partial|∂|d)[^=]*     # \frac{\partial f}{\partial x}, \frac{df}{dx}
      | d\s*[A-Za-z\\][^=/]*/\s*d[^=]*                # df/dx, dL/dW, d f / d x
      | (?:"""
    + _DERIVATIVE_NAMES
    + r""")\b[^=]*                                      # grad =, gradient_x f =, J(x) =
      | [A-Za-z]'\s*(?:\(\s*[A-Za-z]\s*\))?\s*         # f'(x) =, f' =
      | J\s*(?:_\{?\s*[A-Za-z]\s*\}?)?\s*(?:\(\s*[A-Za-z]\s*\))?\s*   # J =, J_f =, J(x) =
    )?:?=(?=[^=]*\Z)""",
    re.VERBOSE,
)


def _rule(name: str, family: str, pattern: str, rewrite: Rewrite | str, flags: int = 0) -> Rule:
    return Rule(
        name, family, re.compile(pattern, flags), _fixed(rewrite) if isinstance(rewrite, str) else rewrite
    )


RULES: tuple[Rule, ...] = (
    _rule(
        "compatibility",
        "Unicode",
        r"[^\x00-\x7f" + re.escape("".join(_EXPLICIT)) + ONES + "·]+",
        _compatibility,
    ),
    _rule("dollar signs", "LaTeX", r"\$+", ""),
    _rule("display wrappers", "LaTeX", r"\A\s*\\[(\[](.*)\\[)\]]\s*\Z", lambda m: m.group(1), re.DOTALL),
    _rule("backticks", "ASCII", r"`+", ""),
    _rule("inverse transpose", "Unicode", r"⁻\s*[ᵀᵗ]", "^{-T}"),
    _rule("superscript T", "Unicode", r"[ᵀᵗ]", "^T"),
    _rule("superscript numbers", "Unicode", r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻ⁿ]+", _superscript_run),
    _rule("subscripts", "Unicode", r"[₀₁₂₃₄₅₆₇₈₉ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ]+", _subscript_run),
    _rule("vulgar fractions", "Unicode", f"[{_FRACTIONS}]", _fraction),
    _rule("ones vector (Unicode)", "Unicode", r"𝟙", ONES),
    _rule("dashes", "Unicode", f"[{_DASHES}]", "-"),
    _rule("dots and bullets", "Unicode", f"[{_BULLETS}]", "·"),
    _rule("asterisk operator", "Unicode", r"∗", "*"),
    _rule("division signs", "Unicode", r"[∕⁄÷]", "/"),
    _rule("primes and quotes", "Unicode", "[" + "".join(_PRIMES) + "]", _table(_PRIMES)),
    _rule("square root", "Unicode", r"√\s*", r"\sqrt "),
    _rule("double bars", "Unicode", r"[‖∥](?P<body>[^‖∥]*)[‖∥]" + _INDEX, _norm),
    _rule("prime command", "LaTeX", r"\^\s*\{\s*\\prime\s*\}|\^\s*\\prime\b|\\prime\b", "'"),
    _rule(
        "ones vector (LaTeX)",
        "LaTeX",
        r"\\(?:mathbf|mathbb|mathds|mathbbm|bm|boldsymbol)\s*(?:\{\s*1\s*\}|1(?![0-9]))",
        ONES,
    ),
    _rule(
        "text styles",
        "LaTeX",
        rf"\\(?:{_STYLES})\s*(?:\{{\s*([A-Za-z][A-Za-z0-9]*|[0-9])\s*\}}|\s([A-Za-z]))",
        _unstyled,
    ),
    _rule(
        "fractions",
        "LaTeX",
        rf"\\[dt]?frac(?![A-Za-z])\s*({_FRACTION_ARGUMENT})\s*({_FRACTION_ARGUMENT})",
        _fraction_braces,
    ),
    _rule("absolute bars", "LaTeX", r"(?:\\left|\\right)\s*(?:\||\\vert)|\\[lr]?vert\b|\\mid\b", "|"),
    _rule(
        "norm bars",
        "LaTeX",
        r"(?:\\left\s*)?(?:\\\||\\lVert|\\Vert)"
        r"(?P<body>(?:(?!\\[lr]?Vert|\\\|)[^|])*?)"  # up to the next bar command only: linear time
        r"(?:\\right\s*)?(?:\\\||\\rVert|\\Vert)" + _INDEX + r"|\|\|(?P<plain>[^|]*)\|\|" + _INDEX,
        lambda m: "norm(" + (m.group("body") if m.group("body") is not None else m.group("plain")) + ")",
    ),
    _rule("ones vector (ASCII)", "ASCII", r"(?<![\w.])1_(?=\{\s*\w+\s*\}|[A-Za-z0-9])", ONES + "_"),
    _rule(
        "shape tuples",
        "NumPy",
        r"\b(ones|eye)\s*\(\s*\(\s*([^()]*?)\s*,?\s*\)\s*\)",
        lambda m: f"{m.group(1)}({m.group(2)})",
    ),
    _rule("left-hand side", "LaTeX", _LEFT_HAND_SIDE.pattern, "", re.VERBOSE),
)

# A text made only of these characters, without any of the ASCII triggers below, is left as it is.
_ASCII_TRIGGERS = re.compile(r"[$`\\=|]|\b1_|(?:ones|eye)\s*\(\s*\(")


def verbatim(text: str) -> Normalized:
    """``text`` as it is, with no row applied: what the lexer would read without this layer."""
    lines = (0, *(index + 1 for index, char in enumerate(text) if char == "\n"))
    return Normalized(text, text, tuple(range(len(text) + 1)), (), lines)


def normalize(text: str) -> Normalized:
    """Apply every row of ``RULES`` in order; see the module docstring for the table and its guarantees."""
    return _normalize(text)


@lru_cache(maxsize=4096)
def _normalize(raw: str) -> Normalized:
    unchanged = verbatim(raw)
    if raw.isascii() and not _ASCII_TRIGGERS.search(raw):
        return unchanged
    text, origin, fired = raw, list(unchanged.origin), []
    for _ in range(MAX_PASSES):
        before = text
        for rule in RULES:
            changed = _apply(rule, text, origin)
            if changed is not None:
                text, origin = changed
                fired.append(rule.name)
        if text == before:
            break
    return Normalized(raw, text, tuple(origin), tuple(dict.fromkeys(fired)), unchanged.line_starts)


def _apply(rule: Rule, text: str, origin: list[int]) -> tuple[str, list[int]] | None:
    """The text with every match of ``rule`` rewritten, and its origin map; None if nothing changed."""
    pieces: list[str] = []
    places: list[int] = []
    done = 0
    for match in rule.pattern.finditer(text):
        start, end = match.span()
        replacement = rule.rewrite(match)
        if replacement == match.group():
            continue
        pieces.append(text[done:start])
        places.extend(origin[done:start])
        pieces.append(replacement)
        places.extend(_spread(origin, start, end, len(replacement)))
        done = end
    if not pieces:
        return None
    pieces.append(text[done:])
    places.extend(origin[done:])  # includes the entry for the end of the text
    return "".join(pieces), places


def _spread(origin: list[int], start: int, end: int, length: int) -> list[int]:
    """Origins for a replacement of ``length`` characters standing for ``text[start:end]``."""
    width = max(end - start, 1)
    return [origin[start + min(offset * width // max(length, 1), width - 1)] for offset in range(length)]
