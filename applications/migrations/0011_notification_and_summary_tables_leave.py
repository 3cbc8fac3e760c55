"""Notification moves to the notifications app, DailyStats, MonthlyStats and OpenStats to the reporting app,
each keeping its table (applications_notification, applications_dailystats, ...): here they only leave
this app's state; notifications.0001 and reporting.0001 take them over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0010_registry_request_to_registry"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="DailyStats"),
                migrations.DeleteModel(name="MonthlyStats"),
                migrations.DeleteModel(name="OpenStats"),
            ],
        ),
    ]
