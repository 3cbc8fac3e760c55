"""The provider officer's link to a provider lives in the catalog now (services.ProviderOfficer, filled by
services.0003, which runs before this one): the column goes, and accounts no longer depend on the catalog."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_provider"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="historicaluser",
            name="provider",
        ),
        migrations.RemoveField(
            model_name="user",
            name="provider",
        ),
    ]
