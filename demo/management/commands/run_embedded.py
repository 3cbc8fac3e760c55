"""`make run`: the web server, a Celery worker, beat and the registry emulator in one command.

Several can run on one host (one per checkout, each with its own ``var/``): the web server takes ``--port``
(``PORT``), the emulator ``--emulator-port`` (``EMULATOR_PORT``), by default the web port + 90, or a free
port when that one is taken. The processes it starts are told the emulator's port (``EMULATOR_PORT``), so
the app calls that emulator. If the emulator cannot start, the rest runs without it and the registry panel
says that the registries cannot be reached. If the web server cannot start, everything stops with an error."""

import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.staff import DEMO_PASSWORD, DEMO_USERS, demo_users_with_known_password
from equeue.models import ServiceGroup

LOOPBACK_NAMES = {"localhost", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_network_allowed(host: str) -> None:
    """Refuse to listen on a non-loopback address while demo users with the published password exist
    (anyone on the network could log in as them), unless CNAP_ALLOW_DEMO_ON_NETWORK=1."""
    if getattr(settings, "CNAP_ALLOW_DEMO_ON_NETWORK", False):
        return
    names = demo_users_with_known_password()
    if names:
        raise CommandError(
            f"Refusing to listen on {host}: demo users with the published password exist "
            f"({', '.join(names[:8])}{', …' if len(names) > 8 else ''}), and anyone on the network could log in "
            "as them. Either lock them (`python manage.py lock_demo_users`, then give the users you keep a "
            "new password with `python manage.py changepassword <name>`), or, for a demo on a trusted "
            "network, start with CNAP_ALLOW_DEMO_ON_NETWORK=1."
        )


def network_host_names(host: str) -> list[str]:
    """The names the site answers to when listening on ``host``: loopback, this machine's name and
    addresses (for 0.0.0.0 / ::), or the address given."""
    names = ["127.0.0.1", "localhost", "[::1]"]
    if host not in ("0.0.0.0", "::"):
        names.append(host)
        return names
    hostname = socket.gethostname()
    names.append(hostname)
    try:
        for *_rest, sockaddr in socket.getaddrinfo(hostname, None):
            address = sockaddr[0]
            names.append(f"[{address}]" if ":" in address else address)
    except OSError:
        pass
    return list(dict.fromkeys(names))


EMULATOR_PORT_OFFSET = 90
STARTUP_SECONDS = 30.0


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def emulator_answers(port: int) -> bool:
    """The emulator itself answers on the port (not merely something listening there)."""
    try:
        return httpx.get(f"http://127.0.0.1:{port}/__emulator/health", timeout=1, trust_env=False).status_code == 200
    except httpx.HTTPError:
        return False


def choose_emulator_port(*, web_port: int, requested: int | None) -> int:
    """The requested port as given (the operator asked for it); else the web port + 90 if free, else any free port."""
    if requested:
        return requested
    candidate = web_port + EMULATOR_PORT_OFFSET
    if 0 < candidate < 65536 and port_is_free(candidate):
        return candidate
    return free_port()


class Command(BaseCommand):
    help = "Runs the whole workstation on its embedded default (Ctrl+C stops everything)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--emulator-port",
            type=int,
            default=int(os.environ.get("EMULATOR_PORT") or 0) or None,
            help="The registry emulator's port (default: EMULATOR_PORT, else the web port + 90 or a free port).",
        )

    def handle(self, *args, host, port, emulator_port, **options):
        if not port_is_free(port, host if host not in ("0.0.0.0", "::") else "127.0.0.1"):
            raise CommandError(f"Port {port} is taken: choose another, e.g. PORT={free_port()} make run")
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        emulator_port = choose_emulator_port(web_port=port, requested=emulator_port)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "")}
        env["CNAP_SITE_URL"] = env.get("CNAP_SITE_URL") or f"http://{host}:{port}"
        if not is_loopback(host):
            check_network_allowed(host)
            env.setdefault("ALLOWED_HOSTS", ",".join(network_host_names(host)))
        env["EMULATOR_PORT"] = str(emulator_port)  # the embedded settings point the exchange client at it
        worker = ["-m", "celery", "-A", "cnap", "worker", "-Q", "default,registry", "--pool", "threads"]
        worker += ["--concurrency", "4", "--loglevel", "WARNING", "-n", f"embedded-{port}@%h"]
        beat = ["-m", "celery", "-A", "cnap", "beat", "--loglevel", "WARNING"]
        beat += ["--schedule", str(settings.CELERY_BEAT_SCHEDULE_FILENAME)]
        commands = {
            "emulator": [python, manage, "registry_emulator", "--host", "127.0.0.1", "--port", str(emulator_port)],
            "worker": [python, *worker],
            "beat": [python, *beat],
            "web": [python, manage, "runserver", f"{host}:{port}", "--noreload"],
        }
        running = {
            name: subprocess.Popen(command, env=env, cwd=settings.BASE_DIR) for name, command in commands.items()
        }
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        failed = False
        try:
            emulator_up = self._wait_until(running, "emulator", lambda: emulator_answers(emulator_port))
            if not emulator_up:
                self._drop(running, "emulator")
                self.stderr.write(
                    f"The registry emulator did not start on port {emulator_port}: the workstation runs without it "
                    "(registry lookups will say the registries cannot be reached). Try EMULATOR_PORT=<a free port>."
                )
            if self._wait_until(running, "web", lambda: listening(_connect_host(host), port)):
                self._print_banner(host, port, emulator_port if emulator_up else None)
            else:
                self.stderr.write(f"The web server did not start on {host}:{port}; stopping.")
                stopping = failed = True
            while not stopping:
                for name, process in list(running.items()):
                    if process.poll() is None:
                        continue
                    if name == "emulator":  # the workstation runs on without it
                        self.stderr.write(f"The registry emulator exited with code {process.returncode}.")
                        self._drop(running, name)
                        continue
                    self.stderr.write(f"{name} exited with code {process.returncode}; stopping the rest.")
                    stopping = failed = True
                    break
                time.sleep(1)
        finally:
            for process in running.values():
                if process.poll() is None:
                    process.terminate()
            for process in running.values():
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        if failed:
            raise CommandError("The workstation stopped because one of its processes failed.")

    @staticmethod
    def _wait_until(running: dict, name: str, ready) -> bool:
        """Until ``ready()`` (the process answers) or the process exits or STARTUP_SECONDS pass."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if running[name].poll() is not None:
                return False
            if ready():
                return running[name].poll() is None
            time.sleep(0.2)
        return False

    @staticmethod
    def _drop(running: dict, name: str) -> None:
        process = running.pop(name)
        if process.poll() is None:
            process.terminate()

    def _print_banner(self, host, port, emulator_port):
        line = "=" * 64
        self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"ЦНАП workstation: http://{host}:{port}/"))
        self.stdout.write(f"Log in with any of these users, password «{DEMO_PASSWORD}»:")
        for username, (role, office_code, *_rest) in DEMO_USERS.items():
            self.stdout.write(f"  {username:<15} {role.label}{f' ({office_code})' if office_code else ''}")
        self.stdout.write("  root            superuser, Django admin at /admin/")
        self.stdout.write("  provider-<EDRPOU>  provider officers of the other providers of the demo catalog")
        if emulator_port:
            self.stdout.write(f"Registry emulator: http://127.0.0.1:{emulator_port}/")
        else:
            self.stdout.write(
                self.style.WARNING("Registry emulator: not running (lookups cannot reach the registries)")
            )
        for office_code in _offices_with_a_queue():
            queue = f"http://{host}:{port}/queue/{office_code}"
            self.stdout.write(
                f"Queue of {office_code}: kiosk {queue}/kiosk/   board {queue}/board/   booking {queue}/book/"
            )
        if not is_loopback(host):
            names = os.environ.get("ALLOWED_HOSTS") or ", ".join(network_host_names(host))
            self.stdout.write(self.style.WARNING(f"Listening on the network ({host}); it answers to: {names}"))
        self.stdout.write(f"Health: http://{host}:{port}/healthz   Stop: Ctrl+C")
        self.stdout.write(line)
        self.stdout.flush()


def _offices_with_a_queue() -> list[str]:
    """The codes of the offices whose electronic queue has a group: their public pages go on the banner."""
    return list(
        ServiceGroup.objects.filter(is_active=True)
        .order_by("office__code")
        .values_list("office__code", flat=True)
        .distinct()
    )


def _connect_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
