from django.core.management.base import BaseCommand

from reporting.queue_stats import rebuild_queue_stats
from reporting.stats import rebuild_stats


class Command(BaseCommand):
    help = "Recompute the dashboards' summary tables from the applications, their status changes and the queue tickets."

    def handle(self, *args, **options):
        counts = rebuild_stats()
        queue_rows = rebuild_queue_stats()
        self.stdout.write(
            f"Summary tables rebuilt: {counts['daily']} daily rows, {counts['monthly']} monthly rows, "
            f"{counts['open']} open-case rows, {queue_rows} queue rows."
        )
