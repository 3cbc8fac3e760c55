"""RegistryRequest enters this app's state; its table (applications_registryrequest) was created by the case
app and stays as it is. The content type follows, so permissions and admin log entries are kept."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["registryrequest"]


def _move_content_types(apps, old_label: str, new_label: str) -> None:
    """The content types (and with them the models' permissions and admin log entries) follow the models."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if content_type.objects.filter(app_label=old_label, model=model).exists():
            content_type.objects.filter(app_label=new_label, model=model).delete()
            content_type.objects.filter(app_label=old_label, model=model).update(app_label=new_label)


def move_content_types_forward(apps, schema_editor):
    _move_content_types(apps, "applications", "registry")


def move_content_types_backward(apps, schema_editor):
    _move_content_types(apps, "registry", "applications")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0002_user_provider"),
        ("applications", "0010_registry_request_to_registry"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RegistryRequest",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        (
                            "registry",
                            models.CharField(
                                choices=[
                                    ("eddr_person", "Unified State Demographic Register (person)"),
                                    ("edr_subject", "Unified State Register of legal entities"),
                                    ("drrp_rights", "State Register of Real Property Rights"),
                                    ("dzk_parcel", "State Land Cadastre (land parcel)"),
                                    ("rtg_residence", "Register of the territorial community (residence)"),
                                ],
                                max_length=30,
                                verbose_name="registry",
                            ),
                        ),
                        ("query", models.JSONField(verbose_name="query")),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("pending", "waiting"),
                                    ("running", "in progress"),
                                    ("succeeded", "received"),
                                    ("not_found", "not found"),
                                    ("failed", "failed"),
                                    ("unavailable", "registry unavailable"),
                                ],
                                default="pending",
                                max_length=20,
                                verbose_name="state",
                            ),
                        ),
                        ("message", models.TextField(blank=True, verbose_name="message")),
                        ("attempts", models.JSONField(blank=True, default=list, verbose_name="attempts")),
                        ("response", models.JSONField(blank=True, null=True, verbose_name="response")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished")),
                        (
                            "response_removed_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="response removed under the retention rules"
                            ),
                        ),
                        (
                            "applicant",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="registry_requests",
                                to="applications.applicant",
                                verbose_name="applicant",
                            ),
                        ),
                        (
                            "application",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="registry_requests",
                                to="applications.application",
                                verbose_name="application",
                            ),
                        ),
                        (
                            "office",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="accounts.office",
                                verbose_name="office",
                            ),
                        ),
                        (
                            "requested_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="requested by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "registry request",
                        "verbose_name_plural": "registry requests",
                        "db_table": "applications_registryrequest",
                        "ordering": ["-created_at"],
                        "indexes": [models.Index(fields=["state", "updated_at"], name="registry_request_state")],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types_forward, move_content_types_backward),
    ]
