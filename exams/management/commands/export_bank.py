from django.core.management.base import BaseCommand

from exams.bank import export_bank


class Command(BaseCommand):
    help = "Write the question bank as YAML, one file per domain, in the format import_bank reads."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, directory, **options):
        for file in export_bank(directory):
            self.stdout.write(f"Wrote {file}")
