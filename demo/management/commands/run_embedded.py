"""`make run`: the web server, a Celery worker, beat and the registry emulator in one command."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import get_commands
from django.core.management.base import BaseCommand

from demo.staff import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Runs the whole workstation on its embedded default (Ctrl+C stops everything)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--emulator-port", type=int, default=8090)

    def handle(self, *args, host, port, emulator_port, **options):
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "")}
        env["CNAP_SITE_URL"] = env.get("CNAP_SITE_URL") or f"http://{host}:{port}"
        processes = {}
        if "registry_emulator" in get_commands():
            processes["emulator"] = [
                python,
                manage,
                "registry_emulator",
                "--host",
                "127.0.0.1",
                "--port",
                str(emulator_port),
            ]
        processes["worker"] = [
            python,
            "-m",
            "celery",
            "-A",
            "cnap",
            "worker",
            "-Q",
            "default,registry",
            "--pool",
            "threads",
            "--concurrency",
            "4",
            "--loglevel",
            "WARNING",
        ]
        processes["beat"] = [
            python,
            "-m",
            "celery",
            "-A",
            "cnap",
            "beat",
            "--loglevel",
            "WARNING",
            "--schedule",
            str(settings.CELERY_BEAT_SCHEDULE_FILENAME),
        ]
        processes["web"] = [python, manage, "runserver", f"{host}:{port}", "--noreload"]

        running = {
            name: subprocess.Popen(command, env=env, cwd=settings.BASE_DIR) for name, command in processes.items()
        }
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        time.sleep(3)
        self._print_banner(host, port)
        try:
            while not stopping:
                for name, process in running.items():
                    if process.poll() is not None:
                        self.stderr.write(f"{name} exited with code {process.returncode}; stopping the rest.")
                        stopping = True
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

    def _print_banner(self, host, port):
        line = "=" * 64
        self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"ЦНАП workstation: http://{host}:{port}/"))
        self.stdout.write(f"Log in with any of these users, password «{DEMO_PASSWORD}»:")
        for username, (role, office_code, *_rest) in DEMO_USERS.items():
            self.stdout.write(f"  {username:<15} {role.label}{f' ({office_code})' if office_code else ''}")
        self.stdout.write("  root            superuser, Django admin at /admin/")
        self.stdout.write("  provider-<EDRPOU>  provider officers of the other providers of the demo catalog")
        self.stdout.write(f"Health: http://{host}:{port}/healthz   Stop: Ctrl+C")
        self.stdout.write(line)
