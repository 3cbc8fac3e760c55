"""`make bench`: the speed targets (the table of docs/benchmarks.md) measured over HTTP against the production stack.

    .venv/bin/python bench/run.py [--quick] [--applications N] [--applicants M] [--seed S] [--no-report]

What it does, in order (everything it starts is stopped at the end, also on Ctrl+C or an error):
1. A dedicated database (``BENCH_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/cnap_loadbench``)
   loaded by ``manage.py generate_load_data`` (1 M applications and 300 k applicants; 50 k with ``--quick``).
   A marker table ``bench_marker`` remembers the size and seed: the next run with the same ones reuses it.
2. The production stack on ``cnap.settings.production`` (a bench SECRET_KEY, DEBUG off,
   ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=False; 2FA stays on: the bench logs in through the
   login form and the TOTP page with its own users' devices): gunicorn (2 x cores + 1 sync workers),
   Celery workers (``default,pdf`` prefork; ``registry`` threads x 50), beat, the registry emulator,
   PostgreSQL and Redis (database ``BENCH_REDIS_DB``, default 5).
3. httpx clients in threads, each logged in once with a session cookie, time every row of the targets:
   lists (shallow, deep by following the next links, and any depth by cursor), search (number, РНОКПП,
   name), detail, registration with 8 clients on one journal (then 0 duplicates and 0 gaps in SQL),
   the dashboard over 5 years, the receipt PDF (bench/pdf_bench.py: plain WeasyPrint against cnap.pdf on
   the same document, plus the receipt over HTTP), registry lookups through the worker and the emulator
   at 300 ms latency (bench/registry_worker_bench.py), and a mixed workload.
4. Prints each figure with its target and ``pass``/``SHORT``, and writes ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

PY = sys.executable
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cnap_loadbench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", f"redis://127.0.0.1:6379/{os.environ.get('BENCH_REDIS_DB', '5')}")
BENCH_PASSWORD = "bench-only-Pa55word-2026"  # for the bench's own users in the bench database only
VAR = ROOT / "var" / "bench"
CORES = os.cpu_count() or 2
KYIV = dt.timezone(dt.timedelta(hours=2))


# ---- processes ---------------------------------------------------------------------------------------


class Processes:
    """Every process the bench starts, each in its own process group; stopped on exit, error or Ctrl+C."""

    def __init__(self):
        self.items: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        VAR.mkdir(parents=True, exist_ok=True)
        log = (VAR / f"{name}.log").open("wb")
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.items.append((name, process))
        return process

    def check(self) -> None:
        for name, process in self.items:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}: see {VAR / (name + '.log')}")

    def stop(self) -> None:
        for _name, process in reversed(self.items):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 20
        for _name, process in reversed(self.items):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()
        self.items.clear()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2, trust_env=False)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout:g} s")


# ---- CPU of the processes (from /proc) -------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _process_cpu(groups: dict[str, int], database: str) -> dict[int, tuple[str, float]]:
    """{pid: (name, CPU seconds so far)} of the processes in ``groups`` (name -> process group id: gunicorn,
    Celery, ...) and of the PostgreSQL backends serving ``database``, from /proc."""
    found: dict[int, tuple[str, float]] = {}
    by_group = {pgid: name for name, pgid in groups.items()}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        comm_end = raw.rindex(")")
        comm = raw[raw.index("(") + 1 : comm_end]
        fields = raw[comm_end + 2 :].split()
        used = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
        pgid = int(fields[2])
        if pgid in by_group:
            found[int(entry)] = (by_group[pgid], used)
        elif comm == "postgres":
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if f" {database} ".encode() in cmdline:
                found[int(entry)] = ("postgresql", used)
    return found


class CpuSampler:
    """The CPU seconds each named group of processes used between start() and stop(), sampled from /proc
    every half second so that a process ending in between (a PostgreSQL backend closed by CONN_MAX_AGE)
    keeps what it used until its last sample; plus this process's own (the load generator)."""

    def __init__(self, groups: dict[str, int], database: str):
        self.groups, self.database = groups, database
        self.first: dict[int, tuple[str, float]] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for pid, (name, used) in _process_cpu(self.groups, self.database).items():
            self.first.setdefault(pid, (name, 0.0 if self.started else used))
            self.last[pid] = (name, used)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self._sample()

    def start(self) -> None:
        self.started = False
        self._sample()
        self.started = True
        own = os.times()
        self.own_start = own.user + own.system
        self._thread.start()

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        self._sample()
        own = os.times()
        totals = {name: 0.0 for name in self.groups}
        totals["postgresql"] = 0.0
        for pid, (name, used) in self.last.items():
            totals[name] = totals.get(name, 0.0) + max(0.0, used - self.first[pid][1])
        totals["load generator"] = own.user + own.system - self.own_start
        return {name: round(value, 2) for name, value in totals.items()}


# ---- database ----------------------------------------------------------------------------------------


FULL = 1_000_000


def sized_url(applications: int) -> str:
    """The bench database of a size: ``DATABASE_URL`` for the full million, ``…_250k`` and the like for others."""
    return DATABASE_URL if applications == FULL else f"{DATABASE_URL}_{applications // 1000}k"


def _admin_connection(url: str):
    import psycopg2

    base, name = url.rsplit("/", 1)
    connection = psycopg2.connect(base + "/postgres")
    connection.autocommit = True
    return connection, name


def _marker(url: str):
    import psycopg2

    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_marker') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT applications, applicants, seed FROM bench_marker")
        return cursor.fetchone()


def _write_marker(url: str, applications: int, applicants: int, seed: int, seconds: float) -> None:
    import psycopg2

    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_marker "
            "(applications int, applicants int, seed int, seconds float, created timestamptz)"
        )
        cursor.execute("DELETE FROM bench_marker")
        cursor.execute(
            "INSERT INTO bench_marker VALUES (%s, %s, %s, %s, now())", [applications, applicants, seed, seconds]
        )


def prepare_database(
    env: dict, url: str, applications: int, applicants: int, seed: int, log, grow_from=None
) -> tuple[bool, float]:
    """The bench database at ``url`` holding the requested data; (reused, seconds spent generating).

    ``grow_from`` = (url, applications, applicants) of a smaller bench database: this one starts as a copy of it
    (``CREATE DATABASE … TEMPLATE``, a file copy) and only the difference is generated, so the growth sizes
    cost one generation of the largest size, not one per size."""
    admin, name = _admin_connection(url)
    sized_env = {**env, "DATABASE_URL": url}
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
    if exists:
        if _marker(url) == (applications, applicants, seed):
            admin.close()
            log(f"database {name}: reusing {applications} applications (bench_marker)")
            subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=sized_env, check=True)
            return True, 0.0
        log(f"database {name}: holds other data, dropping it")
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    started = time.monotonic()
    new_applications, new_applicants, new_seed = applications, applicants, seed
    with admin.cursor() as cursor:
        if grow_from:
            source_url, source_applications, source_applicants = grow_from
            source = source_url.rsplit("/", 1)[1]
            log(f"database {name}: a copy of {source}, grown by {applications - source_applications} applications")
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
            new_applications -= source_applications
            new_applicants -= source_applicants
            new_seed += 1
        else:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=sized_env, check=True)
    log(f"{name}: generating {new_applications} applications and {new_applicants} applicants ...")
    subprocess.run(
        [PY, "manage.py", "generate_load_data", "--applications", str(new_applications)]
        + ["--applicants", str(new_applicants), "--seed", str(new_seed)],
        cwd=ROOT,
        env=sized_env,
        check=True,
    )
    seconds = time.monotonic() - started
    _write_marker(url, applications, applicants, seed, seconds)
    return False, seconds


