"""The database cache table (sign-in and API rate limits count there when no CACHE_URL is set), made by
`migrate` so that `migrate` alone gives a working app. With CACHE_URL (Redis) there is nothing to create;
createcachetable is idempotent, so running it as well is harmless."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_signinlink")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
