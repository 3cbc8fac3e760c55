"""``manage.py check_trembita``: does our ШБО answer, and does the WSDL of every SOAP service fit our settings?"""

import httpx
from django.core.management.base import BaseCommand, CommandError

from cnap.exchange import client, soap, transport, wsdl
from cnap.exchange.conf import PROTOCOL_SOAP, get_config, split_identifier


class Command(BaseCommand):
    help = (
        "Check the connection to the Trembita security server (mutual TLS included) and download the WSDL of "
        "every SOAP service now: its hash, and whether our requests still fit it. Exits 1 when something fails."
    )

    def handle(self, *args, **options):
        config = get_config()
        failures = 0
        probe = client.probe(config=config)
        state = "OK" if probe["ok"] else "FAILED"
        self.stdout.write(f"ШБО {config['ss_base_url']}: {state} (HTTP {probe['status']}, {probe['elapsed_ms']} ms)")
        if not probe["ok"]:
            self.stdout.write(f"  {probe['detail']}")
            failures += 1
        timeouts = config["timeouts"]
        timeout = httpx.Timeout(float(timeouts["connect"]), read=float(timeouts["read"]))
        for key, service in config["services"].items():
            if service.get("protocol") != PROTOCOL_SOAP:
                self.stdout.write(f"{key}: REST ({config['dialect']}) {'/'.join(split_identifier(service['id']))}")
                continue
            with transport.deadline(float(timeouts["total_deadline"])):
                try:
                    description = wsdl.describe(config, key, soap.wsdl_fetcher(config, timeout), refresh=True)
                except wsdl.WsdlError as exc:
                    self.stdout.write(f"{key}: SOAP, WSDL {exc.reason.upper()}: {exc.detail}")
                    failures += 1
                    continue
                except (httpx.HTTPError, transport.BodyCutOff, transport.HttpStatusError) as exc:
                    self.stdout.write(f"{key}: SOAP, WSDL not available: {type(exc).__name__}: {exc}")
                    failures += 1
                    continue
            self.stdout.write(
                f"{key}: SOAP {description.soap_version}, operation {description.operation}, "
                f"WSDL sha256 {description.sha256[:16]}…, compatible"
            )
        if failures:
            raise CommandError(f"{failures} problem(s) with the Trembita exchange")
