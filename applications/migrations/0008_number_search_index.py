"""A trigram index on UPPER(number): the list's search by a part of the registration number filters with
``number__icontains``, which PostgreSQL runs as ``UPPER(number) LIKE UPPER('%…%')``; the index of 0002 is on
``number`` itself and cannot serve it, so the search read every case of the office (make bench, docs/benchmarks.md).
PostgreSQL only, as 0002, so the embedded SQLite mode still migrates."""

from django.db import migrations

NAME = "application_number_upper_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON applications_application USING gin (UPPER(number) gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("applications", "0007_personal_data_access_scan_and_actions")]

    operations = [migrations.RunPython(create_index, drop_index)]
