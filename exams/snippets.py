"""Code in question texts: fenced blocks whose info string says how the tests treat them.

A block marked ```python is *runnable*: tests/exams/test_shipped_snippets.py runs every one in the shipped
bank (with NumPy and SymPy, under a time limit) and fails on an exception. Blocks for frameworks that are not
installed are *illustrative* — ```pytorch, ```jax, ```tensorflow — and must at least parse as Python. Any
other block that reads as Python is refused, so that no snippet escapes both checks. Plain Python (no Django).
"""

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass

RUNNABLE = "python"
ILLUSTRATIVE = ("pytorch", "jax", "tensorflow")
# Python-Markdown's fenced_code syntax: the fences start a line; the info string is the first word after them.
FENCED = (
    r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\s`]*)[^\n]*\n"
    r"(?P<code>.*?)(?<=\n)(?P=fence)[ \t]*$"
)
INLINE = r"(?<!\\)(?P<ticks>`+)(?P<inline>.+?)(?<!`)(?P=ticks)(?!`)"
CODE = re.compile(f"(?P<block>{FENCED})|(?P<span>{INLINE})", re.MULTILINE | re.DOTALL)
BLOCK = re.compile(FENCED, re.MULTILINE | re.DOTALL)
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
    return [CodeBlock(match["info"], match["code"]) for match in BLOCK.finditer(text or "")]


def split_code(text: str) -> Iterator[tuple[str, bool]]:
    """The text in pieces, each with whether it is code (a fenced block or an `inline span`)."""
    end = 0
    for match in CODE.finditer(text):
        if match.start() > end:
            yield text[end : match.start()], False
        yield match.group(0), True
        end = match.end()
    if end < len(text):
        yield text[end:], False


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
