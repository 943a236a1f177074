from django.core.management.base import BaseCommand

from lti import keys


class Command(BaseCommand):
    help = "Start signing LTI messages with a new key; the previous one stays published until it is retired."

    def handle(self, *args, **options):
        key = keys.rotate()
        self.stdout.write(f"dxam now signs with key {key}.")
