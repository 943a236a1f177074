"""How long do item statistics take for an exam that 500 learners took?

    .venv/bin/python benchmarks/item_statistics.py [--learners 500]

Builds a scratch SQLite database (a temporary directory, removed afterwards) holding the sample bank of the
tests (tests/exams/sample_bank: 18 questions of all six types), a 10-question exam drawn from it, and
--learners simulated learners who take it once each through the real attempt code (analytics.simulation),
graded in-process. Printed: the time to simulate, then the time to compute the exam's statistics (every item,
the score distribution, reliability) over all attempts and over first attempts, a question's author-page
statistics, and the CSV export; best of three runs each, wall clock.
"""

import argparse
import io
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def best_of(runs, action):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--learners", type=int, default=500)
    arguments = parser.parse_args()
    scratch = tempfile.TemporaryDirectory(prefix="dxam-statistics-")
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch.name}/bench.sqlite3"
    os.environ["CELERY_BROKER_URL"] = ""  # grading in-process
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    logging.disable(logging.INFO)  # one line per graded attempt otherwise
    from django.core.management import call_command

    from analytics.simulation import simulate_learners
    from analytics.statistics import exam_statistics, question_statistics, to_csv
    from exams.models import Exam, Question

    call_command("migrate", verbosity=0)
    call_command("import_bank", str(ROOT / "tests" / "exams" / "sample_bank"), stdout=io.StringIO())
    exam = Exam.objects.create(
        slug="benchmark", title="Benchmark", description="Ten questions.", blueprint=[{"count": 10}],
        time_limit_minutes=60, pass_mark=60,
    )  # fmt: skip
    start = time.perf_counter()
    simulate_learners(exam, arguments.learners, seed=1)
    simulated = time.perf_counter() - start
    print(f"{arguments.learners} simulated learners × 10 questions, graded: {simulated:.1f} s")
    every, summary = best_of(3, lambda: exam_statistics(exam))
    first, _ = best_of(3, lambda: exam_statistics(exam, first_only=True))
    question = Question.objects.get(slug=summary.items[0].slug)
    page, _ = best_of(3, lambda: question_statistics(question))
    export, _ = best_of(3, lambda: to_csv(summary.items))
    items, attempts = len(summary.items), summary.attempts
    print(f"exam statistics, all attempts ({items} items, {attempts} attempts): {every * 1000:.0f} ms")
    print(f"exam statistics, first attempts: {first * 1000:.0f} ms")
    print(f"one question's statistics (its author page): {page * 1000:.0f} ms")
    print(f"CSV export of the items: {export * 1000:.1f} ms")
    reliability = "—" if summary.reliability is None else f"{summary.reliability:.3f}"
    print(f"(mean score {summary.mean_percent:.1f}%, {summary.reliability_name} {reliability})")
    scratch.cleanup()


if __name__ == "__main__":
    main()
