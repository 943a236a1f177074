from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from exams.bank import BankInvalid, import_bank


class Command(BaseCommand):
    help = (
        "Import question-bank YAML (a file or a folder of files). Imports nothing if any question is invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a bank YAML file or a folder of them, e.g. exams/bank")
        parser.add_argument("--author", help="e-mail of the user recorded as author of new questions")

    def handle(self, path, author=None, **options):
        user = None
        if author:
            user = User.objects.filter(email__iexact=author).first()
            if user is None:
                raise CommandError(f"No user with the e-mail address {author}.")
        try:
            report = import_bank(path, author=user)
        except FileNotFoundError as error:
            raise CommandError(str(error)) from None
        except BankInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{invalid}; nothing was imported.") from None
        self.stdout.write(
            f"Imported {path}: {report.created} new, {report.updated} changed (new version), "
            f"{report.unchanged} unchanged."
        )
