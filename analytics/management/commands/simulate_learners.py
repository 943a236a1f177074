from django.core.management.base import BaseCommand, CommandError

from analytics.simulation import simulate_learners
from exams.models import Exam
from exams.models.attempts import AttemptError


class Command(BaseCommand):
    help = (
        "Create N simulated learners (abilities ~ N(0, 1)) who each take the exam once, answering by an "
        "item-response model, through the real attempt code (for demos of the statistics pages)."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--exam", required=True, help="the exam's slug")
        parser.add_argument("--seed", type=int, default=None, help="for a reproducible run")

    def handle(self, *args, count, exam, seed, **options):
        if not 1 <= count <= 100_000:
            raise CommandError("N is a number of learners from 1 to 100000.")
        found = Exam.objects.filter(slug=exam).first()
        if found is None:
            raise CommandError(
                f"No exam {exam!r}; exams: {', '.join(Exam.objects.values_list('slug', flat=True))}"
            )
        try:
            simulation = simulate_learners(found, count, seed)
        except AttemptError as error:
            raise CommandError(str(error)) from None
        scores = [attempt.score for attempt in simulation.attempts if attempt.score is not None]
        mean = (
            f"{100 * sum(scores) / len(scores):.1f}%" if scores else "not graded yet (a worker grades them)"
        )
        self.stdout.write(f"{count} simulated learners took {found.slug}; mean score {mean}.")
