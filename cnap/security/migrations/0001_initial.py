"""The personal-data access log enters this app's state; its table (applications_personaldataaccess)
was created by the case app and prepared for the move by applications.0009, which runs first."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, old_label: str, new_label: str) -> None:
    """The content type (and with it the model's permissions and admin log entries) follows the model."""
    content_type = apps.get_model("contenttypes", "ContentType")
    if content_type.objects.filter(app_label=old_label, model="personaldataaccess").exists():
        content_type.objects.filter(app_label=new_label, model="personaldataaccess").delete()
        content_type.objects.filter(app_label=old_label, model="personaldataaccess").update(app_label=new_label)


def forward(apps, schema_editor):
    _move_content_type(apps, "applications", "security")


def backward(apps, schema_editor):
    _move_content_type(apps, "security", "applications")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PersonalDataAccess",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("accessed_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="when")),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("view_case", "viewed a case"),
                                    ("view_applicant", "viewed an applicant's record"),
                                    ("search_applicants", "searched the applicants"),
                                    ("view_scan", "opened a scan"),
                                    ("view_registry_response", "viewed a registry response"),
                                    ("print_document", "printed a document with personal data"),
                                    ("export_list", "exported a list with personal data"),
                                ],
                                max_length=40,
                                verbose_name="action",
                            ),
                        ),
                        (
                            "application_id",
                            models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name="application"),
                        ),
                        (
                            "application_number",
                            models.CharField(blank=True, max_length=40, verbose_name="application number"),
                        ),
                        (
                            "applicant_id",
                            models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name="applicant"),
                        ),
                        (
                            "registry_request_id",
                            models.UUIDField(blank=True, db_index=True, null=True, verbose_name="registry request"),
                        ),
                        ("scan_id", models.UUIDField(blank=True, db_index=True, null=True, verbose_name="scan")),
                        ("detail", models.CharField(blank=True, max_length=255, verbose_name="what exactly")),
                        ("ip", models.GenericIPAddressField(blank=True, null=True, verbose_name="IP address")),
                        (
                            "hromada",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="accounts.hromada",
                                verbose_name="hromada of the case",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="who",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "personal data access",
                        "verbose_name_plural": "personal data accesses",
                        "db_table": "applications_personaldataaccess",
                        "ordering": ["-accessed_at", "-id"],
                    },
                ),
            ],
        ),
        migrations.RunPython(forward, backward),
    ]
