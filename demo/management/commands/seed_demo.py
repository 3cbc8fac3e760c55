from django.core.management.base import BaseCommand

from demo.cases import progress_demo_applications, seed_demo_applications
from demo.queue import seed_demo_queue
from demo.staff import DEMO_PASSWORD, DEMO_USERS, link_demo_provider_officer, seed_demo_staff
from services.actions import load_demo_catalog

# The demo data in dependency order: the catalog, then who works for which provider.
DEMO_STEPS = [load_demo_catalog, link_demo_provider_officer]


class Command(BaseCommand):
    help = "Creates the demo hromada, offices, one user per role, the catalog and applications (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--applications",
            type=int,
            default=300,
            help="How many demo applications to register (only when the demo hromada has none yet).",
        )

    def handle(self, *args, applications, **options):
        seed_demo_staff()
        for step in DEMO_STEPS:
            result = step()
            self.stdout.write(f"{step.__module__}.{step.__name__}: {result if result is not None else 'ok'}")
        registered = seed_demo_applications(count=applications)
        self.stdout.write(f"demo applications registered: {registered}")
        self.stdout.write(f"demo applications moved through their lifecycle: {progress_demo_applications()}")
        queue = seed_demo_queue()
        self.stdout.write(
            f"demo queue: {queue['today']} tickets today, {queue['past']} on past days, {queue['cases']} cases linked"
        )
        self.stdout.write(self.style.SUCCESS(f"Demo data is ready. Logins (password for all: {DEMO_PASSWORD}):"))
        for username, (role, office_code, *_rest) in DEMO_USERS.items():
            self.stdout.write(f"  {username:<15} {role.label}{f' ({office_code})' if office_code else ''}")
        self.stdout.write("  root            superuser (/admin/)")
        self.stdout.write(
            "  Queue: kiosk /queue/ЦНАП1/kiosk/, board /queue/ЦНАП1/board/ (no login); window panel: "
            "administrator → Queue; figures: head or mayor → Queue figures"
        )
        self.stdout.write("  provider-<EDRPOU>  provider officers of the other providers of the demo catalog")
