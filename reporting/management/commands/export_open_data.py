import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from reporting.selectors.reports import open_data_rows, write_open_data


class Command(BaseCommand):
    help = (
        "Export the provided administrative services in the national open-data schema (CMU 835): "
        "CSV (UTF-8) or JSON, to standard output unless --output is given. Persons are never named."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, type=dt.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, type=dt.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--output", help="File to write (default: standard output).")
        parser.add_argument("--office", type=int, action="append", help="Only these office ids (repeatable).")

    def handle(self, *args, date_from, date_to, format, output=None, office=None, **options):
        if date_from > date_to:
            raise CommandError("--from is after --to.")
        rows = open_data_rows(date_from=date_from, date_to=date_to, office_ids=office)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as out:
                count = write_open_data(rows, format, out)
            self.stderr.write(f"{count} records written to {output}.")
        else:
            write_open_data(rows, format, self.stdout._out)  # the raw stream: no line endings added
