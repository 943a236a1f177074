"""Code in question texts: fenced blocks whose info string says how the tests treat them.

A block marked ```python is *runnable*: tests/exams/test_shipped_snippets.py runs every one in the shipped
bank (with NumPy and SymPy, under a time limit) and fails on an exception. Blocks for frameworks that are not
installed are *illustrative* — ```pytorch, ```jax, ```tensorflow — and must at least parse as Python. Any
other block that reads as Python is refused, so that no snippet escapes both checks. Plain Python (no Django).
"""

import ast
import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

RUNNABLE = "python"
ILLUSTRATIVE = ("pytorch", "jax", "tensorflow")
# A fenced block as Python-Markdown's fenced_code reads one: an opening line of three or more backticks (or
# tildes) and an info string, the code, and a line holding the same fence; the info string is its first word.
_OPENING = re.compile(r"(?P<fence>`{3,}(?!`)|~{3,}(?!~))[ \t]*(?P<info>[^\s`]*)[^\n`]*")
# Inline code within a paragraph. A run of backticks is taken whole (never a shorter part of it), so a text
# of many backticks takes linear time rather than retrying every length of every run.
INLINE = re.compile(r"(?<![\\`])(?P<ticks>`+)(?!`)(?:[^\n]|\n(?![ \t]*\n))+?(?<!`)(?P=ticks)(?!`)")
# Statements that prose, shapes or printed output never contain: a block with one of them reads as Python.
_PYTHON_STATEMENTS = (
    ast.Import, ast.ImportFrom, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.FunctionDef, ast.ClassDef,
    ast.For, ast.While, ast.With, ast.If, ast.Try, ast.Return,
)  # fmt: skip


@dataclass(frozen=True)
class CodeBlock:
    info: str
    code: str

    @property
    def runnable(self) -> bool:
        return self.info == RUNNABLE


def code_blocks(text: str) -> list[CodeBlock]:
    """Every fenced code block of a Markdown text, in order."""
    return [block for _, _, block in _fenced(text or "")]


def _fenced(text: str) -> list[tuple[int, int, CodeBlock]]:
    """(start, end, block) of each fenced block, in one pass over the lines (a regex would retry every
    unclosed fence against the rest of the text)."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    closings: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        bare = line.rstrip(" \t")
        if len(bare) >= 3 and (set(bare) == {"`"} or set(bare) == {"~"}):
            closings.setdefault(bare, []).append(index)
    found, index = [], 0
    while index < len(lines) - 1:  # an opening line is followed by a newline
        opening = _OPENING.fullmatch(lines[index])
        candidates = closings.get(opening["fence"], []) if opening else []
        after = bisect.bisect_right(candidates, index)
        if opening is None or after == len(candidates):
            index += 1
            continue
        end = candidates[after]
        code = "".join(line + "\n" for line in lines[index + 1 : end])
        found.append((offsets[index], offsets[end] + len(lines[end]), CodeBlock(opening["info"], code)))
        index = end + 1
    return found


def split_code(text: str) -> Iterator[tuple[str, bool]]:
    """The text in pieces, each with whether it is code (a fenced block or an `inline span`)."""
    position = 0
    for start, end, _ in [*_fenced(text), (len(text), len(text), None)]:
        for match in INLINE.finditer(text, position, start):
            if match.start() > position:
                yield text[position : match.start()], False
            yield match.group(0), True
            position = match.end()
        if start > position:
            yield text[position:start], False
        if end > start:
            yield text[start:end], True
        position = end


def parse_error(code: str) -> str | None:
    """Why ``code`` is not valid Python, or None."""
    try:
        ast.parse(code)
    except SyntaxError as error:
        return f"{error.msg} (line {error.lineno} of the block)"
    except (ValueError, RecursionError, MemoryError):
        return "it cannot be read (nested too deeply or holds a NUL character)"
    return None


def reads_as_python(code: str) -> bool:
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return any(isinstance(node, _PYTHON_STATEMENTS) for node in ast.walk(tree))


def problems(text: str) -> list[str]:
    """Messages about the code blocks of one text: marked blocks must parse, unmarked Python is refused."""
    found = []
    for block in code_blocks(text):
        if block.info == RUNNABLE or block.info in ILLUSTRATIVE:
            error = parse_error(block.code)
            if error:
                found.append(f"The ```{block.info} block is not valid Python: {error}.")
        elif reads_as_python(block.code):
            marked = f"marked ```{block.info}" if block.info else "not marked"
            found.append(
                f"A code block that reads as Python is {marked}: mark it ```python (the tests run it with "
                f"NumPy and SymPy) or ```{', ```'.join(ILLUSTRATIVE)} (illustrative, checked to parse)."
            )
    return found
