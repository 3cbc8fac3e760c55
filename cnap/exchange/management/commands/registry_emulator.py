"""``manage.py registry_emulator``: the fake Trembita security server with the five registries."""

import signal

from django.core.management.base import BaseCommand

from cnap.exchange.emulator import make_server


class Command(BaseCommand):
    help = (
        "Run the Trembita / X-Road registry emulator (both REST dialects and SOAP, WSDL, signed evidence, "
        "fault injection, message log)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8090, help="Port to listen on (default 8090).")
        parser.add_argument(
            "--slow-seconds",
            type=float,
            default=40.0,
            help="How long magic '8888' inputs and the 'timeout' fault keep the caller waiting (default 40).",
        )
        parser.add_argument("--verbose-log", action="store_true", help="Print every request to stderr.")
        parser.add_argument("--tls-cert", help="Serve HTTPS with this certificate (PEM; may include the key).")
        parser.add_argument("--tls-key", help="The private key of --tls-cert, if it is a separate file.")
        parser.add_argument(
            "--tls-client-ca",
            help="Require a client certificate signed by this CA (mutual TLS, as a ШБО's internal interface).",
        )

    def handle(self, *args, **options):
        server = make_server(
            options["host"],
            options["port"],
            slow_seconds=options["slow_seconds"],
            verbose=options["verbose_log"],
            tls={"cert": options["tls_cert"], "key": options["tls_key"], "client_ca": options["tls_client_ca"]},
        )
        services = ", ".join(sorted(server.state.services))
        self.stdout.write(f"Registry emulator on {server.url} (services: {services})")
        self.stdout.flush()
        signal.signal(signal.SIGTERM, _stop)
        try:
            server.serve_forever(poll_interval=0.2)
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            server.state.stopping.set()
            server.server_close()
            self.stdout.write("Registry emulator stopped.")


def _stop(signum, frame):
    raise SystemExit(0)
