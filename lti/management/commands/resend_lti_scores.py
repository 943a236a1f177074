import time

from django.core.management.base import BaseCommand

from lti.tasks import resend_stale_scores


class Command(BaseCommand):
    help = (
        "Send the LTI score posts whose next attempt is due. With --every N, repeat every N seconds (the "
        "embedded mode's stand-in for Celery beat, started by `make run`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, help="repeat every this many seconds until stopped")

    def handle(self, every=None, **options):
        while True:
            sent = resend_stale_scores()
            if options["verbosity"] > 1 or sent:
                self.stdout.write(f"Sent {sent} due LTI score post(s).")
            if not every:
                return
            time.sleep(every)
