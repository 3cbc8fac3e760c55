from django.core.management.base import BaseCommand

from cnap.security.retention import apply_retention, retention_cutoff


class Command(BaseCommand):
    help = "Remove scans and registry responses of cases closed longer than CNAP_RETENTION_DAYS ago."

    def handle(self, *args, **options):
        result = apply_retention()
        self.stdout.write(
            f"Cut-off {retention_cutoff():%d.%m.%Y}: removed {result['scans']} scan(s) and "
            f"{result['registry_responses']} registry response(s)."
        )
