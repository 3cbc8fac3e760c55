from django.db import migrations


def seed(apps, schema_editor):
    from equeue.priority_categories import CATEGORIES

    PriorityCategory = apps.get_model("equeue", "PriorityCategory")
    for position, data in enumerate(CATEGORIES):
        PriorityCategory.objects.update_or_create(
            code=data["code"], defaults={**data, "position": position, "is_verified": False}
        )


def unseed(apps, schema_editor):
    from equeue.priority_categories import CATEGORIES

    PriorityCategory = apps.get_model("equeue", "PriorityCategory")
    PriorityCategory.objects.filter(code__in=[data["code"] for data in CATEGORIES], tickets__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("equeue", "0002_ticket_cases")]

    operations = [migrations.RunPython(seed, unseed)]
