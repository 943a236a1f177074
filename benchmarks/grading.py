"""How fast does grading.engine.check grade a new answer?

    .venv/bin/python benchmarks/grading.py [--quick] [--clock cpu]

Items are the questions and answers of tests/engine/test_cookbook_table.py (Matrix Cookbook identities and
ML gradients: correct rewrites, the usual mistakes, some ill-formed input) and of
tests/engine/test_notation_table.py (the same kind of questions answered in ASCII, LaTeX, NumPy/PyTorch,
Unicode and rearranged algebra). Every answer text is checked once, so no result comes from a cache. Each
question is asked twice (the reference as written and parenthesised) and its answers are split between
them, so every question has a first, "cold" check (the engine has not seen the question) followed by
"warm" checks (question seen, new answer).

Printed: p50/p95 ms per check and checks per second on one core, cold and warm, by verdict and by table;
incorrect answers separately, since only they pay for the diagnosis (the mistake variants of a question are
built on its first incorrect answer); the split of the time between the stages (cProfile in a fresh
process, so again nothing is cached); and how check time grows with the length of the answer. No Django,
no database.

``--clock cpu`` times with the process's CPU clock instead of the wall clock: on a machine shared with other
work, a check that waits for a core is then not counted as slow. On an idle machine both agree.
"""

import argparse
import cProfile
import gc
import importlib.util
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

# One core: pin the BLAS/OpenMP pools before the engine imports numpy.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from grading.engine import check  # noqa: E402

TABLE = REPO_ROOT / "tests" / "engine" / "test_cookbook_table.py"
NOTATION_TABLE = REPO_ROOT / "tests" / "engine" / "test_notation_table.py"
ENGINE_DIR = REPO_ROOT / "grading" / "engine"
WARM_TARGET_P50_MS = 1.0
WARM_TARGET_P95_MS = 3.0
DIAGNOSED_TARGET_P95_MS = 10.0
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCKS["wall"]
LENGTHS = (50, 200, 800, 1900)
LENGTH_SYMBOLS = {"A": {"shape": ["m", "n"]}, "x": {"shape": ["n", 1]}, "b": {"shape": ["m", 1]}}
LENGTH_EXPECTED = "2 A^T (A x - b)"

# Stages by engine module (design.md: parser, shapes, numeric, symbolic, compare, diagnose, latex).
STAGES = {
    "normalize": ("normalize.py", "limits.py"),
    "parsing": ("lexer.py", "parser.py", "nodes.py", "grammar.py"),
    "shapes": ("shapes.py", "dims.py", "symbols.py"),
    "numeric": ("numeric.py", "sampling.py", "evaluate.py", "accuracy.py"),
    "symbolic": ("symbolic.py",),
    "compare": ("compare.py", "errors.py"),
    "diagnosis": ("diagnose.py", "misconceptions.py"),
    "latex": ("latex.py",),
}


# --- items -------------------------------------------------------------------------------------------


