from django.core.management.base import BaseCommand

from reporting.stats import rebuild_stats


class Command(BaseCommand):
    help = "Recompute the dashboards' summary tables from the applications and their status changes."

    def handle(self, *args, **options):
        counts = rebuild_stats()
        self.stdout.write(
            f"Summary tables rebuilt: {counts['daily']} daily rows, {counts['monthly']} monthly rows, "
            f"{counts['open']} open-case rows."
        )
