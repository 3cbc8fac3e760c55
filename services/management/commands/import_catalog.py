import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from services.actions import CatalogImportError, import_catalog


class Command(BaseCommand):
    help = (
        "Loads a catalog file (.json in the cnap-catalog format, or .xlsx with the same columns) in one "
        "transaction. Prints a summary, or every problem as 'position: reason' and exits non-zero."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .json or .xlsx catalog file")
        parser.add_argument(
            "--allow-incomplete",
            action="store_true",
            help="load published versions that miss what publishing requires (listed as warnings)",
        )

    def handle(self, *args, file, allow_incomplete=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        locations: dict[str, str] = {}
        if path.suffix.lower() == ".xlsx":
            from services.xlsx import xlsx_to_catalog

            data, locations, problems = xlsx_to_catalog(path.read_bytes())
            if problems:
                self._fail(problems)
        else:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except UnicodeDecodeError as exc:
                raise CommandError(f"{path}: not UTF-8 text ({exc.reason})") from None
            except json.JSONDecodeError as exc:
                raise CommandError(f"{path}: line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        try:
            report = import_catalog(data, allow_incomplete=allow_incomplete)
        except CatalogImportError as exc:
            if locations:
                from services.xlsx import locate

                self._fail([locate(error, locations) for error in exc.errors])
            self._fail(exc.errors)
        for warning in report.incomplete:
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(self.style.SUCCESS(report.summary()))

    def _fail(self, errors: list[str]) -> None:
        for error in errors:
            self.stderr.write(error)
        raise CommandError(f"{len(errors)} problem(s) found; nothing was imported.")
