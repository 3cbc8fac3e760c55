"""The registry emulator, served in-process on a free loopback port, and client settings pointing at it."""

import socket

import httpx
import pytest

from cnap.exchange.client import close_http_clients
from cnap.exchange.conf import DEFAULTS
from cnap.exchange.emulator import make_server, serve_in_thread

#: Seconds the emulator keeps magic "8888" inputs and the "timeout" fault waiting (longer than any client
#: deadline used in these tests).
SLOW_SECONDS = 8.0


class RunningEmulator:
    def __init__(self, services=None):
        self.server = make_server("127.0.0.1", 0, services=services, slow_seconds=SLOW_SECONDS)
        self.url = self.server.url
        self.http = httpx.Client(base_url=self.url, trust_env=False, timeout=10)
        serve_in_thread(self.server)

    def log(self) -> list[dict]:
        return self.http.get("/__emulator/log").json()

    def fault(self, **rule) -> dict:
        response = self.http.post("/__emulator/faults", json=rule)
        assert response.status_code == 201, response.text
        return response.json()

    def reset(self) -> None:
        self.http.delete("/__emulator/faults").raise_for_status()
        self.http.delete("/__emulator/log").raise_for_status()

    def stop(self) -> None:
        self.http.close()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def _session_emulator():
    emulator = RunningEmulator(services=DEFAULTS["services"])
    yield emulator
    emulator.stop()
    close_http_clients()


@pytest.fixture
def emulator(_session_emulator):
    """The shared emulator, with no faults and an empty log."""
    _session_emulator.reset()
    yield _session_emulator
    _session_emulator.reset()


@pytest.fixture
def start_emulator():
    """Start an extra emulator with its own service table: ``start_emulator(services)``."""
    started = []

    def start(services):
        emulator = RunningEmulator(services=services)
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()


TEST_TREMBITA = {
    "timeouts": {"connect": 1.0, "read": 1.5, "total_deadline": 2.0},
    "retry": {"attempts": 3, "backoff": [0.05, 0.1], "jitter": 0},
}


@pytest.fixture(params=["uxp", "xroad-r1"])
def dialect(request):
    return request.param


@pytest.fixture
def trembita(settings, emulator, dialect):
    """Client settings for the shared emulator in each dialect; returns the emulator."""
    settings.TREMBITA = {**TEST_TREMBITA, "dialect": dialect, "ss_base_url": emulator.url}
    return emulator


@pytest.fixture
def free_port():
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
