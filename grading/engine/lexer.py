"""Turn answer text into tokens for the grammar in ``parser``.

The lexer, not the grammar, deals with everything that depends on the question or on LaTeX habits:

* names are split by the longest declared name, so ``2Ax`` is ``2 A x`` unless ``Ax`` is declared, and
  ``logdet`` is ``log det``; declared names shadow function names; an unknown word is an error listing the
  declared names;
* ``A^T``, ``A^{\\top}``, ``A'``, ``A.T``, ``Aᵀ`` become one TRANSPOSE token and ``A^{-T}`` one INVTRANSPOSE;
* light LaTeX (``\\left(``, ``\\cdot``, ``\\otimes``, ``\\mathrm{tr}``, ``\\frac``, ``\\lambda``…) and a few
  Unicode symbols map onto the same tokens as their plain spellings.

Every step advances through the text with anchored regular expressions or single characters, so lexing is
linear in the input length.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from lark import Token

from .errors import AnswerError
from .symbols import Declaration

MAX_NESTING = 100
MAX_NUMBER = 1e12
MAX_NUMBER_LENGTH = 20

FUNCTION_ALIASES = {
    "tr": "tr",
    "trace": "tr",
    "det": "det",
    "log": "log",
    "ln": "log",
    "exp": "exp",
    "sqrt": "sqrt",
    "abs": "abs",
    "sigmoid": "sigmoid",
    "sigma": "sigmoid",
    "tanh": "tanh",
    "kron": "kron",
    "hadamard": "hadamard",
    "vec": "vec",
    "diag": "diag",
    "norm": "norm",
    "sum": "sum",
    "inv": "inv",
    "transpose": "transpose",
    "ones": "ones",
}
IDENTITY_NAME = "I"

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho",
    "σ": "sigma", "τ": "tau", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma",
    "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Φ": "Phi",
    "Ψ": "Psi", "Ω": "Omega",
}  # fmt: skip

_PUNCTUATION = {
    "+": "PLUS", "-": "MINUS", "−": "MINUS", "*": "STAR", "@": "STAR", "·": "STAR", "⋅": "STAR",
    "×": "STAR", "/": "SLASH", "(": "LPAR", ")": "RPAR", "[": "LBRACK", "]": "RBRACK", "{": "LBRACE",
    "}": "RBRACE", ",": "COMMA", "⊗": "KRON", "∘": "HADAMARD", "⊙": "HADAMARD", "'": "TRANSPOSE",
    "′": "TRANSPOSE", "’": "TRANSPOSE", "ᵀ": "TRANSPOSE", "⊤": "TRANSPOSE",
}  # fmt: skip
_OPENING = {"LPAR", "LBRACK", "LBRACE"}
_CLOSING = {"RPAR", "RBRACK", "RBRACE"}

_LATEX_OPERATORS = {
    "cdot": "STAR", "times": "STAR", "ast": "STAR", "otimes": "KRON", "circ": "HADAMARD",
    "odot": "HADAMARD", "top": "TRANSPOSE", "intercal": "TRANSPOSE", "frac": "FRAC", "dfrac": "FRAC",
    "tfrac": "FRAC", "{": "LBRACE", "}": "RBRACE",
}  # fmt: skip
_LATEX_IGNORED = {
    "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
    "Biggl", "Biggr", "displaystyle", "quad", "qquad", ",", ";", ":", "!", " ",
}  # fmt: skip
_LATEX_STYLES = {
    "mathrm", "operatorname", "mathbf", "mathit", "mathsf", "boldsymbol", "bm", "text", "textrm",
    "mathbb", "mathcal",
}  # fmt: skip
_LATEX_BARS = {"|", "lVert", "rVert", "lvert", "rvert", "Vert", "vert", "mid"}
_HINTS = {
    "|": "bars are not supported: write abs(x) for a scalar or norm(x) for a vector",
    "=": "type only the expression, without '='",
    "!": "factorials are not supported",
}

_DIGITS = frozenset("0123456789")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
_DIGITS_AND_DOTS = re.compile(r"[0-9.]*[0-9]")
_WORD = re.compile(r"[A-Za-z](?:[A-Za-z0-9]|_\{\s*[A-Za-z0-9]+\s*\}|_)*")
_COMMAND = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)
_STYLED_WORD = re.compile(r"\s*\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}")
_TRANSPOSE_EXPONENT = re.compile(
    r"""\s*(?:
        \{\s*(?P<braced>-?)\s*(?:T|\\top|\\intercal|\\mathsf\{T\}|\\mathrm\{T\}|⊤)\s*\}
      | \(\s*(?P<parenthesised>-?)\s*(?:T|\\top|\\intercal|⊤)\s*\)
      | (?P<bare>-?)\s*(?P<letter>T|\\top|\\intercal|⊤)
    )""",
    re.VERBOSE,
)
_SUPERSCRIPT = re.compile(r"(⁻?)([⁰¹²³⁴⁵⁶⁷⁸⁹]+|ᵀ)")
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_IDENTITY_SIZE = re.compile(r"_([A-Za-z][A-Za-z0-9]*|\d+)")


def position(text: str, index: int) -> str:
    """'column 9' for one-line text, 'line 2, column 3' otherwise (1-based, as people count)."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"column {column}" if line == 1 else f"line {line}, column {column}"