def use_database(url: str) -> None:
    """Point this process's Django connection at another bench database (same server, other name)."""
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = url.rsplit("/", 1)[1]


def bench_env(emulator_url: str) -> dict:
    trembita = {
        "ss_base_url": emulator_url,
        "timeouts": {"connect": 5.0, "read": 30.0, "total_deadline": 60.0},
        "pool": {"max_connections": 70, "max_keepalive_connections": 70},
        # The residence register over SOAP, so that the bench measures SOAP lookups beside REST (ЄДДР).
        "services": {"rtg_residence": {"protocol": "soap"}},
    }
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
        "DJANGO_SETTINGS_MODULE": "cnap.settings.production",
        "CNAP_DEVELOPMENT_TOOLS": "1",  # generate_load_data lives in the development-only app
        "CNAP_BENCH": "1",  # the floor page and the Server-Timing CPU header (cnap/core/bench.py)
        "SECRET_KEY": "bench-" + "k9#2vQ!x7LmP0zR$4tYw8sB1nC6dF3gH5jK-not-for-production",
        "DEBUG": "False",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": DATABASE_URL,
        "CONN_MAX_AGE": "60",
        "REDIS_URL": REDIS_URL,
        "CNAP_TREMBITA": json.dumps(trembita),
        "CNAP_PRIVATE_MEDIA_ROOT": str(VAR / "private"),
        "CNAP_SITE_URL": "https://cnap.bench.example",  # production refuses a loopback address
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


# ---- HTTP clients ------------------------------------------------------------------------------------

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NEXT_LINK = re.compile(r'href="(\?[^"]*after=[^"]*)"')


