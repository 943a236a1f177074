"""Every code block of the shipped bank: ```python blocks run with NumPy and SymPy (in a child process, each
in a fresh namespace, under a time limit) and ```pytorch, ```jax and ```tensorflow blocks parse. Randomized
questions are checked in a few variants, every option of a pool included."""

from exams import snippets, variants
from exams.question_types import make_variant, templated_texts
from tests.exams.shipped import is_randomized, shipped_entries
from tests.exams.snippet_runner import run_snippets

SEEDS = range(3)


def shipped_blocks() -> list[tuple[str, snippets.CodeBlock]]:
    """(where, block) for every code block of every variant checked, where = "slug (seed s): field"."""
    found = []
    for item in shipped_entries():
        content = item.content
        for seed in SEEDS if is_randomized(content) else [0]:
            values = make_variant(content, seed).values
            for field, text in templated_texts(content):
                for block in snippets.code_blocks(variants.substitute(text, values)):
                    found.append((f"{content['slug']} (seed {seed}): {field}", block))
    return found


def test_every_runnable_snippet_runs():
    runnable: dict[str, list[str]] = {}
    for where, block in shipped_blocks():
        if block.runnable:
            runnable.setdefault(block.code, []).append(where)
    codes = list(runnable)
    failures = [
        f"{runnable[code][0]}: {error}"
        for code, error in zip(codes, run_snippets(codes), strict=True)
        if error
    ]
    assert failures == []


def test_every_illustrative_snippet_parses():
    failures = [
        f"{where}: {snippets.parse_error(block.code)}"
        for where, block in shipped_blocks()
        if block.info in snippets.ILLUSTRATIVE and snippets.parse_error(block.code)
    ]
    assert failures == []