class _Lines:
    """Line and column of an index in O(log lines), so that locating every token stays linear overall."""

    def __init__(self, text: str):
        self.starts = [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]

    def locate(self, index: int) -> tuple[int, int]:
        line = bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1


@dataclass(frozen=True)
class Vocabulary:
    """The words an answer may use: declared symbols, dimension letters, functions and ``I``."""

    kinds: dict[str, tuple[str, str]]  # word -> (token type, canonical value)
    by_initial: dict[str, tuple[str, ...]]  # first letter -> words, longest first
    declared: tuple[str, ...]

    def longest_at(self, word: str, offset: int) -> str | None:
        for candidate in self.by_initial.get(word[offset], ()):
            if word.startswith(candidate, offset):
                return candidate
        return None

    def unknown(self, word: str, text: str, index: int) -> AnswerError:
        return AnswerError(
            f"unknown name '{word}' at {position(text, index)}; the declared names are "
            f"{', '.join(self.declared)}"
        )


@lru_cache(maxsize=256)
def vocabulary(declaration: Declaration) -> Vocabulary:
    kinds: dict[str, tuple[str, str]] = {
        name: ("FUNC", canonical) for name, canonical in FUNCTION_ALIASES.items()
    }
    kinds[IDENTITY_NAME] = ("IDENTITY", "")
    kinds.update((name, ("DIM", name)) for name in declaration.dimension_names)
    kinds.update((name, ("NAME", name)) for name in declaration.names)  # declared names win
    by_initial: dict[str, list[str]] = {}
    for word in sorted(kinds, key=len, reverse=True):
        by_initial.setdefault(word[0], []).append(word)
    return Vocabulary(
        kinds=kinds,
        by_initial={initial: tuple(words) for initial, words in by_initial.items()},
        declared=declaration.names,
    )


def tokenize(declaration: Declaration, text: str) -> list[Token]:
    return _Scanner(vocabulary(declaration), text).run()