def load_table(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def table_questions():
    """(table, symbols, expected, [answers]) for both tables, before de-duplication and splitting."""
    for identity in load_table(TABLE).IDENTITIES:
        answers = [identity.expected, *identity.correct, *(w.answer for w in identity.wrong)]
        yield "cookbook", identity.symbols, identity.expected, answers
    notation = load_table(NOTATION_TABLE)
    for name, (symbols, expected) in notation.QUESTIONS.items():
        answers = [row.answer for row in notation.ROWS if row.question == name]
        yield "notation", symbols, expected, [expected, *answers]


def build_questions(quick=False):
    """[(table, symbols, expected, [answers])]: two questions per table entry, each answer text used once
    per table."""
    seen = set()
    questions = []
    entries = list(table_questions())
    if quick:
        entries = entries[::4]
    for table, symbols, expected, answers in entries:
        answers = [a for a in answers if not ((table, a) in seen or seen.add((table, a)))]
        half = (len(answers) + 1) // 2
        for question, part in ((expected, answers[:half]), (f"({expected})", answers[half:])):
            if part:
                questions.append((table, symbols, question, part))
    return questions


def length_items(target):
    """Five distinct correct answers of about `target` characters: the reference plus cancelling terms."""
    items = []
    for variant in range(5):
        answer, k = LENGTH_EXPECTED, 1 + 100 * variant
        while len(term := f" + {k} A^T b - {k} A^T b") + len(answer) <= target:
            answer, k = answer + term, k + 1
        items.append(answer)
    return items


# --- measuring ---------------------------------------------------------------------------------------


def timed_check(symbols, expected, answer):
    started = clock()
    try:
        result = check(symbols, expected, answer)
    except Exception as error:  # an engine bug: count it, keep going
        return (clock() - started) * 1000, f"EXCEPTION {type(error).__name__}: {error}", None
    return (clock() - started) * 1000, result.verdict, result.method


def warm_up():
    """Import and first-call costs (lazily loaded sympy…) are reported apart from the cold checks: a few
    correct, incorrect and invalid answers to a question used nowhere else."""
    symbols = {"u": {"shape": ["k", 1]}, "M": {"shape": ["k", "k"]}}
    started = clock()
    for answer in ("M u + M' u", "M u", "2 M u", "-(M + M^T) u", "u^T M", "M u)"):
        check(symbols, "(M + M^T) u", answer)
    return (clock() - started) * 1000


class GcPauses:
    """Collector pauses during the timed run: a full collection lands inside some unlucky check."""

    def __init__(self):
        self.pauses = []  # (generation, ms)
        self._started = 0.0

    def __call__(self, phase, info):
        if phase == "start":
            self._started = clock()
        else:
            self.pauses.append((info["generation"], (clock() - self._started) * 1000))

    def summary(self):
        if not self.pauses:
            return "no collections"
        generation, longest = max(self.pauses, key=lambda pause: pause[1])
        total = sum(ms for _, ms in self.pauses)
        full = sum(1 for g, _ in self.pauses if g == 2)
        return (
            f"{len(self.pauses)} collections ({full} full), {total:.0f} ms in all, "
            f"longest {longest:.0f} ms (generation {generation})"
        )


def run(questions):
    """Times of the cold and warm checks; a row (ms, verdict, method, expected, answer, table, warm) each."""
    cold, warm, rows = [], [], []
    pauses = GcPauses()
    gc.callbacks.append(pauses)
    try:
        for table, symbols, expected, answers in questions:
            for position, answer in enumerate(answers):
                ms, verdict, method = timed_check(symbols, expected, answer)
                (cold if position == 0 else warm).append(ms)
                rows.append((ms, verdict, method, expected, answer, table, position > 0))
    finally:
        gc.callbacks.remove(pauses)
    return cold, warm, rows, pauses


def percentile(values, q):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_line(label, values):
    if not values:
        return f"  {label:<30}{0:>6}"
    mean = statistics.fmean(values)
    return (
        f"  {label:<30}{len(values):>6}{percentile(values, 50):>10.2f}{percentile(values, 95):>10.2f}"
        f"{mean:>10.2f}{max(values):>10.1f}{1000 / mean:>12.0f}"
    )


# --- where the time goes -----------------------------------------------------------------------------


def engine_module(filename):
    path = Path(filename)
    return path.name if path.parent == ENGINE_DIR else None


def stage_split(profile):
    """Exclusive time per engine module: its own code plus the library calls it makes (numpy, sympy,
    lark…), minus what it spends in other engine modules. Derived from cProfile's caller table."""
    stats = pstats.Stats(profile).stats
    inclusive = defaultdict(float)
    outgoing = defaultdict(float)
    for (filename, _, _), (_, _, _, _, callers) in stats.items():
        module = engine_module(filename)
        if module is None:
            continue
        for (caller_file, _, _), caller_stats in callers.items():
            if caller_file == "~" or caller_file.startswith("<"):
                continue  # a builtin (all, sorted, map…) or generated code: its own caller has the time
            caller_module = engine_module(caller_file)
            cumulative = caller_stats[3]
            if caller_module != module:
                inclusive[module] += cumulative
                if caller_module is not None:
                    outgoing[caller_module] += cumulative
    total = sum(
        stats_entry[3]
        for (filename, _, name), stats_entry in stats.items()
        if name == "check" and engine_module(filename) is not None
    )
    exclusive = {module: inclusive[module] - outgoing[module] for module in inclusive}
    return total, exclusive


def profile_in_this_process(quick):
    questions = build_questions(quick)
    warm_up()
    profile = cProfile.Profile()
    profile.enable()
    for _, symbols, expected, answers in questions:
        for answer in answers:
            timed_check(symbols, expected, answer)
    profile.disable()
    total, exclusive = stage_split(profile)
    print(json.dumps({"total": total, "exclusive": exclusive}))


def profile_in_a_fresh_process(quick):
    command = [sys.executable, str(Path(__file__).resolve()), "--profile-only"] + (
        ["--quick"] if quick else []
    )
    completed = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, timeout=1800)
    if completed.returncode != 0:
        return None, completed.stderr.strip().splitlines()[-1:] or ["profiling failed"]
    return json.loads(completed.stdout.strip().splitlines()[-1]), None


# --- report ------------------------------------------------------------------------------------------


def print_environment():
    print("environment")
    print(f"  python {sys.version.split()[0]}, {os.cpu_count()} cpus visible, timing on one core")
    for var in (
        "OPENBLAS_CORETYPE",
        "OPENBLAS_L2_SIZE",
        "OPENBLAS_NUM_THREADS",
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
    ):
        if os.environ.get(var) is not None:
            print(f"  {var}={os.environ[var]}")


