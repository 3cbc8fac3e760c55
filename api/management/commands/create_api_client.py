from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api.actions import create_api_client
from cnap.accounts.models import Hromada


class Command(BaseCommand):
    help = "Creates a token for an integrating system of a hromada and prints it once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("--hromada", type=int, required=True, help="Id of the hromada.")
        parser.add_argument("--name", required=True, help="Name of the integrating system.")

    def handle(self, *args, hromada, name, **options):
        try:
            hromada_obj = Hromada.objects.get(pk=hromada)
        except Hromada.DoesNotExist as exc:
            raise CommandError(f"No hromada with id {hromada}.") from exc
        try:
            client, token = create_api_client(hromada=hromada_obj, name=name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stderr.write(f"Client {client.pk} «{client.name}» of {hromada_obj}. The token, shown only now:")
        self.stdout.write(token)
