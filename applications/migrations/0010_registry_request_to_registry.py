"""RegistryRequest moves to the registry app, keeping its table (applications_registryrequest): here it
only leaves this app's state; registry.0001 takes it over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0009_personal_data_access_to_security"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="RegistryRequest",
                ),
            ],
        ),
    ]
