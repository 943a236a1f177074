import time

from django.core.management.base import BaseCommand

from grading.tasks import sweep_attempts


class Command(BaseCommand):
    help = (
        "Finalize attempts whose time ran out and re-enqueue ungraded ones. With --every N, repeat every N "
        "seconds (the embedded mode's stand-in for Celery beat, started by `make run`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, help="repeat every this many seconds until stopped")

    def handle(self, every=None, **options):
        while True:
            result = sweep_attempts()
            if options["verbosity"] > 1 or result["finalized"] or result["requeued"]:
                self.stdout.write(f"Finalized {result['finalized']}, re-enqueued {result['requeued']}.")
            if not every:
                return
            time.sleep(every)
