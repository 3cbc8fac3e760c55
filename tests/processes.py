"""Real processes a test can stop and start again on the same port: the registry emulator (a security-server
outage) and a redis-server of the test's own (Redis down: never the shared one on 6379)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, *, up: bool, timeout: float = 20.0) -> None:
    ends = time.monotonic() + timeout
    while time.monotonic() < ends:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.05)
    raise TimeoutError(f"port {port} did not go {'up' if up else 'down'}")


class _Process:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def start(self, env: dict[str, str] | None = None):
        self.process = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_port(self.port, up=True)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        _wait_port(self.port, up=False)

    @property
    def running(self) -> bool:
        return bool(self.process and self.process.poll() is None)


class EmulatorProcess(_Process):
    """``manage.py registry_emulator`` on a fixed port (its services from ``CNAP_TREMBITA`` of ``env``)."""

    def __init__(self, port: int | None = None, slow_seconds: float = 8.0) -> None:
        super().__init__(port)
        self.slow_seconds = slow_seconds

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "manage.py",
            "registry_emulator",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--slow-seconds",
            str(self.slow_seconds),
        ]


class RedisServer(_Process):
    """A redis-server of the test's own on its own port: in memory only, or with ``data_dir`` persistent as
    in production (docs/deployment.md section 4: AOF, so a restart keeps the queues and unacknowledged
    messages)."""

    def __init__(self, port: int | None = None, *, data_dir: Path | None = None) -> None:
        super().__init__(port)
        self.data_dir = data_dir

    def command(self) -> list[str]:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        command = [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", ""]
        if self.data_dir is None:
            return [*command, "--appendonly", "no"]
        return [*command, "--dir", str(self.data_dir), "--appendonly", "yes", "--appendfsync", "always"]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


@contextmanager
def sending_to(broker_url: str) -> Iterator[None]:
    """Tasks sent by this test process go to ``broker_url`` (a test's own redis-server) inside the block."""
    from cnap.celery import app

    def use(url: str) -> None:
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    good_url = app.conf.broker_url
    use(broker_url)
    try:
        yield
    finally:
        use(good_url)
