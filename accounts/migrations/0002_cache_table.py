from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # django-ratelimit keeps sign-in counts in the shared cache; on the embedded default that cache is a
    # database table, so every migrated database (tests included) gets it. A no-op for Redis caches.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
