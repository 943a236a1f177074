"""Accept rates per notation family, from the notation table (tests/engine/test_notation_table.py).

    .venv/bin/python benchmarks/notation.py [--engine CHECKOUT] [--examples N]

For each family (ASCII, LaTeX, NumPy/PyTorch, Unicode, rearranged algebra) it prints the share of right
answers accepted, the share of wrong answers rejected, and the share of wrong answers rejected with the
verdict the table names (incorrect for a well-formed expression, invalid for an unreadable one). With
``--engine`` the same table is graded by the engine of another checkout (say, main before a change), for a
before/after comparison; ``--examples`` lists that many refused right answers per family, with the message.
"""

import argparse
import importlib.util
import sys
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
TABLE = REPO_ROOT / "tests" / "engine" / "test_notation_table.py"


def load_table():
    spec = importlib.util.spec_from_file_location("notation_table", TABLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def percent(part, whole):
    return f"{part:>4}/{whole:<4} {100 * part / whole:6.1f} %" if whole else f"{'-':>16}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", type=Path, default=REPO_ROOT, help="checkout whose grading.engine to use")
    parser.add_argument("--examples", type=int, default=0, help="refused right answers to list per family")
    options = parser.parse_args()
    sys.path.insert(0, str(options.engine.resolve()))
    from grading.engine import check  # noqa: PLC0415  (the engine of the checkout chosen above)

    table = load_table()
    counts = defaultdict(lambda: defaultdict(int))
    refused = defaultdict(list)
    for row in table.ROWS:
        symbols, key = table.QUESTIONS[row.question]
        result = check(symbols, key, row.answer)
        family = counts[row.family]
        if row.right:
            family["right"] += 1
            family["accepted"] += result.verdict == "correct"
            if result.verdict != "correct":
                refused[row.family].append((row.answer, result.message))
        else:
            family["wrong"] += 1
            family["rejected"] += result.verdict != "correct"
            family["as named"] += result.verdict == row.verdict

    print(
        f"engine: {options.engine.resolve()}  ({len(table.ROWS)} answers to {len(table.QUESTIONS)} questions)"
    )
    columns = ("right answers accepted", "wrong answers rejected", "with the named verdict")
    print("\n  " + f"{'family':<16}" + "".join(f"{column:>26}" for column in columns))
    total = defaultdict(int)
    for family in table.FAMILIES:
        for key, value in counts[family].items():
            total[key] += value
    for family, numbers in [*((family, counts[family]) for family in table.FAMILIES), ("all", total)]:
        cells = (
            percent(numbers["accepted"], numbers["right"]),
            percent(numbers["rejected"], numbers["wrong"]),
            percent(numbers["as named"], numbers["wrong"]),
        )
        print(f"  {family:<16}" + "".join(f"{cell:>26}" for cell in cells))
    if options.examples:
        for family in table.FAMILIES:
            for answer, message in refused[family][: options.examples]:
                print(f"  refused ({family}): {answer!r}: {message}"[:160])


if __name__ == "__main__":
    main()