class Session:
    """One logged-in browser: an httpx client that keeps the cookies itself (the production cookies are
    Secure, and the bench speaks plain HTTP to 127.0.0.1 as a TLS-terminating proxy would)."""

    def __init__(self, base_url: str):
        self.http = httpx.Client(base_url=base_url, timeout=60, follow_redirects=False, trust_env=False)
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.lock = threading.Lock()

    def request(self, method: str, url: str, **kwargs) -> tuple[httpx.Response, float]:
        with self.lock:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers = {"Cookie": cookie, **kwargs.pop("headers", {})}
        started = time.perf_counter()
        response = self.http.request(method, url, headers=headers, **kwargs)
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            for raw in response.headers.get_list("set-cookie"):
                pair = raw.split(";", 1)[0]
                name, _sep, value = pair.partition("=")
                if value and "max-age=0" not in raw.lower():
                    self.cookies[name.strip()] = value.strip()
                else:
                    self.cookies.pop(name.strip(), None)
        return response, elapsed

    def token_from(self, url: str) -> str:
        response, _ms = self.request("GET", url)
        match = CSRF_INPUT.search(response.text)
        if not match:
            raise RuntimeError(f"no CSRF token on {url} ({response.status_code})")
        return match.group(1)

    def login(self, username: str, password: str, totp_token) -> None:
        token = self.token_from("/accounts/login/")
        response, _ = self.request(
            "POST", "/accounts/login/", data={"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        if response.status_code != 302:
            raise RuntimeError(f"login of {username} refused ({response.status_code})")
        token = self.token_from("/accounts/2fa/verify/")
        response, _ = self.request(
            "POST", "/accounts/2fa/verify/", data={"csrfmiddlewaretoken": token, "otp_token": totp_token()}
        )
        if response.status_code != 302:
            raise RuntimeError(f"second factor of {username} refused ({response.status_code})")
        response, _ = self.request("GET", "/applications/")
        if response.status_code != 200:
            raise RuntimeError(f"{username}: the list answers {response.status_code} after logging in")
        self.csrf = CSRF_INPUT.search(response.text).group(1) if CSRF_INPUT.search(response.text) else ""
        if not self.csrf:
            self.csrf = self.token_from("/applications/register/")


@dataclass
class Timings:
    name: str
    ms: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # the worker's CPU per request (Server-Timing), ms
    errors: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def add(self, ms: float, ok: bool, response: httpx.Response | None = None) -> None:
        self.ms.append(ms)
        if not ok:
            self.errors += 1
        if response is not None:
            from cnap.core.bench import cpu_ms

            cpu = cpu_ms(response.headers)
            if cpu is not None:
                self.cpu.append(cpu)

    def pct(self, p: float) -> float | None:
        return percentile(self.ms, p)

    def cpu_pct(self, p: float) -> float | None:
        return percentile(self.cpu, p)

    @property
    def cpu_mean(self) -> float | None:
        return sum(self.cpu) / len(self.cpu) if self.cpu else None

    @property
    def rate(self) -> float:
        return len(self.ms) / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        if not self.ms:
            return "no requests"
        cpu = f" cpu p50={self.cpu_pct(0.5):.1f} ms mean={self.cpu_mean:.1f} ms" if self.cpu else ""
        return (
            f"n={len(self.ms)} p50={self.pct(0.5):.0f} ms p95={self.pct(0.95):.0f} ms max={max(self.ms):.0f} ms "
            f"errors={self.errors} {self.rate:.1f}/s{cpu}"
        )


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def merged(name: str, parts) -> Timings:
    """One Timings of several (the search kinds together)."""
    out = Timings(name)
    for part in parts:
        out.ms += part.ms
        out.cpu += part.cpu
        out.errors += part.errors
        out.seconds += part.seconds
        out.notes += part.notes
    return out


def run_threads(name: str, jobs: list, worker, threads: int) -> Timings:
    """Run ``worker(job, timings)`` for every job from ``threads`` threads."""
    timings = Timings(name)
    queue = list(reversed(jobs))
    lock = threading.Lock()

    def loop(index: int):
        while True:
            with lock:
                if not queue:
                    return
                job = queue.pop()
            try:
                worker(index, job, timings)
            except Exception as exc:  # noqa: BLE001 (an error is a figure, not a crash)
                with lock:
                    timings.errors += 1
                    timings.ms.append(0.0)
                    if len(timings.notes) < 5:
                        timings.notes.append(repr(exc)[:200])

    started = time.monotonic()
    pool = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    timings.seconds = time.monotonic() - started
    return timings


def run_for(name: str, seconds: float, worker, threads: int) -> Timings:
    """Run ``worker(index, timings)`` in a loop from ``threads`` threads for ``seconds``."""
    timings = Timings(name)
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def loop(index: int):
        while time.monotonic() < stop:
            try:
                worker(index, timings)
            except Exception as exc:  # noqa: BLE001
                with lock:
                    timings.errors += 1
                    timings.ms.append(0.0)
                    if len(timings.notes) < 5:
                        timings.notes.append(repr(exc)[:200])

    started = time.monotonic()
    pool = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    timings.seconds = time.monotonic() - started
    return timings


# ---- the bench's users and samples (ORM, in this process) ---------------------------------------------


def bench_users(count: int):
    """``count`` administrators of the busiest office and a community head, with passwords and TOTP devices."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cnap.accounts.constants import Role
    from cnap.accounts.models import Hromada, Office, User
    from demo.loaddata import LOAD_HROMADA, OFFICE_SPECS

    hromada = Hromada.objects.get(name=LOAD_HROMADA["name"])
    office = Office.objects.get(code=OFFICE_SPECS[0][0])
    specs = [(f"bench-admin-{n:02d}", Role.ADMINISTRATOR, office) for n in range(1, count + 1)]
    specs.append(("bench-mayor", Role.COMMUNITY_HEAD, None))
    users = {}
    for username, role, user_office in specs:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "office": user_office, "hromada": hromada, "last_name": "Бенч", "first_name": "Б"},
        )
        user.set_password(BENCH_PASSWORD)
        user.save()
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)

        def token(device=device):
            return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"

        users[username] = (user, token)
    return office, users


def samples(office, rng: random.Random) -> dict:
    from django.db import connection

    from applications.models import Applicant, Application
    from applications.selectors.lists import encode_cursor

    mine = Application.objects.filter(office=office)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM applications_application TABLESAMPLE SYSTEM (2) WHERE office_id = %s LIMIT 3000",
            [office.pk],
        )
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) < 50:
        ids = list(mine.values_list("id", flat=True)[:3000])
    rng.shuffle(ids)
    total = mine.count()
    cursors = []
    for share in (0.1, 0.5, 0.9, 0.99):
        row = mine.order_by("-registered_at", "-id").only("id", "registered_at")[int(total * share)]
        cursors.append((share, encode_cursor(row)))
    numbers = list(Application.objects.filter(pk__in=ids[:300]).values_list("number", flat=True))
    applicants = list(
        Applicant.objects.filter(applications__id__in=ids[:300]).values_list("rnokpp", "last_name", "first_name")
    )
    persons = [a for a in applicants if a[0]]
    return {"ids": ids, "cursors": cursors, "total": total, "numbers": numbers, "persons": persons}


def registration_form(office) -> dict:
    """A service the office offers with its mandatory documents, as the register form posts it."""
    from services.constants import VersionStatus
    from services.models import Service

    for service in Service.objects.filter(offices=office, is_active=True).order_by("local_code"):
        version = service.versions.filter(status=VersionStatus.PUBLISHED).order_by("-valid_from").first()
        if version is None or version.term_unit == "hours":
            continue
        docs = list(version.documents.filter(mandatory=True))
        data = {"service": str(service.pk), "channel": "in_person", "result_delivery": "in_person"}
        delivery = version.result_delivery or ["in_person"]
        data["result_delivery"] = "in_person" if "in_person" in delivery else delivery[0]
        data["doc"] = [str(d.pk) for d in docs]
        for doc in docs:
            data[f"doc_{doc.pk}_kind"] = doc.kind
            data[f"doc_{doc.pk}_copies"] = str(doc.copies)
            data[f"doc_{doc.pk}_sheets"] = "1"
        return data
    raise RuntimeError("no service to register")


_serial_lock = threading.Lock()
_serial = [0]


def new_person() -> dict:
    from demo.loaddata import rnokpp_for

    with _serial_lock:
        _serial[0] += 1
        n = _serial[0]
    born = dt.date(1990, 1, 1) + dt.timedelta(days=n % 7000)
    return {
        "applicant-kind": "person",
        "applicant-last_name": "Бенчук",
        "applicant-first_name": "Тарас",
        "applicant-patronymic": "Петрович",
        "applicant-birth_date": born.isoformat(),
        "applicant-rnokpp": rnokpp_for(born, 900 + (n // 7000) % 99, True, 9),
        "applicant-document_type": "id_card",
        "applicant-document_number": f"{100000000 + n:09d}",
        "applicant-phone": "+380501234567",
        "applicant-consent": "on",
    }


# ---- the measurements ----------------------------------------------------------------------------------


def ok_status(response: httpx.Response, expected=(200,)) -> bool:
    return response.status_code in expected


def measure_lists(sessions, sample, requests: int, deep_pages: int, threads: int) -> dict:
    results = {}

    def shallow(index, job, timings):
        url = job
        response, ms = sessions[index % len(sessions)].request("GET", url)
        timings.add(ms, ok_status(response), response)

    shallow_urls = ["/applications/", "/applications/?status=issued", "/applications/?status=in_progress"]
    shallow_urls += ["/applications/office-queue/", "/applications/overdue/"]
    results["list_shallow"] = run_threads(
        "list, first page", [shallow_urls[i % len(shallow_urls)] for i in range(requests)], shallow, threads
    )

    # Following the next links from page 1: one client per thread walks its own chain.
    def walk(index, job, timings):
        session = sessions[index % len(sessions)]
        url = job
        for _page in range(deep_pages):
            response, ms = session.request("GET", url)
            timings.add(ms, ok_status(response), response)
            match = NEXT_LINK.search(response.text)
            if not match:
                break
            url = "/applications/" + html.unescape(match.group(1))

    walked = run_threads("list, next links", ["/applications/", "/applications/?status=issued"], walk, 2)
    results["list_walk"] = walked

    # Any depth: a cursor at 10 %, 50 %, 90 %, 99 % of the office's cases.
    def deep(index, job, timings):
        response, ms = sessions[index % len(sessions)].request("GET", f"/applications/?after={job}")
        timings.add(ms, ok_status(response), response)

    cursors = [c for _share, c in sample["cursors"]]
    results["list_deep"] = run_threads(
        "list, deep pages (cursor at 10-99 %)", [cursors[i % len(cursors)] for i in range(requests)], deep, threads
    )
    return results


SEARCH_KINDS = {
    "number": "search by number",
    "rnokpp": "search by RNOKPP",
    "surname": "search by surname",
    "full_name": "search by surname + name",
}


def measure_search(sessions, sample, requests: int, threads: int) -> dict[str, Timings]:
    """The four kinds of search interleaved (the same concurrency for each), timed per kind."""
    queries = []
    kinds = list(SEARCH_KINDS)
    for i in range(requests):
        kind = kinds[i % 4]
        person = sample["persons"][i % len(sample["persons"])]
        if kind == "number":
            queries.append((kind, sample["numbers"][i % len(sample["numbers"])]))
        elif kind == "rnokpp":
            queries.append((kind, person[0]))
        elif kind == "surname":
            queries.append((kind, person[1]))
        else:
            queries.append((kind, f"{person[1]} {person[2]}"))
    by_kind = {kind: Timings(label) for kind, label in SEARCH_KINDS.items()}
    lock = threading.Lock()

    def search(index, job, timings):
        kind, text = job
        response, ms = sessions[index % len(sessions)].request("GET", "/applications/", params={"q": text})
        with lock:
            by_kind[kind].add(ms, ok_status(response), response)

    total = run_threads("search", queries, search, threads)
    for timings in by_kind.values():
        timings.seconds = total.seconds
        if total.notes:
            timings.notes = total.notes
    by_kind["rnokpp"].errors += total.errors  # an exception in a client is counted once, somewhere
    return by_kind


def measure_detail(sessions, sample, requests: int, threads: int) -> Timings:
    def detail(index, job, timings):
        response, ms = sessions[index % len(sessions)].request("GET", f"/applications/{job}/")
        timings.add(ms, ok_status(response), response)

    ids = sample["ids"]
    return run_threads("detail", [ids[i % len(ids)] for i in range(requests)], detail, threads)


REGISTERED = re.compile(r"/applications/(\d+)/registered/")


def register_once(session: Session, form: dict, timings: Timings, created: list) -> None:
    data = {**form, **new_person(), "csrfmiddlewaretoken": session.csrf}
    response, ms = session.request("POST", "/applications/register/", data=data)
    match = REGISTERED.search(response.headers.get("location", ""))
    timings.add(ms, response.status_code == 302 and match is not None, response)
    if match:
        created.append(int(match.group(1)))
    elif len(timings.notes) < 3:
        timings.notes.append(f"{response.status_code}: {response.text[:300]!r}")


def measure_registration(sessions, form, seconds: float) -> tuple[Timings, list[int]]:
    created: list[int] = []
    timings = run_for(
        "register (8 clients, one journal)",
        seconds,
        lambda index, timings: register_once(sessions[index], form, timings, created),
        threads=8,
    )
    return timings, created


def check_numbers(office) -> dict:
    from django.db import connection

    from applications.actions.registration import default_journal

    journal = default_journal(office=office)
    year = dt.datetime.now(KYIV).year
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT sequence), count(DISTINCT number), min(sequence), max(sequence) "
            "FROM applications_application WHERE journal_id = %s AND year = %s",
            [journal.pk, year],
        )
        rows, distinct, numbers, low, high = cursor.fetchone()
        cursor.execute("SELECT last_number FROM applications_journalcounter WHERE journal_id = %s AND year = %s",
                       [journal.pk, year])  # fmt: skip
        counter = cursor.fetchone()[0]
    return {
        "journal": journal.prefix,
        "year": year,
        "rows": rows,
        "duplicates": rows - distinct + (rows - numbers),
        "gaps": (high - low + 1 - distinct) if rows else 0,
        "starts_at_1": low == 1,
        "counter_matches": counter == high,
    }


def measure_dashboard(session, requests: int, threads: int) -> Timings:
    today = dt.datetime.now(KYIV).date()
    params = {"date_from": (today - dt.timedelta(days=5 * 365)).isoformat(), "date_to": today.isoformat()}
    periods = [params, {"date_from": today.replace(day=1).isoformat(), "date_to": today.isoformat()}, {}]

    def dashboard(index, job, timings):
        response, ms = session.request("GET", "/dashboard/", params=job)
        timings.add(ms, ok_status(response), response)

    timings = run_threads("dashboard, 5 years", [params] * requests, dashboard, threads)
    other = run_threads("dashboard, other periods", [periods[i % 3] for i in range(max(6, requests // 3))],
                        dashboard, threads)  # fmt: skip
    timings.notes.append(f"month / default period: {other.summary()}")
    return timings


def measure_receipts(session, ids: list[int]) -> Timings:
    def receipt(index, job, timings):
        response, ms = session.request("GET", f"/applications/{job}/receipt.pdf")
        timings.add(ms, response.status_code == 200 and response.content.startswith(b"%PDF"), response)

    return run_threads("receipt PDF over HTTP (first print)", ids, receipt, 1)


def measure_pdf(n: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [PY, "bench/pdf_bench.py", "-n", str(n), "--json"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    try:
        return json.loads(result.stdout[result.stdout.index("{") :])
    except ValueError:
        return {"error": (result.stdout + result.stderr)[-500:]}


def measure_registry(emulator_url: str, n: int, worker_pid: int, registry: str = "eddr_person") -> dict:
    """Lookups per second through the registry worker at 300 ms emulator latency: ``eddr_person`` goes over REST,
    ``rtg_residence`` over SOAP (bench_env)."""
    from bench.registry_bench import set_latency
    from bench.registry_worker_bench import run

    set_latency(emulator_url, 300)
    try:
        return run(n, warmup=min(100, n // 5), worker_pid=worker_pid, registry=registry)
    finally:
        set_latency(emulator_url, 0)


def measure_mixed(sessions, mayor, sample, form, seconds: float, threads: int) -> tuple[Timings, dict]:
    from applications.models import Application

    office_id = sessions[0].office_id
    pool = list(
        Application.objects.filter(office_id=office_id, status="registered").values_list("id", "revision")[:5000]
    )
    random.Random(3).shuffle(pool)
    lock = threading.Lock()
    moved: list[int] = []
    created: list[int] = []
    counts: dict[str, int] = {}
    ops = ["list"] * 15 + ["list_deep"] * 10 + ["detail"] * 25 + ["move"] * 20 + ["register"] * 10
    ops += ["search"] * 10 + ["dashboard"] * 10
    rng = random.Random(11)
    today = dt.datetime.now(KYIV).date()
    dashboard_params = {"date_from": (today - dt.timedelta(days=5 * 365)).isoformat(), "date_to": today.isoformat()}

    def worker(index, timings):
        session = sessions[index % len(sessions)]
        with lock:
            op = rng.choice(ops)
            job = pool.pop() if op == "move" and pool else None
            if op == "move" and job is None:
                op = "detail"
            counts[op] = counts.get(op, 0) + 1
            pick = rng.randrange(1 << 30)
        if op == "list":
            response, ms = session.request("GET", "/applications/")
            timings.add(ms, ok_status(response), response)
        elif op == "list_deep":
            cursor = sample["cursors"][pick % len(sample["cursors"])][1]
            response, ms = session.request("GET", f"/applications/?after={cursor}")
            timings.add(ms, ok_status(response), response)
        elif op == "detail":
            response, ms = session.request("GET", f"/applications/{sample['ids'][pick % len(sample['ids'])]}/")
            timings.add(ms, ok_status(response), response)
        elif op == "move":
            pk, revision = job
            data = {"csrfmiddlewaretoken": session.csrf, "to_status": "sent_to_provider", "revision": str(revision)}
            response, ms = session.request("POST", f"/applications/{pk}/move/", data=data)
            timings.add(ms, response.status_code == 302, response)
            moved.append(pk)
        elif op == "register":
            register_once(session, form, timings, created)
        elif op == "search":
            person = sample["persons"][pick % len(sample["persons"])]
            query = person[0] if pick % 2 else person[1]
            response, ms = session.request("GET", "/applications/", params={"q": query})
            timings.add(ms, ok_status(response), response)
        else:
            response, ms = mayor.request("GET", "/dashboard/", params=dashboard_params)
            timings.add(ms, ok_status(response), response)

    timings = run_for("mixed workload", seconds, worker, threads)
    really_moved = Application.objects.filter(pk__in=moved, status="sent_to_provider").count()
    return timings, {"ops": counts, "moves": len(moved), "moves_applied": really_moved, "registered": len(created)}


def measure_floor(sessions, requests: int, threads: int) -> Timings:
    """The framework floor: the cheapest authenticated page through the same stack (cnap/core/bench.py)."""

    def floor(index, job, timings):
        response, ms = sessions[index % len(sessions)].request("GET", "/bench/floor/")
        timings.add(ms, ok_status(response), response)

    return run_threads("floor (minimal authenticated page)", list(range(requests)), floor, threads)


def measure_growth(sessions, mayor, sample, requests: int, threads: int) -> dict:
    """The pages whose cost could grow with the data, the same way at every size: the list's first page and
    a deep page, each kind of search, the 5-year dashboard and the floor."""
    floor = measure_floor(sessions, requests // 2, threads)

    def get(url_of):
        def worker(index, job, timings):
            session = mayor if url_of is None else sessions[index % len(sessions)]
            url, params = (job, None) if url_of is None else url_of(job)
            response, ms = session.request("GET", url, params=params)
            timings.add(ms, ok_status(response), response)

        return worker

    lists = run_threads("list", ["/applications/"] * requests, get(lambda url: (url, None)), threads)
    cursors = [c for _share, c in sample["cursors"]]
    deep_jobs = cursors * (requests // len(cursors))
    deep = run_threads("list, deep", deep_jobs, get(lambda c: ("/applications/", {"after": c})), threads)
    search = measure_search(sessions, sample, requests, threads)
    today = dt.datetime.now(KYIV).date()
    five_years = f"/dashboard/?date_from={(today - dt.timedelta(days=5 * 365)).isoformat()}&date_to={today.isoformat()}"
    dashboard = run_threads("dashboard", [five_years] * (requests // 2), get(None), 2)
    return {"floor": floor, "list": lists, "list_deep": deep, **{f"search_{k}": v for k, v in search.items()},
            "dashboard": dashboard}  # fmt: skip


PROFILED_PAGES = ("list", "search", "detail", "dashboard")


def profile_pages(master_pid: int, sessions, mayor, sample, seconds: float, out_dir: Path, stem: str) -> dict:
    """py-spy flame graphs (SVG) of the gunicorn workers while clients ask for one page at a time; the files go
    to ``out_dir`` named ``<stem>-<page>.svg``. Needs py-spy (requirements-dev.txt) and ptrace rights."""
    spy = Path(PY).with_name("py-spy")
    if not spy.exists():
        return {"error": "py-spy is not installed (pip install -r requirements-dev.txt)"}
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.svg"):
        if not old.name.startswith(stem):
            old.unlink()  # the report links only this run's graphs; git keeps the old ones
    today = dt.datetime.now(KYIV).date()
    five_years = {"date_from": (today - dt.timedelta(days=5 * 365)).isoformat(), "date_to": today.isoformat()}
    rng = random.Random(5)
    result = {}
    for page in PROFILED_PAGES:
        target = out_dir / f"{stem}-{page}.svg"
        spy_process = subprocess.Popen(
            [str(spy), "record", "--pid", str(master_pid), "--subprocesses", "--nonblocking", "--duration",
             str(int(seconds)), "--format", "flamegraph", "-o", str(target)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        time.sleep(1.0)

        def worker(index, timings, page=page):
            session = sessions[index % len(sessions)]
            pick = rng.randrange(1 << 30)
            if page == "list":
                response, ms = session.request("GET", "/applications/")
            elif page == "search":
                person = sample["persons"][pick % len(sample["persons"])]
                response, ms = session.request("GET", "/applications/", params={"q": person[pick % 2]})
            elif page == "detail":
                response, ms = session.request("GET", f"/applications/{sample['ids'][pick % len(sample['ids'])]}/")
            else:
                response, ms = mayor.request("GET", "/dashboard/", params=five_years)
            timings.add(ms, ok_status(response), response)

        timings = run_for(page, seconds - 2, worker, 2 if page == "dashboard" else 4)
        output, _ = spy_process.communicate(timeout=seconds + 60)
        if spy_process.returncode or not target.exists():
            result[page] = {"error": output.strip()[-300:]}
        else:
            result[page] = {"file": str(target.relative_to(ROOT)), "requests": len(timings.ms),
                            "samples": (re.findall(r"Samples: (\d+)", output) or ["?"])[0]}  # fmt: skip
    return result


# ---- the report ----------------------------------------------------------------------------------------


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    pg = subprocess.run(["psql", DATABASE_URL, "-Atc", "SHOW server_version"], capture_output=True, text=True)
    return {
        "cpus": CORES,
        "cpu": model or platform.processor(),
        "memory": memory,
        "python": platform.python_version(),
        "postgresql": pg.stdout.strip(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


@dataclass
class Row:
    what: str
    figure: str
    target: str
    ok: bool | None
    cause: str = ""


def fmt_ms(value) -> str:
    return "—" if value is None else f"{value:.0f} ms"


def build_rows(r: dict) -> list[Row]:
    rows = []
    lists = [r["list_shallow"], r["list_deep"], r["list_walk"]]
    for t in lists:
        p95 = t.pct(0.95)
        rows.append(Row(t.name, f"p50 {fmt_ms(t.pct(0.5))}, p95 {fmt_ms(p95)} ({len(t.ms)} req, {t.errors} errors)",
                        "p95 < 150 ms", p95 is not None and p95 < 150 and not t.errors))  # fmt: skip
    for t, target, limit in [(r["search"][kind], "p95 < 100 ms", 100) for kind in SEARCH_KINDS] + [
        (r["detail"], "p95 < 120 ms", 120)
    ]:
        p95 = t.pct(0.95)
        rows.append(Row(t.name, f"p50 {fmt_ms(t.pct(0.5))}, p95 {fmt_ms(p95)} ({len(t.ms)} req, {t.errors} errors)",
                        target, p95 is not None and p95 < limit and not t.errors))  # fmt: skip
    t = r["register"]
    p95 = t.pct(0.95)
    ok_rate = len(t.ms) - t.errors
    rows.append(Row("register over HTTP, p95", f"p50 {fmt_ms(t.pct(0.5))}, p95 {fmt_ms(p95)}", "p95 < 200 ms",
                    p95 is not None and p95 < 200))  # fmt: skip
    rate = ok_rate / t.seconds if t.seconds else 0
    rows.append(Row("register, 8 clients on one journal", f"{rate:.1f}/s ({ok_rate} registered, {t.errors} errors)",
                    "≥ 50/s", rate >= 50 and not t.errors))  # fmt: skip
    n = r["numbers"]
    counter = "=" if n["counter_matches"] else "!="
    figure = f"{n['duplicates']} duplicates, {n['gaps']} gaps, counter {counter} max"
    numbers_ok = not n["duplicates"] and not n["gaps"] and n["counter_matches"]
    scope = f"numbers in {n['journal']} {n['year']} ({n['rows']} rows)"
    rows.append(Row(scope, figure, "0 duplicates, 0 gaps", numbers_ok))
    t = r["dashboard"]
    p95 = t.pct(0.95)
    rows.append(Row(t.name, f"p50 {fmt_ms(t.pct(0.5))}, p95 {fmt_ms(p95)} ({len(t.ms)} req, {t.errors} errors)",
                    "p95 < 200 ms", p95 is not None and p95 < 200 and not t.errors))  # fmt: skip
    pdf = r["pdf"]
    if "error" in pdf:
        rows.append(Row("receipt PDF (bench/pdf_bench.py)", pdf["error"][-120:], "≤ 1.5x WeasyPrint's floor", False))
    else:
        fast, floor, plain = pdf["cnap"]["cpu_p50_ms"], pdf["floor"]["cpu_p50_ms"], pdf["plain"]["cpu_p50_ms"]
        ratio = pdf["ratio_to_floor"]
        rows.append(Row("receipt PDF, cnap.pdf vs WeasyPrint's floor (layout + drawing), same document",
                        f"CPU p50 {fmt_ms(fast)} vs floor {fmt_ms(floor)} = {ratio:.2f}x (plain: {fmt_ms(plain)}; "
                        f"wall p50 {pdf['cnap']['p50_ms']:.0f} vs {pdf['floor']['p50_ms']:.0f} ms)",
                        "≤ 1.5x the floor", ratio <= 1.5))  # fmt: skip
    t = r["receipts"]
    rows.append(Row(t.name, f"p50 {fmt_ms(t.pct(0.5))}, p95 {fmt_ms(t.pct(0.95))} ({len(t.ms)} req, {t.errors} errors)",
                    "(end to end: render + store + serve)", None))  # fmt: skip
    for key, label in (("registry", "REST"), ("registry_soap", "SOAP")):
        reg = r.get(key) or {"error": "not measured"}
        what = f"registry lookups ({label}), worker + emulator at 300 ms"
        if "error" in reg:
            rows.append(Row(what, reg["error"], "≥ 50/s", False))
        else:
            figure = f"{reg['per_second']}/s ({reg['completed']}/{reg['requests']}, p95 {reg['request_p95_ms']} ms)"
            rows.append(Row(what, figure, "≥ 50/s", reg["per_second"] >= 50 and not reg["errors"]))
    t = r["mixed"]
    p95 = t.pct(0.95)
    mixed_cpu = r["mixed_cpu"]
    rows.append(Row(f"{t.name} ({r['mixed_threads']} clients)",
                    f"{t.rate:.1f} req/s, p50 {fmt_ms(t.pct(0.5))}, p95 {fmt_ms(p95)}, {t.errors} errors; "
                    f"load generator {mixed_cpu['cores']['load generator']:.2f} cores",
                    "≥ 50 req/s, p95 < 300 ms, 0 errors",
                    t.rate >= 50 and p95 is not None and p95 < 300 and not t.errors))  # fmt: skip
    rows.append(Row("mixed workload: CPU per request and cores for 50 req/s",
                    f"server {mixed_cpu['server_ms_per_request']:.1f} ms/req "
                    f"({', '.join(f'{k} {v:.2f}' for k, v in mixed_cpu['cores'].items())} cores busy); "
                    f"50 req/s needs {mixed_cpu['cores_for_50']:.1f} cores for the site at 70 % busy, "
                    f"+ {mixed_cpu['generator_cores_for_50']:.1f} for this load generator",
                    "(what the target needs)", None))  # fmt: skip
    floor = r["floor"]
    floor_cpu, floor_p50 = floor.cpu_pct(0.5), floor.pct(0.5)
    rows.append(Row(floor.name, f"p50 {fmt_ms(floor_p50)}, CPU p50 {floor_cpu or 0:.1f} ms/req ({len(floor.ms)} req, "
                    f"{floor.errors} errors)", "(the unit of the ratios below)", None))  # fmt: skip
    for label, t, limit in floor_pages(r):
        cpu, p50 = t.cpu_pct(0.5), t.pct(0.5)
        if not cpu or not floor_cpu or not p50 or not floor_p50:
            rows.append(Row(f"{label} vs the floor", "no CPU figures", f"≤ {limit:g}x the floor's CPU", False))
            continue
        ratio = cpu / floor_cpu
        rows.append(Row(f"{label} vs the floor, CPU per request",
                        f"CPU p50 {cpu:.1f} ms = {ratio:.1f}x; latency p50 {p50:.0f} ms = {p50 / floor_p50:.1f}x",
                        f"≤ {limit:g}x the floor's CPU", ratio <= limit))  # fmt: skip
    rows += r.get("rows", [])  # rows of sections added later (a section appends Row objects here)
    return rows


def floor_pages(r: dict) -> list[tuple[str, Timings, float]]:
    """(label, timings, allowed ratio to the floor's CPU per request) of each page the targets name."""
    search = merged("search", r["search"].values())
    return [("list, first page", r["list_shallow"], 3), ("detail", r["detail"], 3), ("search", search, 3),
            ("registration", r["register"], 5), ("dashboard, 5 years", r["dashboard"], 4)]  # fmt: skip


def print_rows(rows: list[Row]) -> None:
    width = max(len(row.what) for row in rows)
    for row in rows:
        mark = "info" if row.ok is None else "pass" if row.ok else "SHORT"
        print(f"  {row.what:<{width}}  {row.figure}  [target {row.target}]  {mark}")


GROWTH_COLUMNS = {
    "floor": "floor",
    "list": "list, first page",
    "list_deep": "list, deep page",
    "search_number": "search by number",
    "search_rnokpp": "search by RNOKPP",
    "search_surname": "search by surname",
    "search_full_name": "search by surname + name",
    "dashboard": "dashboard, 5 years",
}


def write_report(path: Path, info: dict, rows: list[Row], r: dict, causes) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/run.py): the speed targets measured over HTTP against the "
        "production settings (gunicorn, Celery workers, beat, the registry emulator, PostgreSQL, Redis) on "
        "this machine. Re-run it rather than editing this file.",
        "",
        f"- Date: {info['date']}",
        f"- Machine: {info['cpus']} CPU ({info['cpu']}), {info['memory']} RAM; Python {info['python']}, "
        f"PostgreSQL {info['postgresql']}",
        f"- Load average before / after the run: {info['load_before']} / {info['load_after']} "
        "(the machine is shared: other processes run beside the bench)",
        f"- Data: {info['applications']:,} applications, {info['applicants']:,} applicants over 5 years in 10 offices "
        f"(+ {info['status_changes']:,} status changes, {info['documents']:,} submitted documents); the measured "
        f"office holds {info['office_rows']:,} of them. Database {info['database']}: "
        + (f"generated in {info['generated_seconds']:.0f} s" if info["generated_seconds"] else "reused")
        + ".",
        f"- Stack: gunicorn {info['gunicorn_workers']} sync workers, Celery `default,pdf` prefork x 2, `registry` "
        "threads x 50, beat, emulator; clients: httpx in threads, each logged in once (password + TOTP).",
        f"- Mode: {'quick' if info['quick'] else 'full'}; run took {info['seconds']:.0f} s.",
        "- CPU per request: each gunicorn worker's `time.process_time()` around the whole middleware stack, sent in "
        "a `Server-Timing` header by a middleware that exists only with `CNAP_BENCH=1` (cnap/core/bench.py). The "
        "floor is a minimal authenticated page (`/bench/floor/`, routed only with `CNAP_BENCH=1`) through the same "
        "gunicorn, middleware, session, login and second-factor checks, measured in the same run; the ratios below "
        "divide each page's CPU p50 by the floor's, so they hold whatever else runs on the machine.",
        f"- Growth sizes: {', '.join(f'{n:,}' for n in info['sizes'])} applications (the smaller database is grown "
        "into the larger: one generation in all).",
        "",
        "| what | measured | target | |",
        "|---|---|---|---|",
    ]
    for row in rows:
        mark = "info" if row.ok is None else "pass" if row.ok else "**short**"
        lines.append(f"| {row.what} | {row.figure} | {row.target} | {mark} |")
    lines += ["", "## Growth: the same pages at each size", "",
              "Measured the same way at each size (bench/run.py `measure_growth`: 4 clients, the smaller database is a "
              "copy of which the larger one is grown, each with its own gunicorn); p50 latency / the worker's CPU p50 "
              "per request.", "",
              "| applications | " + " | ".join(GROWTH_COLUMNS.values()) + " |",
              "|---|" + "---|" * len(GROWTH_COLUMNS)]  # fmt: skip
    for size, figures in sorted(r["growth"].items()):
        cells = []
        for key in GROWTH_COLUMNS:
            t = figures[key]
            cells.append(
                f"{fmt_ms(t.pct(0.5))} / {t.cpu_pct(0.5) or 0:.1f} ms" + (f" ({t.errors} errors)" if t.errors else "")
            )
        lines.append(f"| {size:,} | " + " | ".join(cells) + " |")
    lines += ["", "## Flame graphs", ""]
    profiles = r.get("profiles") or {}
    if "error" in profiles:
        lines.append(f"Not recorded: {profiles['error']}")
    for page, figure in profiles.items():
        if isinstance(figure, dict) and "file" in figure:
            name = Path(figure["file"]).name
            lines.append(f"- {page}: [{name}](benchmarks/{name}) (py-spy, all gunicorn workers, "
                         f"{figure['requests']} requests, {figure['samples']} samples)")  # fmt: skip
        elif isinstance(figure, dict):
            lines.append(f"- {page}: not recorded: {figure.get('error')}")
    lines += ["", "## Details", ""]
    details = [r[key] for key in ("floor", "list_shallow", "list_deep", "list_walk")] + list(r["search"].values())
    details += [r[key] for key in ("detail", "register", "dashboard", "receipts", "mixed")]
    for t in details:
        lines.append(f"- {t.name}: {t.summary()}" + (f"; notes: {'; '.join(t.notes)}" if t.notes else ""))
    lines.append(f"- mixed workload operations: {json.dumps(r['mixed_info'], ensure_ascii=False)}")
    lines.append(f"- mixed workload CPU: {json.dumps(r['mixed_cpu'], ensure_ascii=False)}")
    lines.append(f"- numbers check: {json.dumps(r['numbers'], ensure_ascii=False)}")
    lines.append(f"- pdf_bench: {json.dumps(r['pdf'], ensure_ascii=False)}")
    lines.append(f"- registry: {json.dumps(r['registry'], ensure_ascii=False)}")
    lines.append(f"- registry over SOAP: {json.dumps(r.get('registry_soap'), ensure_ascii=False)}")
    for key, value in r.get("details", {}).items():  # sections added later
        lines.append(f"- {key}: {json.dumps(value, ensure_ascii=False, default=str)}")
    short = [row for row in rows if row.ok is False]
    lines += ["", "## Short figures and their causes", ""]
    if not short:
        lines.append("None: every target was met in this run.")
    for row in short:
        lines.append(f"- **{row.what}**: {causes(row.what)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---- the stack and the sections -------------------------------------------------------------------------


@dataclass
class Bench:
    """What the sections share: the running stack, the logged-in clients, the samples and the results ``r``."""

    quick: bool
    env: dict
    processes: Processes
    base_url: str
    emulator_url: str
    log: object
    seed: int
    r: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)  # name -> process group id, for CpuSampler
    sessions: list = field(default_factory=list)
    mayor: Session | None = None
    office: object = None
    sample: dict = field(default_factory=dict)
    form: dict = field(default_factory=dict)
    registry_worker_pid: int = 0
    created: list = field(default_factory=list)
    threads: int = 4

    @property
    def requests(self) -> int:
        return 120 if self.quick else 400


def start_web(processes: Processes, env: dict, name: str) -> tuple[str, subprocess.Popen]:
    port = free_port()
    workers = 2 * CORES + 1
    process = processes.start(
        name,
        [PY, "-m", "gunicorn", "cnap.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers",
         str(workers), "--timeout", "60", "--access-logfile", "-", "--log-level", "warning"],
        env,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    wait_http(base_url + "/healthz")
    return base_url, process


def log_in(base_url: str, seed: int):
    """The office, 8 administrators' sessions and the community head's (users made in the current database)."""
    office, users = bench_users(8)
    sessions = []
    for n in range(1, 9):
        user, token = users[f"bench-admin-{n:02d}"]
        session = Session(base_url)
        session.login(user.username, BENCH_PASSWORD, token)
        session.office_id = office.pk
        sessions.append(session)
    mayor_user, mayor_token = users["bench-mayor"]
    mayor = Session(base_url)
    mayor.login(mayor_user.username, BENCH_PASSWORD, mayor_token)
    sample = samples(office, random.Random(seed))
    run_threads("warm-up", ["/applications/", "/bench/floor/"] * 10,
                lambda i, url, t: sessions[i % 8].request("GET", url), 4)  # fmt: skip
    return office, sessions, mayor, sample


def section_floor(b: Bench) -> None:
    b.r["floor"] = measure_floor(b.sessions, b.requests, b.threads)
    b.log(f"floor: {b.r['floor'].summary()}")


def section_lists(b: Bench) -> None:
    b.r.update(measure_lists(b.sessions, b.sample, b.requests, deep_pages=30 if b.quick else 100, threads=b.threads))
    b.log(f"lists: {b.r['list_shallow'].summary()} | deep {b.r['list_deep'].summary()} | "
          f"walk {b.r['list_walk'].summary()}")  # fmt: skip


def section_search(b: Bench) -> None:
    b.r["search"] = measure_search(b.sessions, b.sample, b.requests, b.threads)
    for t in b.r["search"].values():
        b.log(f"{t.name}: {t.summary()}")


def section_detail(b: Bench) -> None:
    b.r["detail"] = measure_detail(b.sessions, b.sample, b.requests, b.threads)
    b.log(f"detail: {b.r['detail'].summary()}")


def section_register(b: Bench) -> None:
    b.r["register"], b.created = measure_registration(b.sessions, b.form, 20 if b.quick else 45)
    b.log(f"register: {b.r['register'].summary()} {b.r['register'].notes[:1]}")
    b.r["numbers"] = check_numbers(b.office)
    b.log(f"numbers: {b.r['numbers']}")


def section_dashboard(b: Bench) -> None:
    b.r["dashboard"] = measure_dashboard(b.mayor, 30 if b.quick else 80, threads=2)
    b.log(f"dashboard: {b.r['dashboard'].summary()}")


def section_receipts(b: Bench) -> None:
    b.r["receipts"] = measure_receipts(b.sessions[0], b.created[: 30 if b.quick else 80])
    b.log(f"receipts over HTTP: {b.r['receipts'].summary()}")
    b.r["pdf"] = measure_pdf(40 if b.quick else 100)
    b.log(f"pdf_bench: {b.r['pdf']}")


def section_registry(b: Bench) -> None:
    for key, registry in (("registry", "eddr_person"), ("registry_soap", "rtg_residence")):
        try:
            b.r[key] = measure_registry(b.emulator_url, 500 if b.quick else 1500, b.registry_worker_pid, registry)
        except Exception as exc:  # noqa: BLE001 (reported as a short figure)
            b.r[key] = {"error": repr(exc)[:300]}
        b.log(f"{key}: {b.r[key]}")


def section_mixed(b: Bench) -> None:
    database = sized_url(b.r["size"]).rsplit("/", 1)[1]
    sampler = CpuSampler(b.groups, database)
    sampler.start()
    started = time.monotonic()
    b.r["mixed_threads"] = 16
    b.r["mixed"], b.r["mixed_info"] = measure_mixed(b.sessions, b.mayor, b.sample, b.form, 45 if b.quick else 120, 16)
    seconds = time.monotonic() - started
    used = sampler.stop()
    requests = max(1, len(b.r["mixed"].ms))
    server = sum(v for k, v in used.items() if k != "load generator")
    per_request = server / requests
    b.r["mixed_cpu"] = {
        "seconds": round(seconds, 1),
        "requests": requests,
        "cpu_seconds": used,
        "cores": {k: round(v / seconds, 2) for k, v in used.items()},
        "server_ms_per_request": round(per_request * 1000, 1),
        "generator_ms_per_request": round(used["load generator"] / requests * 1000, 1),
        "cores_for_50": round(per_request * 50 / 0.7, 2),
        "generator_cores_for_50": round(used["load generator"] / requests * 50, 2),
        "note": "server = gunicorn + Celery workers + beat + emulator + the PostgreSQL backends of the bench database; "
        "Redis is not counted (shared server)",
    }
    b.log(f"mixed: {b.r['mixed'].summary()} {b.r['mixed_info']} cpu {b.r['mixed_cpu']}")


def section_growth(b: Bench) -> None:
    b.r.setdefault("growth", {})[b.r["size"]] = measure_growth(
        b.sessions, b.mayor, b.sample, 60 if b.quick else 160, b.threads
    )
    b.log(f"growth at {b.r['size']:,}: measured")


def section_queue(b: Bench) -> None:
    """The queue's targets (bench/queue_bench.py): «call next» with 30 windows, the board's delay."""
    from bench.queue_bench import measure_queue, queue_rows

    b.r["queue"] = measure_queue(b.base_url, quick=b.quick, log=b.log)
    b.r.setdefault("rows", []).extend(queue_rows(b.r["queue"]))


def section_profiles(b: Bench) -> None:
    stem = dt.datetime.now(KYIV).strftime("%Y-%m-%d")
    b.r["profiles"] = profile_pages(
        b.groups["gunicorn"], b.sessions, b.mayor, b.sample, 8 if b.quick else 20, ROOT / "docs" / "benchmarks", stem
    )
    b.log(f"flame graphs: {b.r['profiles']}")


#: The sections of a run, in order, on the full-size stack: (name, function(Bench)). A new section is a function
#: that stores its results in ``b.r`` (and, for the report, ``Row`` objects in ``b.r["rows"]`` and JSON-able
#: details in ``b.r["details"]``) plus a line here.
SECTIONS = [
    ("floor", section_floor),
    ("lists", section_lists),
    ("search", section_search),
    ("detail", section_detail),
    ("register", section_register),
    ("dashboard", section_dashboard),
    ("receipts", section_receipts),
    ("registry", section_registry),
    ("mixed", section_mixed),
    ("queue", section_queue),
    ("growth", section_growth),
    ("profiles", section_profiles),
]


# ---- main ----------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="50 k applications, shorter phases (< 10 min)")
    parser.add_argument("--applications", type=int)
    parser.add_argument("--applicants", type=int)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--report", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--no-report", action="store_true", help="print only, do not write docs/benchmarks.md")
    parser.add_argument("--only", help="comma-separated sections to run (e.g. floor,lists,search); for iterating")
    parser.add_argument("--no-growth", action="store_true", help="skip the smaller size (growth line at one size)")
    args = parser.parse_args(argv)
    applications = args.applications or (50_000 if args.quick else FULL)
    applicants = args.applicants or applications * 3 // 10
    quick = args.quick
    only = set(args.only.split(",")) if args.only else None
    started = time.monotonic()
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())

    def log(line: str) -> None:
        print(f"[bench {time.monotonic() - started:6.1f} s] {line}", flush=True)

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    processes = Processes()
    emulator_port = free_port()
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    env = bench_env(emulator_url)
    os.environ.update(env)
    # Growth: a quarter of the size first; the full-size database is grown from it.
    sizes = [applications] if args.no_growth else [applications // 4, applications]
    try:
        generated_seconds = 0.0
        previous = None
        for size in sizes:
            size_applicants = applicants * size // applications
            url = sized_url(size)
            _reused, seconds = prepare_database(env, url, size, size_applicants, args.seed, log, grow_from=previous)
            generated_seconds += seconds
            previous = (url, size, size_applicants)
        subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()  # the bench's own Redis database: stale tasks of an old run

        import django

        django.setup()
        import logging

        logging.getLogger("httpx").setLevel(logging.WARNING)
        from django.db import connection

        from applications.models import Application, StatusChange, SubmittedDocument

        r: dict = {"growth": {}}
        # The smaller sizes: their own gunicorn on their own database, the growth pages only.
        for size in sizes[:-1]:
            url = sized_url(size)
            use_database(url)
            web_url, web = start_web(processes, {**env, "DATABASE_URL": url}, f"gunicorn-{size // 1000}k")
            small = Bench(quick, env, processes, web_url, emulator_url, log, args.seed, r=r)
            small.office, small.sessions, small.mayor, small.sample = log_in(web_url, args.seed)
            r["size"] = size
            section_growth(small)
            os.killpg(web.pid, signal.SIGTERM)
            web.wait(timeout=30)
            processes.items = [(n, p) for n, p in processes.items if p is not web]
        use_database(DATABASE_URL if applications == FULL else sized_url(applications))
        r["size"] = applications

        emulator = processes.start(
            "emulator", [PY, "manage.py", "registry_emulator", "--port", str(emulator_port)], env
        )
        base_url, gunicorn = start_web(processes, {**env, "DATABASE_URL": sized_url(applications)}, "gunicorn")
        celery = [PY, "-m", "celery", "-A", "cnap"]
        full_env = {**env, "DATABASE_URL": sized_url(applications)}
        default_worker = processes.start("worker-default", celery + ["worker", "-n", "bench-default@%h", "-Q",
                                         "default", "--pool", "prefork", "--concurrency", "2", "--loglevel",
                                         "WARNING"], full_env)  # fmt: skip
        registry_worker = processes.start(
            "worker-registry",
            celery
            + ["worker", "-n", "bench-registry@%h", "-Q", "registry", "--pool", "threads", "--concurrency", "50"]
            + ["--loglevel", "WARNING"],
            full_env,
        )
        beat = processes.start("beat", celery + ["beat", "--schedule", str(VAR / "celerybeat-schedule"), "--loglevel",
                               "WARNING"], full_env)  # fmt: skip
        wait_http(emulator_url + "/__emulator/log")
        processes.check()
        workers = 2 * CORES + 1
        log(f"stack up: gunicorn x {workers} on {base_url}, workers, beat, emulator on {emulator_url}")

        b = Bench(quick, env, processes, base_url, emulator_url, log, args.seed, r=r)
        b.groups = {"gunicorn": gunicorn.pid, "celery default": default_worker.pid,
                    "celery registry": registry_worker.pid, "beat": beat.pid, "emulator": emulator.pid}  # fmt: skip
        b.registry_worker_pid = registry_worker.pid
        b.office, b.sessions, b.mayor, b.sample = log_in(base_url, args.seed)
        b.form = registration_form(b.office)
        log("9 clients logged in (password + TOTP)")
        for name, section in SECTIONS:
            if only is None or name in only:
                section(b)
        processes.check()
        if only is not None:
            log(f"--only {args.only}: no report")
            return 0

        rows = build_rows(r)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM applications_applicant")
            applicant_rows = cursor.fetchone()[0]
        info = {
            **machine(),
            "date": dt.datetime.now(KYIV).strftime("%Y-%m-%d %H:%M (UTC+2)"),
            "load_before": load_before,
            "load_after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "applications": Application.objects.count(),
            "applicants": applicant_rows,
            "status_changes": StatusChange.objects.count(),
            "documents": SubmittedDocument.objects.count(),
            "office_rows": b.sample["total"],
            "database": sized_url(applications).rsplit("/", 1)[1],
            "generated_seconds": generated_seconds,
            "gunicorn_workers": workers,
            "quick": quick,
            "sizes": sizes,
            "seconds": time.monotonic() - started,
        }
        print()
        print(f"speed targets on {info['cpus']} CPU, {info['memory']}, load {info['load_before']} -> "
              f"{info['load_after']}, "
              f"{info['applications']:,} applications:")  # fmt: skip
        print_rows(rows)
        if not args.no_report:
            from bench.causes import cause_for

            write_report(Path(args.report), info, rows, r, cause_for)
            log(f"wrote {args.report}")
        return 0
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        processes.stop()
        log("every process the bench started is stopped")


if __name__ == "__main__":
    sys.exit(main())
