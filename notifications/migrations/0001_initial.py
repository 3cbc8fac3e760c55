"""Notification enters this app's state; its table (applications_notification) was created by the case app
and stays as it is. The content type follows, so permissions and admin log entries are kept."""

import django.db.models.deletion
from django.db import migrations, models

MODELS = ["notification"]


def _move_content_types(apps, old_label: str, new_label: str) -> None:
    """The content types (and with them the models' permissions and admin log entries) follow the models."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if content_type.objects.filter(app_label=old_label, model=model).exists():
            content_type.objects.filter(app_label=new_label, model=model).delete()
            content_type.objects.filter(app_label=old_label, model=model).update(app_label=new_label)


def move_content_types_forward(apps, schema_editor):
    _move_content_types(apps, "applications", "notifications")


def move_content_types_backward(apps, schema_editor):
    _move_content_types(apps, "notifications", "applications")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("applications", "0011_notification_and_summary_tables_leave"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "event",
                            models.CharField(
                                choices=[
                                    ("registered", "application registered"),
                                    ("result_ready", "result ready"),
                                    ("refused", "refused"),
                                    ("overdue", "term extended (apology)"),
                                ],
                                max_length=20,
                                verbose_name="event",
                            ),
                        ),
                        (
                            "channel",
                            models.CharField(
                                choices=[("email", "e-mail"), ("sms", "SMS")], max_length=10, verbose_name="channel"
                            ),
                        ),
                        (
                            "recipient",
                            models.CharField(help_text="Masked for display.", max_length=100, verbose_name="recipient"),
                        ),
                        ("expected_date", models.DateField(blank=True, null=True, verbose_name="new expected date")),
                        (
                            "status",
                            models.CharField(
                                choices=[("pending", "pending"), ("sent", "sent"), ("failed", "failed")],
                                default="pending",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                        ("last_error", models.TextField(blank=True, verbose_name="last error")),
                        (
                            "provider_message_id",
                            models.CharField(blank=True, max_length=255, verbose_name="provider message id"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                        (
                            "application",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to="applications.application",
                                verbose_name="application",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "db_table": "applications_notification",
                        "ordering": ["application", "created_at", "id"],
                        "indexes": [models.Index(fields=["status", "created_at"], name="notification_status")],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("application", "event", "channel"), name="one_notification_per_event"
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types_forward, move_content_types_backward),
    ]
