"""The dashboards' summary tables enter this app's state; their tables (applications_dailystats,
applications_monthlystats, applications_openstats) were created by the case app and stay as they are. The
content types follow, so permissions and admin log entries are kept."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["dailystats", "monthlystats", "openstats"]


def _move_content_types(apps, old_label: str, new_label: str) -> None:
    """The content types (and with them the models' permissions and admin log entries) follow the models."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if content_type.objects.filter(app_label=old_label, model=model).exists():
            content_type.objects.filter(app_label=new_label, model=model).delete()
            content_type.objects.filter(app_label=old_label, model=model).update(app_label=new_label)


def move_content_types_forward(apps, schema_editor):
    _move_content_types(apps, "applications", "reporting")


def move_content_types_backward(apps, schema_editor):
    _move_content_types(apps, "reporting", "applications")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0002_user_provider"),
        ("applications", "0011_notification_and_summary_tables_leave"),
        ("services", "0002_trigram_search"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DailyStats",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("registered", models.IntegerField(default=0, verbose_name="registered")),
                        (
                            "fees",
                            models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name="fees, UAH"),
                        ),
                        ("completed", models.IntegerField(default=0, verbose_name="completed")),
                        ("completed_on_time", models.IntegerField(default=0, verbose_name="completed on time")),
                        ("processing_days_sum", models.IntegerField(default=0, verbose_name="processing days, total")),
                        (
                            "legal_term_days_sum",
                            models.IntegerField(default=0, verbose_name="days allowed by the term, total"),
                        ),
                        ("issued", models.IntegerField(default=0, verbose_name="issued")),
                        ("refused", models.IntegerField(default=0, verbose_name="refused")),
                        (
                            "left_without_consideration",
                            models.IntegerField(default=0, verbose_name="left without consideration"),
                        ),
                        ("withdrawn", models.IntegerField(default=0, verbose_name="withdrawn")),
                        ("unclaimed", models.IntegerField(default=0, verbose_name="unclaimed")),
                        ("date", models.DateField(verbose_name="date")),
                        (
                            "office",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="accounts.office",
                                verbose_name="office",
                            ),
                        ),
                        (
                            "provider",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="services.provider",
                                verbose_name="provider",
                            ),
                        ),
                        (
                            "registered_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="registered by",
                            ),
                        ),
                        (
                            "service",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="services.service",
                                verbose_name="service",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "daily statistics",
                        "verbose_name_plural": "daily statistics",
                        "db_table": "applications_dailystats",
                        "indexes": [models.Index(fields=["office", "date"], name="daily_stats_office_date")],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("date", "office", "service", "provider", "registered_by"),
                                name="daily_stats_key",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="MonthlyStats",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("registered", models.IntegerField(default=0, verbose_name="registered")),
                        (
                            "fees",
                            models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name="fees, UAH"),
                        ),
                        ("completed", models.IntegerField(default=0, verbose_name="completed")),
                        ("completed_on_time", models.IntegerField(default=0, verbose_name="completed on time")),
                        ("processing_days_sum", models.IntegerField(default=0, verbose_name="processing days, total")),
                        (
                            "legal_term_days_sum",
                            models.IntegerField(default=0, verbose_name="days allowed by the term, total"),
                        ),
                        ("issued", models.IntegerField(default=0, verbose_name="issued")),
                        ("refused", models.IntegerField(default=0, verbose_name="refused")),
                        (
                            "left_without_consideration",
                            models.IntegerField(default=0, verbose_name="left without consideration"),
                        ),
                        ("withdrawn", models.IntegerField(default=0, verbose_name="withdrawn")),
                        ("unclaimed", models.IntegerField(default=0, verbose_name="unclaimed")),
                        ("month", models.DateField(verbose_name="month")),
                        (
                            "office",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="accounts.office",
                                verbose_name="office",
                            ),
                        ),
                        (
                            "provider",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="services.provider",
                                verbose_name="provider",
                            ),
                        ),
                        (
                            "registered_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="registered by",
                            ),
                        ),
                        (
                            "service",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="services.service",
                                verbose_name="service",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "monthly statistics",
                        "verbose_name_plural": "monthly statistics",
                        "db_table": "applications_monthlystats",
                        "indexes": [models.Index(fields=["office", "month"], name="monthly_stats_office_month")],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("month", "office", "service", "provider", "registered_by"),
                                name="monthly_stats_key",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="OpenStats",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("draft", "draft"),
                                    ("registered", "registered"),
                                    ("sent_to_provider", "sent to the provider"),
                                    ("in_progress", "in progress"),
                                    ("returned_for_revision", "returned for revision"),
                                    ("suspended", "suspended"),
                                    ("result_ready", "result ready"),
                                    ("issued", "issued"),
                                    ("refused", "refused"),
                                    ("left_without_consideration", "left without consideration"),
                                    ("withdrawn", "withdrawn"),
                                    ("unclaimed", "unclaimed"),
                                ],
                                max_length=32,
                                verbose_name="status",
                            ),
                        ),
                        ("due_date", models.DateField(verbose_name="due date")),
                        ("count", models.IntegerField(default=0, verbose_name="cases")),
                        (
                            "office",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="accounts.office",
                                verbose_name="office",
                            ),
                        ),
                        (
                            "provider",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="services.provider",
                                verbose_name="provider",
                            ),
                        ),
                        (
                            "registered_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="registered by",
                            ),
                        ),
                        (
                            "service",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="services.service",
                                verbose_name="service",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "open cases",
                        "verbose_name_plural": "open cases",
                        "db_table": "applications_openstats",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("office", "service", "provider", "registered_by", "status", "due_date"),
                                name="open_stats_key",
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types_forward, move_content_types_backward),
    ]
