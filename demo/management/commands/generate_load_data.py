"""Load data for the bench (make bench): `manage.py generate_load_data --applications 1000000`."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from demo.loaddata import generate


class Command(BaseCommand):
    help = (
        "Generate synthetic applications (Ukrainian names, valid RNOKPP/EDRPOU, status history, documents) "
        "in PostgreSQL with COPY: a hromada with its offices, staff and the catalog are created if missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, required=True, help="how many applications")
        parser.add_argument("--applicants", type=int, help="how many applicants (default 30%% of the applications)")
        parser.add_argument("--years", type=int, default=5, help="spread over this many years (default 5)")
        parser.add_argument("--offices", type=int, default=10, help="offices, 1 to 10 (default 10)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument("--until", type=dt.date.fromisoformat, help="last day of the data (default yesterday)")
        parser.add_argument("--no-stats", action="store_true", help="do not rebuild the dashboards' summary tables")

    def handle(self, *args, **options):
        if not 1 <= options["offices"] <= 10:
            raise CommandError("--offices must be between 1 and 10")
        try:
            report = generate(
                applications=options["applications"],
                applicants=options["applicants"],
                years=options["years"],
                offices=options["offices"],
                seed=options["seed"],
                until=options["until"],
                rebuild_stats=not options["no_stats"],
                log=lambda line: self.stdout.write(line),
            )
        except (RuntimeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Generated {report}"))
