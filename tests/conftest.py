"""Fixtures shared by the whole suite: real PostgreSQL (pytest-django), real Redis, a real Celery
worker process, and a real headless Chromium driven by Playwright."""

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.helpers import wait_for

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make beside
# it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CNAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def _own_redis_keys():
    """This run's broker and cache keys carry its own prefix (cnap/settings/test.py); they are
    removed afterwards, and no other run's keys are touched."""
    import redis
    from django.conf import settings

    yield
    run_id = settings.TEST_RUN_ID
    for url in {settings.CELERY_BROKER_URL, settings.CACHES["default"]["LOCATION"]}:
        client = redis.Redis.from_url(url)
        for pattern in (f"t{run_id}:*", f"t{run_id}:*:*"):
            keys = list(client.scan_iter(match=pattern, count=1000))
            if keys:
                client.delete(*keys)


class WorkerProcess:
    """A `celery worker` subprocess using the test database and the test broker."""

    def __init__(self, *, queues: str, pool: str, concurrency: int, extra_env: dict[str, str]):
        from django.db import connection

        self.name = f"testworker-{uuid.uuid4().hex[:8]}"
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cnap.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            **extra_env,
        }
        self.command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cnap",
            "worker",
            "-n",
            f"{self.name}@%h",
            "-Q",
            queues,
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
        ]
        self.log_path = ROOT / "var" / "test-logs" / f"{self.name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "WorkerProcess":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(self.command, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        wait_for(self._ready, timeout=60, what=f"worker {self.name} to start (log: {self.log_path})")
        return self

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"worker exited with {self.process.returncode}: {self.log_path.read_text()[-3000:]}")
        return " ready." in self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: the worker dies without acknowledging or cleaning anything."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def start_worker(transactional_db):
    """Starts real Celery workers for a test: `start_worker(queues="default")`. Stopped afterwards.

    Tests using it must see committed data, hence the transactional database."""
    workers: list[WorkerProcess] = []

    def start(*, queues: str = "default,registry", pool: str = "solo", concurrency: int = 1, **extra_env):
        worker = WorkerProcess(queues=queues, pool=pool, concurrency=concurrency, extra_env=extra_env).start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_page(browser, live_server):
    """A fresh browser tab (own cookies) pointed at the live test server, in Ukrainian.

    Pages run under the real Content-Security-Policy (no eval): wait with ``expect(locator)``, not
    with ``page.wait_for_function("a string")``, which Playwright evaluates with eval."""
    context = browser.new_context(base_url=live_server.url, locale="uk-UA", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def login(page, username: str, password: str) -> None:
    """Logs in through the browser: the password, then (staff need a second factor, settings
    CNAP_REQUIRE_2FA) the current TOTP code of the user's device, created and confirmed if missing."""
    from cnap.accounts.models import User
    from tests.security.otp import confirmed_totp_device, totp_code

    user = User.objects.filter(username=username).first()
    device = confirmed_totp_device(user) if user is not None else None
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if device is not None and "/accounts/2fa/verify/" in page.url:
        page.fill("input[name=otp_token]", totp_code(device))
        page.click("main form button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/2fa/" not in url)


@pytest.fixture
def login_as():
    return login


@pytest.fixture(autouse=True)
def _fresh_lookups():
    """The per-worker lookups (cnap/core/lookups.py) start empty in each test: a test's rows are rolled back
    after it, and the next one must not see them in a list's labels or a filter's choices."""
    from cnap.core.lookups import Lookups

    for lookups in Lookups.instances:
        lookups.reset()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """``Client.force_login(user)`` (and pytest-django's admin_client) gives a session verified by
    the user's TOTP device, as if the user had typed the code: staff pages need the second factor
    (cnap/security/middleware.py). Tests of the second factor itself use ``client.post(login)``."""
    from django.test import Client

    from tests.security.otp import verify_client_session

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        verify_client_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


# ---------------------------------------------------------------------------------------------- registry emulator
#: Seconds the emulator keeps magic "8888" inputs and the "timeout" fault waiting (longer than any client
#: deadline used in these tests).
SLOW_SECONDS = 8.0


class RunningEmulator:
    """The emulator served in a thread of the test process on a free loopback port (workers reach it over HTTP)."""

    def __init__(self, services=None):
        import httpx

        from cnap.exchange.emulator import make_server, serve_in_thread

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
    from cnap.exchange.client import close_http_clients
    from cnap.exchange.conf import DEFAULTS

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


@pytest.fixture
def free_port():
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
