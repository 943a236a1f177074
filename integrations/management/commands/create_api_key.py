from django.core.management.base import BaseCommand, CommandError

from integrations.models import ApiKey, Integration


class Command(BaseCommand):
    help = "Create an API key for an integration (created if new) and print it once; only its hash is stored."

    def add_arguments(self, parser):
        parser.add_argument("integration", help="the integration's name, e.g. 'Moodle'")
        parser.add_argument("--name", default="command line", help="what the key is for")
        # Required: a key gets exactly the scopes asked for (the `bank` scope reads every answer key).
        parser.add_argument(
            "--scopes",
            required=True,
            help=f"comma-separated, from {', '.join(ApiKey.Scope.values)}",
        )

    def handle(self, integration, name, scopes, **options):
        wanted = [scope.strip() for scope in scopes.split(",") if scope.strip()]
        unknown = sorted(set(wanted) - set(ApiKey.Scope.values))
        if unknown or not wanted:
            raise CommandError(f"Unknown scopes {unknown}; choose from {', '.join(ApiKey.Scope.values)}.")
        record, _ = Integration.objects.get_or_create(name=integration)
        key, secret = ApiKey.issue(record, name, wanted)
        self.stderr.write(f"API key {key.prefix}… for {record.name} with scopes {', '.join(wanted)}.")
        self.stderr.write("Copy it now: it is not stored and cannot be shown again.")
        self.stdout.write(secret)
