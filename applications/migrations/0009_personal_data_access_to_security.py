"""The personal-data access log moves to cnap.security (beside its helper), keeping its table.

Its references to cases, applicants, scans and registry requests become plain ids (the foreign-key
constraints are dropped, the columns and their indexes stay), and each row gets the case's number and
hromada copied, so the log is scoped and readable without joining the case app. The model leaves this
app's state here and enters cnap.security's in security.0001 (run after this one)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

TABLE = "applications_personaldataaccess"
TRIGGER = "applications_personaldataaccess_append_only"


def copy_case_number_and_hromada(apps, schema_editor):
    access = apps.get_model("applications", "PersonalDataAccess")
    application = apps.get_model("applications", "Application")
    applicant = apps.get_model("applications", "Applicant")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:  # the append-only trigger refuses UPDATE: this one-off copy is the only exception
        schema_editor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
    case = application.objects.filter(pk=OuterRef("application_id"))
    access.objects.filter(application__isnull=False).update(
        application_number=Subquery(case.values("number")[:1]),
        hromada_id=Subquery(case.values("hromada_id")[:1]),
    )
    person = applicant.objects.filter(pk=OuterRef("applicant_id"))
    access.objects.filter(application__isnull=True, applicant__isnull=False).update(
        hromada_id=Subquery(person.values("hromada_id")[:1])
    )
    if postgres:
        schema_editor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")


def plain_reference(to, related_name="+"):
    return models.ForeignKey(
        blank=True,
        null=True,
        db_constraint=False,
        on_delete=django.db.models.deletion.DO_NOTHING,
        related_name=related_name,
        to=to,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_provider"),
        ("applications", "0008_number_search_index"),
    ]
    run_before = [("security", "0001_initial")]

    operations = [
        migrations.AlterField("personaldataaccess", "application", plain_reference("applications.application")),
        migrations.AlterField("personaldataaccess", "applicant", plain_reference("applications.applicant")),
        migrations.AlterField("personaldataaccess", "scan", plain_reference("applications.scan")),
        migrations.AlterField(
            "personaldataaccess", "registry_request", plain_reference("applications.registryrequest")
        ),
        migrations.AddField(
            model_name="personaldataaccess",
            name="hromada",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.hromada",
                verbose_name="hromada of the case",
            ),
        ),
        migrations.AddField(
            model_name="personaldataaccess",
            name="application_number",
            field=models.CharField(blank=True, default="", max_length=40, verbose_name="application number"),
            preserve_default=False,
        ),
        migrations.RunPython(copy_case_number_and_hromada, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel("PersonalDataAccess")]),
    ]
