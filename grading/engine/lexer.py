"""Turn normalized answer text into tokens for the grammar in ``parser``.

``normalize`` has already rewritten Unicode and LaTeX habits into plain spellings. The lexer deals with
everything that depends on the question, on the reading, or on LaTeX commands:

* names are split by the longest declared name, so ``2Ax`` is ``2 A x`` unless ``Ax`` is declared, and
  ``logdet`` is ``log det``; declared names shadow function names; an unknown word is an error that says
  what to write instead (``AT`` → did you mean ``A^T``?, ``e^x`` → ``exp(x)``, ``a`` → ``A``);
* ``A^T``, ``A^t`` (t not declared), ``A^{\\top}``, ``A'``, ``A.T``, ``A.mT``, ``A.t()`` are one TRANSPOSE
  token and ``A^{-T}`` one INVTRANSPOSE;
* NumPy and PyTorch names (``np.linalg.inv``, ``torch.outer``…) are one FUNC token each, methods (``.dot(``,
  ``.sum(``, ``.inverse(``…) one METHOD token, with the canonical names of ``NAMESPACE_FUNCTIONS`` and
  ``METHODS``; anything else under ``np.``/``torch.`` is an error naming what to write instead;
* ``A\\b`` (MATLAB's solve) is a BACKSLASH token when the backslash follows an operand and does not start
  a LaTeX command; ``|…|`` gives BAR_OPEN/BAR_CLOSE by position;
* ``*`` is STAR, ``@`` MATMUL, ``·``/``\\cdot``/``×`` CDOT: the parser decides what STAR means in the reading;
  ``**`` is a power (CARET) in the mathematical reading and EPOW (entrywise power) in the NumPy reading,
  as is MATLAB's ``.^``; MATLAB's ``./`` is EDIV.

``reading`` decides between the two readings of an answer: an answer with a NumPy marker (``np.``,
``numpy.``, ``torch.``, ``@``, ``.T``, ``.mT``, or a method call such as ``.dot(``) is read as NumPy would.

Every step advances through the text with anchored regular expressions or single characters, so lexing is
linear in the input length. Positions in messages are those of the learner's own text (see
``normalize.Normalized.locate``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from lark import Token

from .errors import AnswerError
from .normalize import ONES, Normalized
from .symbols import Declaration

MAX_NESTING = 100
MAX_NUMBER = 1e12
MAX_NUMBER_LENGTH = 20

Reading = Literal["math", "numpy"]

FUNCTION_ALIASES = {
    "tr": "tr",
    "Tr": "tr",
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
    "pinv": "pinv",
    "transpose": "transpose",
    "ones": "ones",
    "eye": "eye",
}
IDENTITY_NAME = "I"

# np.<path>, numpy.<path>, torch.<path>, scipy.<path>: the path, with the canonical function it means.
NAMESPACES = ("np", "numpy", "torch", "scipy")
NAMESPACE_FUNCTIONS = {
    "linalg.inv": "inv", "inverse": "inv", "linalg.pinv": "pinv", "pinverse": "pinv",
    "linalg.solve": "solve", "linalg.det": "det", "det": "det", "linalg.norm": "norm", "norm": "norm",
    "trace": "tr", "outer": "outer", "ger": "outer", "kron": "kron", "dot": "dot", "matmul": "matmul",
    "mm": "matmul", "mv": "matmul", "multiply": "multiply", "mul": "multiply", "eye": "eye", "ones": "ones",
    "exp": "exp", "log": "log", "sqrt": "sqrt", "abs": "abs", "tanh": "tanh", "sigmoid": "sigmoid",
    "special.expit": "sigmoid", "sum": "sum", "diag": "diag", "transpose": "transpose", "t": "transpose",
    "linalg.matrix_power": "matrix_power", "matrix_power": "matrix_power",
}  # fmt: skip
METHODS = {
    "dot": "dot", "t": "transpose", "transpose": "transpose", "inverse": "inv", "pinverse": "pinv",
    "sum": "sum", "trace": "tr", "det": "det", "exp": "exp", "log": "log", "sqrt": "sqrt", "abs": "abs",
    "sigmoid": "sigmoid", "tanh": "tanh", "norm": "norm", "matmul": "matmul", "mm": "matmul", "mv": "matmul",
    "outer": "outer", "ger": "outer", "kron": "kron", "diag": "diag", "diagonal": "diag", "mul": "multiply",
    "multiply": "multiply",
}  # fmt: skip
_TRANSPOSE_ATTRIBUTES = {"T", "mT", "H", "mH"}
_UNSUPPORTED_HINTS = {
    "mean": "write sum(x) / n for a mean",
    "zeros": "write 0 for a zero matrix",
    "identity": "write I_n or np.eye(n)",
    "square": "write x * x",
    "power": "write x ** k",
    "reciprocal": "write 1 / x",
    "divide": "write a / b",
    "subtract": "write a - b",
    "add": "write a + b",
    "negative": "write -x",
    "inner": "write x.T @ y",
    "eig": "decompositions cannot be graded; write the result in closed form",
    "eigh": "decompositions cannot be graded; write the result in closed form",
    "svd": "decompositions cannot be graded; write the result in closed form",
    "qr": "decompositions cannot be graded; write the result in closed form",
    "cholesky": "decompositions cannot be graded; write the result in closed form",
    "lstsq": "write np.linalg.pinv(A) @ b, or inv(A^T A) A^T b",
}
_KEYWORD_ARGUMENTS = frozenset({"axis", "keepdims", "dim", "ord", "dtype", "out", "axes"})

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho",
    "σ": "sigma", "τ": "tau", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma",
    "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Φ": "Phi",
    "Ψ": "Psi", "Ω": "Omega",
}  # fmt: skip

_PUNCTUATION = {
    "+": "PLUS", "-": "MINUS", "@": "MATMUL", "·": "CDOT", "×": "CDOT", "/": "SLASH",
    "(": "LPAR", ")": "RPAR", "[": "LBRACK", "]": "RBRACK", "{": "LBRACE", "}": "RBRACE", ",": "COMMA",
    "⊗": "KRON", "∘": "HADAMARD", "⊙": "HADAMARD", "'": "TRANSPOSE", "⊤": "TRANSPOSE",
}  # fmt: skip
_OPENING = {"LPAR", "LBRACK", "LBRACE", "BAR_OPEN"}
_CLOSING = {"RPAR", "RBRACK", "RBRACE", "BAR_CLOSE"}
# Tokens after which an operand has just ended: a backslash there is a solve, a bar closes an open one.
_OPERAND_ENDS = frozenset(
    {"NUMBER", "NAME", "DIM", "IDENTITY", "ONES", "RPAR", "RBRACK", "RBRACE", "BAR_CLOSE", "TRANSPOSE",
     "INVTRANSPOSE"}
)  # fmt: skip

_LATEX_OPERATORS = {
    "cdot": "CDOT", "times": "CDOT", "ast": "STAR", "otimes": "KRON", "circ": "HADAMARD", "odot": "HADAMARD",
    "oslash": "EDIV", "div": "SLASH", "top": "TRANSPOSE", "intercal": "TRANSPOSE", "frac": "FRAC",
    "dfrac": "FRAC", "tfrac": "FRAC", "backslash": "BACKSLASH", "{": "LBRACE", "}": "RBRACE",
}  # fmt: skip
_LATEX_IGNORED = {
    "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
    "Biggl", "Biggr", "displaystyle", "quad", "qquad", ",", ";", ":", "!", " ", "\\",
}  # fmt: skip
# A style around more than one word (\mathbf{A x}) just groups; ``normalize`` unwraps single words.
_LATEX_STYLES = {
    "mathrm", "operatorname", "mathbf", "mathit", "mathsf", "mathtt", "mathnormal", "boldsymbol", "bm",
    "text", "textrm", "textbf", "textit", "mathbb", "mathcal", "mathds", "mathbbm",
}  # fmt: skip
_LATEX_HINTS = {
    "|": "write norm(x) for ‖x‖",
    "lVert": "write norm(x) for ‖x‖",
    "rVert": "write norm(x) for ‖x‖",
    "Vert": "write norm(x) for ‖x‖",
    "nabla": "type only the expression of the gradient, without ∇ or a left-hand side",
    "partial": "type only the expression of the derivative, without ∂ or a left-hand side",
    "sum": "write sum(x), or 𝟏^T x, instead of a ∑",
    "prod": "products with ∏ are not supported",
}
_HINTS = {
    "=": "type only the expression, without '='",
    "!": "factorials are not supported",
    ":": "indexing and slicing such as A[:, 0] are not supported",
    "‖": "write norm(x) for ‖x‖",
    "∇": "type only the expression of the gradient, without ∇ or a left-hand side",
    "∂": "type only the expression of the derivative, without ∂ or a left-hand side",
    "∑": "write sum(x), or 𝟏^T x, instead of a ∑",
    "%": "write / for a division",
    "&": "write .* or hadamard(a, b) for an entrywise product",
}

_DIGITS = frozenset("0123456789")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
_DIGITS_AND_DOTS = re.compile(r"[0-9.]*[0-9]")
_WORD = re.compile(r"[A-Za-z](?:[A-Za-z0-9]|_\{\s*[A-Za-z0-9]+\s*\}|_)*")
_NAMESPACE_PATH = re.compile(r"(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)+")
_COMMAND = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)
_TRANSPOSE_EXPONENT = re.compile(
    r"""\s*(?:
        \{\s*(?P<braced>-?)\s*(?:(?P<braced_letter>T|t)|\\top|\\intercal|\\mathsf\{T\}|\\mathrm\{T\}|⊤)\s*\}
      | \(\s*(?P<parenthesised>-?)\s*(?:(?P<parenthesised_letter>T|t)|\\top|\\intercal|⊤)\s*\)
      | (?P<bare>-?)\s*(?P<letter>T|t|\\top|\\intercal|⊤)
    )""",
    re.VERBOSE,
)
_SIZE_SUBSCRIPT = re.compile(r"_([A-Za-z][A-Za-z0-9]*|\d+)")
_BRACED_SIZE = re.compile(r"_\{\s*([A-Za-z][A-Za-z0-9]*|\d+)\s*\}")
_METHOD = re.compile(r"\.\s*([A-Za-z_][A-Za-z0-9_]*)(\s*\()?")
_NUMPY_MARKERS = re.compile(
    r"\b(?:np|numpy|torch|scipy)\s*\.\s*[A-Za-z]|@|\.\s*m?T|\.\s*m?H\b|\.\s*[A-Za-z_][A-Za-z0-9_]*\s*\("
)


def reading(text: str) -> Reading:
    """'numpy' when the (normalized) answer has a NumPy or PyTorch marker, else 'math'."""
    return "numpy" if _NUMPY_MARKERS.search(text) else "math"


@dataclass(frozen=True)
class Vocabulary:
    """The words an answer may use: declared symbols, dimension letters, functions and ``I``."""

    kinds: dict[str, tuple[str, str]]  # word -> (token type, canonical value)
    by_initial: dict[str, tuple[str, ...]]  # first letter -> words, longest first
    declared: tuple[str, ...]
    by_folded: dict[str, str]  # lower-cased word -> the word, for "names are case-sensitive" hints

    def longest_at(self, word: str, offset: int) -> str | None:
        for candidate in self.by_initial.get(word[offset], ()):
            if word.startswith(candidate, offset):
                return candidate
        return None


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
    by_folded: dict[str, str] = {}
    for word in sorted(kinds, key=lambda word: (kinds[word][0] != "NAME", word)):
        by_folded.setdefault(word.lower(), word)
    return Vocabulary(
        kinds=kinds,
        by_initial={initial: tuple(words) for initial, words in by_initial.items()},
        declared=declaration.names,
        by_folded=by_folded,
    )


def tokenize(declaration: Declaration, source: Normalized, mode: Reading) -> list[Token]:
    return _Scanner(vocabulary(declaration), source, mode).run()


class _Scanner:
    def __init__(self, words: Vocabulary, source: Normalized, mode: Reading):
        self.words = words
        self.source = source
        self.text = source.text
        self.numpy = mode == "numpy"
        self.tokens: list[Token] = []
        self.depth = 0
        self.open_bars = 0

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
            elif char == "^":
                index = self._caret(index, index + 1)
            elif char == "*":
                index = self._star(index)
            elif char == ".":
                index = self._dot(index)
            elif char == "|":
                self._bar(index)
                index += 1
            elif char == ONES:
                index = self._ones(index)
            elif char in _GREEK:
                self._words(_GREEK[char], [index] * len(_GREEK[char]), index + 1)
                index += 1
            elif char in _PUNCTUATION:
                self._emit(_PUNCTUATION[char], char, index, index + 1)
                index += 1
            else:
                hint = _HINTS.get(char)
                raise AnswerError(
                    f"Unexpected '{char}' at {self.where(index)}" + (f": {hint}" if hint else "")
                )
        return self.tokens

    def where(self, index: int) -> str:
        return self.source.position(index)

    def _emit(self, kind: str, value: str, start: int, end: int) -> None:
        if kind in _OPENING:
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise AnswerError(
                    f"Brackets are nested more than {MAX_NESTING} levels deep at {self.where(start)}"
                )
        elif kind in _CLOSING:
            self.depth -= 1
        line, column = self.source.locate(start)
        self.tokens.append(Token(kind, value, start_pos=start, end_pos=end, line=line, column=column))

    def _after_operand(self) -> bool:
        return bool(self.tokens) and self.tokens[-1].type in _OPERAND_ENDS

    def _number(self, index: int) -> int:
        match = _NUMBER.match(self.text, index)
        assert match is not None  # the caller saw a digit, or a dot before a digit
        literal = match.group()
        run = _DIGITS_AND_DOTS.match(self.text, index)
        if run is not None and len(run.group()) > len(literal):  # 1.5.2
            raise AnswerError(f"The number '{run.group()}' at {self.where(index)} has more than one '.'")
        if len(literal) > MAX_NUMBER_LENGTH or float(literal) > MAX_NUMBER:
            raise AnswerError(
                f"The number at {self.where(index)} is too long or too large "
                f"(at most {MAX_NUMBER_LENGTH} characters and {MAX_NUMBER:.0e})"
            )
        self._emit("NUMBER", literal, index, match.end())
        return match.end()

    def _word(self, index: int) -> int:
        match = _WORD.match(self.text, index)
        assert match is not None  # the caller saw a letter
        if match.group() in NAMESPACES and _NAMESPACE_PATH.match(self.text, match.end()):
            return self._namespace(index, match.group(), match.end())
        # Drop the braces of LaTeX subscripts (x_{1} is the name x_1) but remember where each letter was.
        letters, places = [], []
        for offset, char in enumerate(match.group()):
            if char not in "{} \t\n\r":
                letters.append(char)
                places.append(index + offset)
        self._words("".join(letters), places, match.end())
        return match.end()

    def _namespace(self, index: int, root: str, after: int) -> int:
        path_match = _NAMESPACE_PATH.match(self.text, after)
        assert path_match is not None
        segments = [segment.strip() for segment in path_match.group().split(".")[1:]]
        # The longest known path wins: torch.linalg.inv(…), and np.linalg itself is not a function.
        for count in range(len(segments), 0, -1):
            function = NAMESPACE_FUNCTIONS.get(".".join(segments[:count]))
            if function is not None:
                end = after + _path_length(path_match.group(), count)
                self._emit("FUNC", function, index, end)
                return end
        written = f"{root}.{'.'.join(segments)}"
        hint = _UNSUPPORTED_HINTS.get(
            segments[-1], "write it with @, .T, inv, det, tr, sum, exp or log instead"
        )
        raise AnswerError(
            f"The function {written} at {self.where(index)} is not supported in answers: {hint}"
        )

    def _words(self, word: str, places: list[int], end: int) -> None:
        """Split ``word`` into vocabulary entries, longest first; ``places[i]`` is where letter i was."""
        offset = 0
        while offset < len(word):
            entry = self.words.longest_at(word, offset)
            if entry is None:
                raise self._unknown(word, offset, places, end)
            kind, value = self.words.kinds[entry]
            stop = offset + len(entry)
            if kind == "IDENTITY":
                stop, value = self._size_suffix(word, stop, places, "I")
            token_end = places[stop] if stop < len(word) else end
            self._emit(kind, value, places[offset], token_end)
            offset = stop

    def _unknown(self, word: str, offset: int, places: list[int], end: int) -> AnswerError:
        """An unknown word, with what the learner most likely meant."""
        rest, where = word[offset:], self.where(places[0])
        following = self.text[end:].lstrip()[:1]
        if offset > 0 and (rest[0] == "T" or (rest[0] == "t" and "t" not in self.words.kinds)):
            suggestion = word[:offset] + "^T" + rest[1:]
            return AnswerError(
                f"Unknown name '{word}' at {where}: did you mean {suggestion}? Write ^T (or ') for a "
                "transpose"
            )
        if rest == "e" and following == "^":
            return AnswerError(f"Unknown name 'e' at {self.where(places[offset])}: write exp(x) for e^x")
        if rest in _KEYWORD_ARGUMENTS and following == "=":
            return AnswerError(
                f"Keyword arguments such as {rest}= at {where} are not supported: sum(x), norm(x) and the "
                "other functions take the whole matrix"
            )
        if word.lower() in self.words.by_folded:  # Inv, TRACE: the whole word in another case
            offset, rest = 0, word
        folded = [
            self.words.by_folded[rest[:length].lower()]
            for length in range(len(rest), 0, -1)
            if rest[:length].lower() in self.words.by_folded
        ]
        if folded:
            return AnswerError(
                f"Unknown name '{word}' at {where}: did you mean {word[:offset]}{folded[0]}"
                f"{rest[len(folded[0]) :]}? Names are case-sensitive"
            )
        message = f"Unknown name '{word}' at {where}; the declared names are {', '.join(self.words.declared)}"
        if following == "(":
            functions = ", ".join(sorted(dict.fromkeys(FUNCTION_ALIASES.values())))
            message += f", and the functions are {functions}"
        return AnswerError(message)

    def _size_suffix(self, word: str, stop: int, places: list[int], what: str) -> tuple[int, str]:
        """``I_n`` / ``I_{3}`` (braces already dropped): an explicit size after ``I``; (stop, "") if none."""
        match = _SIZE_SUBSCRIPT.match(word, stop)
        if match is None:
            return stop, ""
        size = self._size(match.group(1), places[stop - 1], what)
        return stop + 1 + len(size), size

    def _size(self, written: str, index: int, what: str) -> str:
        """The size at the start of ``written``: all its digits, or the longest dimension letter."""
        if written.isdigit():
            return written
        for length in range(len(written), 0, -1):
            if self.words.kinds.get(written[:length], ("",))[0] == "DIM":
                return written[:length]
        raise AnswerError(
            f"The size in {what}_{written} at {self.where(index)} must be a dimension letter or a number"
        )

    def _ones(self, index: int) -> int:
        """``𝟏`` (the ones vector the context needs) or ``𝟏_n`` / ``𝟏_{n}`` (of size n)."""
        braced = _BRACED_SIZE.match(self.text, index + 1)
        plain = _SIZE_SUBSCRIPT.match(self.text, index + 1)
        if braced is not None:
            size, end = self._size(braced.group(1), index, "1"), braced.end()
            if size != braced.group(1):
                raise AnswerError(f"The size of the ones vector at {self.where(index)} must be one dimension")
        elif plain is not None:
            size = self._size(plain.group(1), index, "1")
            end = index + 2 + len(size)
        else:
            size, end = "", index + 1
        self._emit("ONES", size, index, end)
        return end

    def _command(self, index: int) -> int:
        match = _COMMAND.match(self.text, index)
        if match is None:
            raise AnswerError(f"A lone backslash at {self.where(index)}")
        name, end = match.group(1), match.end()
        if self._solves(name, end):
            self._emit("BACKSLASH", "\\", index, index + 1)
            return index + 1
        if name in _LATEX_IGNORED:
            if name in ("left", "right") and self.text.startswith(".", end):
                return end + 1  # \left. is an invisible delimiter
            return end
        if name in _LATEX_OPERATORS:
            self._emit(_LATEX_OPERATORS[name], match.group(), index, end)
            return end
        if name in _LATEX_STYLES:
            return end
        if name in _LATEX_HINTS:
            raise AnswerError(f"Unexpected '\\{name}' at {self.where(index)}: {_LATEX_HINTS[name]}")
        if name in self.words.kinds:
            self._words(name, list(range(index + 1, end)), end)
            return end
        if name in _GREEK.values():
            raise self._unknown(name, 0, [index], end)
        raise AnswerError(f"Unsupported LaTeX command '\\{name}' at {self.where(index)}")

    def _solves(self, name: str, end: int) -> bool:
        """Is this backslash MATLAB's solve (``A\\b``, ``A \\ (b + c)``) rather than a LaTeX command?"""
        if not self._after_operand():
            return False
        if name.isspace():
            following = self.text[end:].lstrip()[:1]
            return following.isalnum() or following in ("(", ONES)
        if name in ("(", "["):
            return True
        if not name.isalpha() or name in _LATEX_OPERATORS or name in _LATEX_IGNORED or name in _LATEX_STYLES:
            return False
        if name in _LATEX_HINTS or name in _GREEK.values():
            return False
        first = self.words.longest_at(name, 0)  # \b, \bx: declared names, not a LaTeX command
        return first is not None and self.words.kinds[first][0] != "FUNC"

    def _caret(self, index: int, after: int) -> int:
        match = _TRANSPOSE_EXPONENT.match(self.text, after)
        if match and not self._is_a_power_of_a_word(match):
            inverse = match.group("braced") or match.group("parenthesised") or match.group("bare")
            self._emit(
                "INVTRANSPOSE" if inverse else "TRANSPOSE", self.text[index : match.end()], index, match.end()
            )
            return match.end()
        self._emit("CARET", self.text[index:after], index, after)
        return after

    def _is_a_power_of_a_word(self, match: re.Match[str]) -> bool:
        """``c^Theta`` (Theta declared) and ``c^t`` (t declared) are powers, not transposes."""
        letter = match.group("letter")
        if letter is None:  # {t} or (t): a power exactly when t is declared
            return "t" in (match.group("braced_letter"), match.group("parenthesised_letter")) and (
                "t" in self.words.kinds
            )
        if letter not in ("T", "t"):
            return False
        word_match = _WORD.match(self.text, match.start("letter"))
        assert word_match is not None
        entry = self.words.longest_at(word_match.group(), 0)
        if entry is not None and len(entry) > 1:
            return True
        return letter == "t" and "t" in self.words.kinds

    def _star(self, index: int) -> int:
        if not self.text.startswith("**", index):
            self._emit("STAR", "*", index, index + 1)
            return index + 1
        if self.numpy:  # NumPy's ** raises each entry to the power
            self._emit("EPOW", "**", index, index + 2)
            return index + 2
        return self._caret(index, index + 2)

    def _dot(self, index: int) -> int:
        following = self.text[index + 1 : index + 2]
        if following in ("*", "/", "^"):
            kind = {"*": "HADAMARD", "/": "EDIV", "^": "EPOW"}[following]
            self._emit(kind, "." + following, index, index + 2)
            return index + 2
        match = _METHOD.match(self.text, index)
        if match is None:
            raise AnswerError(f"Unexpected '.' at {self.where(index)}")
        name, call = match.group(1), match.group(2)
        if name in _TRANSPOSE_ATTRIBUTES and not call:
            self._emit("TRANSPOSE", match.group(), index, match.end())
            return match.end()
        if name.startswith("T") and not call:  # A.Tx: the transpose of A, then x
            self._emit("TRANSPOSE", ".T", index, match.start(1) + 1)
            return match.start(1) + 1
        if call and name in METHODS:
            self._emit("METHOD", METHODS[name], index, match.end(1))
            return match.end(1)
        written = f".{name}()" if call else f".{name}"
        hint = {"I": "write inv(A)", "inv": "write inv(A) or A.inverse()"}.get(
            name, "the methods are " + ", ".join(f".{method}()" for method in sorted(METHODS)) + " and .T"
        )
        raise AnswerError(f"The method {written} at {self.where(index)} is not supported: {hint}")

    def _bar(self, index: int) -> None:
        if self.open_bars and self._after_operand():
            self.open_bars -= 1
            self._emit("BAR_CLOSE", "|", index, index + 1)
        else:
            self.open_bars += 1
            self._emit("BAR_OPEN", "|", index, index + 1)


def _path_length(path: str, count: int) -> int:
    """The length of the first ``count`` segments of a dotted ``path`` such as '.linalg.inv'."""
    seen, index = 0, 0
    while index < len(path):
        if path[index] == ".":
            seen += 1
            if seen > count:
                return len(path[:index].rstrip())
        index += 1
    return len(path)
