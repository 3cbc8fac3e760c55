from django.core.management.base import BaseCommand

from cnap.security.retention import apply_retention, retention_cutoff


class Command(BaseCommand):
    help = "Remove scans and registry responses of cases closed longer than CNAP_RETENTION_DAYS ago."

    def handle(self, *args, **options):
        result = apply_retention()
        removed = ", ".join(f"{name} {count}" for name, count in result.items()) or "nothing registered"
        self.stdout.write(f"Cut-off {retention_cutoff():%d.%m.%Y}: removed {removed}.")
