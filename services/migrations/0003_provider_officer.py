"""The provider officer's link to a provider moves from accounts.User.provider to ProviderOfficer here, so the
accounts app no longer depends on the catalog. Existing links are copied, and so is their history: each
change of a user's provider in the user's history becomes a record of the membership (created, changed,
deleted) with the same time, author and reason. accounts.0003 drops the old column after this runs."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def copy_links_and_history(apps, schema_editor):
    user_model = apps.get_model("accounts", "User")
    historical_user = apps.get_model("accounts", "HistoricalUser")
    officer_model = apps.get_model("services", "ProviderOfficer")
    historical_officer = apps.get_model("services", "HistoricalProviderOfficer")
    current = dict(user_model.objects.filter(provider__isnull=False).values_list("pk", "provider_id"))
    history: dict[int, list] = {}
    for row in historical_user.objects.order_by("id", "history_date", "history_id").values(
        "id", "provider_id", "history_date", "history_user_id", "history_change_reason"
    ):
        history.setdefault(row["id"], []).append(row)
    records = []
    for user_id in sorted(set(current) | set(history)):
        episodes = []  # (membership rows of one period of work for providers)
        previous = None
        for row in history.get(user_id, []):
            provider_id = row["provider_id"]
            if provider_id == previous:
                continue
            if previous is None:
                episodes.append([("+", row, provider_id)])
            elif provider_id is None:
                episodes[-1].append(("-", row, previous))
            else:
                episodes[-1].append(("~", row, provider_id))
            previous = provider_id
        for index, episode in enumerate(episodes):
            last = index == len(episodes) - 1
            if last and user_id in current:
                membership_id = officer_model.objects.create(user_id=user_id, provider_id=current[user_id]).pk
            else:  # a membership that ended: its id is taken from the table, as a deleted row's would be
                ended = officer_model.objects.create(user_id=user_id, provider_id=episode[0][2])
                membership_id = ended.pk
                ended.delete()
            for kind, row, provider_id in episode:
                records.append(
                    historical_officer(
                        id=membership_id,
                        user_id=user_id,
                        provider_id=provider_id,
                        history_type=kind,
                        history_date=row["history_date"],
                        history_user_id=row["history_user_id"],
                        history_change_reason=row["history_change_reason"],
                    )
                )
        if not episodes and user_id in current:  # linked without a history record (a bulk update)
            officer_model.objects.create(user_id=user_id, provider_id=current[user_id])
    historical_officer.objects.bulk_create(records)


def copy_links_back(apps, schema_editor):
    user_model = apps.get_model("accounts", "User")
    officer_model = apps.get_model("services", "ProviderOfficer")
    for user_id, provider_id in officer_model.objects.values_list("user_id", "provider_id"):
        user_model.objects.filter(pk=user_id).update(provider_id=provider_id)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_provider"),
        ("services", "0002_trigram_search"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    run_before = [("accounts", "0003_user_provider_leaves")]

    operations = [
        migrations.CreateModel(
            name="HistoricalProviderOfficer",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "provider",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="services.provider",
                        verbose_name="provider",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="staff member",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical provider officer",
                "verbose_name_plural": "historical provider officers",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ProviderOfficer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "provider",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="officers",
                        to="services.provider",
                        verbose_name="provider",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="provider_officer",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="staff member",
                    ),
                ),
            ],
            options={
                "verbose_name": "provider officer",
                "verbose_name_plural": "provider officers",
            },
        ),
        migrations.RunPython(copy_links_and_history, copy_links_back),
    ]
