import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from services.actions import export_catalog


class Command(BaseCommand):
    help = "Writes the catalog in the format import_catalog reads (JSON to stdout unless --output is given)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "xlsx"], default=None)
        parser.add_argument("--output", help="file to write (required for xlsx)")

    def handle(self, *args, format=None, output=None, **options):
        kind = format or ("xlsx" if output and output.lower().endswith(".xlsx") else "json")
        data = export_catalog()
        if kind == "xlsx":
            if not output:
                raise CommandError("--output FILE is required for the xlsx format")
            from services.xlsx import catalog_to_xlsx

            Path(output).write_bytes(catalog_to_xlsx(data))
        else:
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
            if output:
                Path(output).write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text, ending="")
                return
        self.stderr.write(f"{len(data['services'])} services written to {output}")