class _Scanner:
    def __init__(self, words: Vocabulary, text: str):
        self.words = words
        self.text = text
        self.tokens: list[Token] = []
        self.depth = 0
        self.lines = _Lines(text)

    def run(self) -> list[Token]:
        text, index = self.text, 0
        while index < len(text):
            char = text[index]
            if char.isspace():
                index += 1
            elif char in _DIGITS or (char == "." and text[index + 1 : index + 2] in _DIGITS):
                index = self._number(index)
            elif char.isascii() and char.isalpha():
                index = self._word(index)
            elif char == "\\":
                index = self._command(index)
            elif char == "^" or text.startswith("**", index):
                index = self._caret(index, index + (1 if char == "^" else 2))
            elif char == ".":
                index = self._dot(index)
            elif char in "⁻⁰¹²³⁴⁵⁶⁷⁸⁹" or (char == "ᵀ"):
                index = self._superscript(index)
            elif char in _GREEK:
                self._words(_GREEK[char], [index] * len(_GREEK[char]), index + 1)
                index += 1
            elif char in _PUNCTUATION:
                self._emit(_PUNCTUATION[char], char, index, index + 1)
                index += 1
            else:
                hint = _HINTS.get(char)
                raise AnswerError(
                    f"unexpected '{char}' at {position(text, index)}" + (f": {hint}" if hint else "")
                )
        return self.tokens

    def _emit(self, kind: str, value: str, start: int, end: int) -> None:
        if kind in _OPENING:
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise AnswerError(
                    f"brackets are nested more than {MAX_NESTING} levels deep at {position(self.text, start)}"
                )
        elif kind in _CLOSING:
            self.depth -= 1
        line, column = self.lines.locate(start)
        self.tokens.append(Token(kind, value, start_pos=start, end_pos=end, line=line, column=column))

    def _number(self, index: int) -> int:
        match = _NUMBER.match(self.text, index)
        literal = match.group()
        run = _DIGITS_AND_DOTS.match(self.text, index).group()
        if len(run) > len(literal):  # 1.5.2
            raise AnswerError(f"the number '{run}' at {position(self.text, index)} has more than one '.'")
        if len(literal) > MAX_NUMBER_LENGTH or float(literal) > MAX_NUMBER:
            raise AnswerError(
                f"the number at {position(self.text, index)} is too long or too large "
                f"(at most {MAX_NUMBER_LENGTH} characters and {MAX_NUMBER:.0e})"
            )
        self._emit("NUMBER", literal, index, match.end())
        return match.end()

    def _word(self, index: int) -> int:
        match = _WORD.match(self.text, index)
        # Drop the braces of LaTeX subscripts (x_{1} is the name x_1) but remember where each letter was.
        letters, places = [], []
        for offset, char in enumerate(match.group()):
            if char not in "{} \t\n\r":
                letters.append(char)
                places.append(index + offset)
        self._words("".join(letters), places, match.end())
        return match.end()

    def _words(self, word: str, places: list[int], end: int) -> None:
        """Split ``word`` into vocabulary entries, longest first; ``places[i]`` is where letter i was."""
        offset = 0
        while offset < len(word):
            entry = self.words.longest_at(word, offset)
            if entry is None:
                raise self.words.unknown(word, self.text, places[0])
            kind, value = self.words.kinds[entry]
            stop = offset + len(entry)
            if kind == "IDENTITY":
                stop, value = self._identity_size(word, stop, places)
            token_end = places[stop] if stop < len(word) else end
            self._emit(kind, value, places[offset], token_end)
            offset = stop

    def _identity_size(self, word: str, stop: int, places: list[int]) -> tuple[int, str]:
        """``I_n`` / ``I_{3}``: the identity with an explicit size (a dimension letter or an integer)."""
        match = _IDENTITY_SIZE.match(word, stop)
        if match is None:
            return stop, ""
        size = match.group(1)
        if size.isdigit():
            return match.end(), size
        for length in range(len(size), 0, -1):
            if self.words.kinds.get(size[:length], ("",))[0] == "DIM":
                return stop + 1 + length, size[:length]
        raise AnswerError(
            f"I_{size} at {position(self.text, places[stop])}: the size of I must be a dimension "
            "letter or a number"
        )

    def _command(self, index: int) -> int:
        match = _COMMAND.match(self.text, index)
        if match is None:
            raise AnswerError(f"a lone backslash at {position(self.text, index)}")
        name, end = match.group(1), match.end()
        if name in _LATEX_IGNORED:
            if name in ("left", "right") and self.text.startswith(".", end):
                return end + 1  # \left. is an invisible delimiter
            return end
        if name in _LATEX_OPERATORS:
            self._emit(_LATEX_OPERATORS[name], match.group(), index, end)
            return end
        if name in _LATEX_STYLES:
            styled = _STYLED_WORD.match(self.text, end)
            if styled is None:
                return end  # e.g. \mathbf{A x}: the braces group as usual
            self._words(styled.group(1), list(range(styled.start(1), styled.end(1))), styled.end(1))
            return styled.end()
        if name in _LATEX_BARS:
            raise AnswerError(f"unexpected '\\{name}' at {position(self.text, index)}: {_HINTS['|']}")
        if name in self.words.kinds:
            self._words(name, list(range(index + 1, end)), end)
            return end
        if name in _GREEK.values():
            raise self.words.unknown(name, self.text, index)
        raise AnswerError(f"unsupported LaTeX command '\\{name}' at {position(self.text, index)}")

    def _caret(self, index: int, after: int) -> int:
        match = _TRANSPOSE_EXPONENT.match(self.text, after)
        if match and not self._starts_declared_word(match):
            inverse = match.group("braced") or match.group("parenthesised") or match.group("bare")
            self._emit(
                "INVTRANSPOSE" if inverse else "TRANSPOSE", self.text[index : match.end()], index, match.end()
            )
            return match.end()
        self._emit("CARET", "^", index, after)
        return after

    def _starts_declared_word(self, match: re.Match) -> bool:
        """``c^Theta`` with Theta declared is a power, not a transpose followed by 'heta'."""
        if match.group("letter") != "T":
            return False
        start = match.start("letter")
        word = _WORD.match(self.text, start).group()
        entry = self.words.longest_at(word, 0)
        return entry is not None and len(entry) > 1

    def _dot(self, index: int) -> int:
        following = self.text[index + 1 : index + 2]
        if following == "*":
            self._emit("HADAMARD", ".*", index, index + 2)
            return index + 2
        if following == "T":
            self._emit("TRANSPOSE", ".T", index, index + 2)
            return index + 2
        raise AnswerError(f"unexpected '.' at {position(self.text, index)}")

    def _superscript(self, index: int) -> int:
        match = _SUPERSCRIPT.match(self.text, index)
        if match is None:
            raise AnswerError(f"unexpected '{self.text[index]}' at {position(self.text, index)}")
        minus, body = match.groups()
        end = match.end()
        if body == "ᵀ":
            self._emit("INVTRANSPOSE" if minus else "TRANSPOSE", match.group(), index, end)
            return end
        self._emit("CARET", "^", index, index)
        if minus:
            self._emit("MINUS", "-", index, index + 1)
        self._emit("NUMBER", body.translate(_SUPERSCRIPT_DIGITS), match.start(2), end)
        return end
