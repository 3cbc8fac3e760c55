"""`make run` on a busy host: two embedded workstations (each with its own var/) run side by side on different
ports and both answer /healthz 200. The first finds the emulator's default port (web port + 90) taken and
picks a free one; the second is told an emulator port that is taken, runs without the emulator and says so."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from demo.management.commands.run_embedded import EMULATOR_PORT_OFFSET, choose_emulator_port
from tests.helpers import wait_for

ROOT = Path(__file__).resolve().parents[2]
# Variables of the test run that must not leak into the embedded mode.
TEST_ONLY = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CACHE_URL", "CNAP_TREMBITA")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def occupied_port() -> socket.socket:
    """A listening socket (kept open by the caller): its port is taken."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


def blocked_emulator_port() -> tuple[socket.socket, int]:
    """A taken port and a free web port whose default emulator port (+ 90) it is."""
    for _attempt in range(50):
        blocker = occupied_port()
        web = blocker.getsockname()[1] - EMULATOR_PORT_OFFSET
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", web))
            except OSError:
                blocker.close()
                continue
        return blocker, web
    raise AssertionError("no free pair of ports")


def embedded_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY and key != "EMULATOR_PORT"}
    return {**env, "DJANGO_SETTINGS_MODULE": "cnap.settings.embedded", "CNAP_VAR_DIR": str(var_dir), **extra}


def healthz(port: int) -> int | None:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=3, trust_env=False).status_code
    except httpx.HTTPError:
        return None


def test_the_emulator_port_follows_the_web_port_or_is_chosen_free():
    web = free_port()
    assert choose_emulator_port(web_port=web, requested=9123) == 9123  # asked for: kept as asked
    with occupied_port() as taken:
        busy_web = taken.getsockname()[1] - EMULATOR_PORT_OFFSET
        chosen = choose_emulator_port(web_port=busy_web, requested=None)
        assert chosen != taken.getsockname()[1]
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", chosen))  # and it is free


@pytest.mark.worker
def test_two_embedded_workstations_run_side_by_side(tmp_path):
    first_var, second_var = tmp_path / "first", tmp_path / "second"
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=embedded_env(first_var),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert migrate.returncode == 0, migrate.stderr
    second_var.mkdir()
    shutil.copy(first_var / "cnap.sqlite3", second_var / "cnap.sqlite3")

    second_port = free_port()
    blocker, first_port = blocked_emulator_port()  # the first one's default emulator port is taken ...
    taken = occupied_port()  # ... and the second is told to use a port that is taken
    processes = []
    try:
        for var_dir, port, extra in (
            (first_var, first_port, {}),
            (second_var, second_port, {"EMULATOR_PORT": str(taken.getsockname()[1])}),
        ):
            log = open(var_dir / "run.log", "w")  # noqa: SIM115 - closed with the process below
            command = [sys.executable, "manage.py", "run_embedded", "--port", str(port)]
            processes.append(
                (
                    subprocess.Popen(
                        command,
                        cwd=ROOT,
                        env=embedded_env(var_dir, **extra),
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    ),
                    log,
                    var_dir,
                )
            )
        for port in (first_port, second_port):
            wait_for(lambda port=port: healthz(port) == 200, timeout=120, interval=1, what=f"/healthz on {port}")

        first_log = wait_for(
            lambda: (first_var / "run.log").read_text() if "Health:" in (first_var / "run.log").read_text() else "",
            what="the first banner",
        )
        emulator = int(re.search(r"Registry emulator: http://127\.0\.0\.1:(\d+)/", first_log).group(1))
        assert emulator != blocker.getsockname()[1]
        health = httpx.get(f"http://127.0.0.1:{emulator}/__emulator/health", timeout=3, trust_env=False)
        assert health.status_code == 200

        second_log = wait_for(
            lambda: (second_var / "run.log").read_text() if "Health:" in (second_var / "run.log").read_text() else "",
            what="the second banner",
        )
        assert "The registry emulator did not start" in second_log
        assert "Registry emulator: not running" in second_log
        assert healthz(second_port) == 200  # the rest runs without it
    finally:
        blocker.close()
        taken.close()
        for process, _log, _var_dir in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process, log, _var_dir in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()
    for process, _log, var_dir in processes:
        assert process.returncode == 0, (var_dir / "run.log").read_text()[-2000:]
