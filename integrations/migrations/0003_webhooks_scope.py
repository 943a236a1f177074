"""Webhook endpoints now need the `webhooks` scope. Keys that could already list their learners' results keep
the webhooks they could register before (deliveries carry the same scores); other keys lose them."""

from django.db import migrations


def grant_webhooks_to_results_keys(apps, schema_editor):
    ApiKey = apps.get_model("integrations", "ApiKey")
    for key in ApiKey.objects.all():
        if "results" in key.scopes and "webhooks" not in key.scopes:
            key.scopes = [*key.scopes, "webhooks"]
            key.save(update_fields=["scopes"])


class Migration(migrations.Migration):
    dependencies = [("integrations", "0002_integration_return_origins")]

    operations = [migrations.RunPython(grant_webhooks_to_results_keys, migrations.RunPython.noop)]