def main():
    global clock
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a quarter of the questions")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall", help="wall (default) or cpu time")
    parser.add_argument("--profile-only", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    clock = CLOCKS[options.clock]
    if options.profile_only:
        profile_in_this_process(options.quick)
        return

    print_environment()
    print(f"  clock: {options.clock}")
    started = time.perf_counter()
    first_call_ms = warm_up()
    questions = build_questions(options.quick)
    cold, warm, rows, pauses = run(questions)
    elapsed = time.perf_counter() - started
    answers = sum(len(a) for *_, a in questions)

    print(f"\nitems: {answers} distinct answers to {len(questions)} questions, {elapsed:.1f}s in all")
    print(
        f"warm-up, six checks in a fresh process (imports, lazy loading): {first_call_ms:.0f} ms, not counted"
    )
    print(f"\n  {'':<30}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}{'max ms':>10}{'checks/s':>12}")
    print(summary_line("cold (new question)", cold))
    print(summary_line("warm (seen question)", warm))
    print(summary_line("all", cold + warm))
    groups = defaultdict(list)
    for ms, verdict, method, _, _, table, is_warm in rows:
        groups[f"  verdict {verdict if not verdict.startswith('EXCEPTION') else 'exception'}"].append(ms)
        groups[f"  method {method}"].append(ms)
        if is_warm:
            groups[f"  warm, {table} table"].append(ms)
    for label in sorted(groups):
        print(summary_line(label, groups[label]))
    diagnosed = [ms for ms, verdict, *_, is_warm in rows if verdict == "incorrect" and is_warm]
    print(summary_line("incorrect, diagnosed (warm)", diagnosed))

    warm_p50, warm_p95 = percentile(warm, 50), percentile(warm, 95)
    met = warm_p50 <= WARM_TARGET_P50_MS and warm_p95 <= WARM_TARGET_P95_MS
    print(
        f"\ntarget (warm, new answer): p50 <= {WARM_TARGET_P50_MS:g} ms, p95 <= {WARM_TARGET_P95_MS:g} ms: "
        f"{'MET' if met else 'NOT MET'} ({warm_p50:.2f} / {warm_p95:.2f})"
    )
    diagnosed_p95 = percentile(diagnosed, 95)
    print(
        f"target (incorrect answer with diagnosis, warm): p95 <= {DIAGNOSED_TARGET_P95_MS:g} ms: "
        f"{'MET' if diagnosed_p95 <= DIAGNOSED_TARGET_P95_MS else 'NOT MET'} ({diagnosed_p95:.2f})"
    )

    print(f"garbage collector during the run: {pauses.summary()}")
    repeat = [timed_check(*_question_of(row, questions))[0] for row in rows[:: max(1, len(rows) // 100)]]
    print(
        f"repeated answers (result cache): p50 {percentile(repeat, 50):.3f} ms over {len(repeat)} re-checks"
    )

    slowest = sorted(rows, key=lambda row: -row[0])[:5]
    print("\nslowest checks")
    for ms, verdict, method, expected, answer, *_ in slowest:
        print(f"  {ms:8.1f} ms  {verdict:<10} {method!s:<9} {expected!r} <- {answer!r}"[:150])
    exceptions = [row for row in rows if row[1].startswith("EXCEPTION")]
    if exceptions:
        print(f"\n{len(exceptions)} checks raised (engine bugs), e.g.:")
        for _, verdict, _, expected, answer, *_ in exceptions[:5]:
            print(f"  {expected!r} <- {answer!r}: {verdict}"[:200])

    print("\nwhere the time goes (cProfile, same items in a fresh process; profiler overhead included)")
    split, error = profile_in_a_fresh_process(options.quick)
    if split is None:
        print(f"  unavailable: {error}")
    else:
        total = split["total"] or sum(split["exclusive"].values())
        grouped = defaultdict(float)
        for module, seconds in split["exclusive"].items():
            stage = next((name for name, files in STAGES.items() if module in files), f"other ({module})")
            grouped[stage] += seconds
        for stage, seconds in sorted(grouped.items(), key=lambda item: -item[1]):
            print(f"  {stage:<28}{seconds * 1000:>10.0f} ms {100 * seconds / total:>6.1f} %")
        print(f"  {'total in check()':<28}{total * 1000:>10.0f} ms")

    print("\ncheck time by answer length (correct answers, distinct, median of 5)")
    print(f"  {'chars':>7}{'ms':>10}{'us/char':>10}")
    check(LENGTH_SYMBOLS, LENGTH_EXPECTED, "2 A^T A x - 2 A^T b")  # the question is warm
    for target in LENGTHS:
        items = length_items(target)
        times = [timed_check(LENGTH_SYMBOLS, LENGTH_EXPECTED, answer)[0] for answer in items]
        length = statistics.median(len(answer) for answer in items)
        median = statistics.median(times)
        print(f"  {length:>7.0f}{median:>10.2f}{1000 * median / length:>10.1f}")


def _question_of(row, questions):
    expected, answer = row[3], row[4]
    for _, symbols, question_expected, answers in questions:
        if question_expected == expected and answer in answers:
            return symbols, expected, answer
    raise LookupError(answer)


if __name__ == "__main__":
    main()
