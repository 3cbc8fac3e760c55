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


# ---- database ----------------------------------------------------------------------------------------


def _admin_connection():
    import psycopg2

    base, name = DATABASE_URL.rsplit("/", 1)
    connection = psycopg2.connect(base + "/postgres")
    connection.autocommit = True
    return connection, name


def prepare_database(env: dict, applications: int, applicants: int, seed: int, log) -> tuple[bool, float]:
    """The bench database holding the requested data; (reused, seconds spent generating)."""
    import psycopg2

    admin, name = _admin_connection()
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
    if exists:
        with psycopg2.connect(DATABASE_URL) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('bench_marker') IS NOT NULL")
            if cursor.fetchone()[0]:
                cursor.execute("SELECT applications, applicants, seed FROM bench_marker")
                if cursor.fetchone() == (applications, applicants, seed):
                    admin.close()
                    log(f"database {name}: reusing {applications} applications (bench_marker)")
                    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
                    return True, 0.0
        log(f"database {name}: holds other data, dropping it")
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    log(f"generating {applications} applications and {applicants} applicants ...")
    started = time.monotonic()
    subprocess.run(
        [PY, "manage.py", "generate_load_data", "--applications", str(applications), "--applicants", str(applicants)]
        + ["--seed", str(seed)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    seconds = time.monotonic() - started
    with psycopg2.connect(DATABASE_URL) as connection, connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_marker (applications int, applicants int, seed int, seconds float, created timestamptz)"
        )
        cursor.execute(
            "INSERT INTO bench_marker VALUES (%s, %s, %s, %s, now())", [applications, applicants, seed, seconds]
        )
    return False, seconds


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
    errors: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def add(self, ms: float, ok: bool) -> None:
        self.ms.append(ms)
        if not ok:
            self.errors += 1

    def pct(self, p: float) -> float | None:
        if not self.ms:
            return None
        ordered = sorted(self.ms)
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]

    @property
    def rate(self) -> float:
        return len(self.ms) / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        if not self.ms:
            return "no requests"
        return (
            f"n={len(self.ms)} p50={self.pct(0.5):.0f} ms p95={self.pct(0.95):.0f} ms max={max(self.ms):.0f} ms "
            f"errors={self.errors} {self.rate:.1f}/s"
        )


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
        timings.add(ms, ok_status(response))

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
            timings.add(ms, ok_status(response))
            match = NEXT_LINK.search(response.text)
            if not match:
                break
            url = "/applications/" + html.unescape(match.group(1))

    walked = run_threads("list, next links", ["/applications/", "/applications/?status=issued"], walk, 2)
    results["list_walk"] = walked

    # Any depth: a cursor at 10 %, 50 %, 90 %, 99 % of the office's cases.
    def deep(index, job, timings):
        response, ms = sessions[index % len(sessions)].request("GET", f"/applications/?after={job}")
        timings.add(ms, ok_status(response))

    cursors = [c for _share, c in sample["cursors"]]
    results["list_deep"] = run_threads(
        "list, deep pages (cursor at 10-99 %)", [cursors[i % len(cursors)] for i in range(requests)], deep, threads
    )
    return results


def measure_search(sessions, sample, requests: int, threads: int) -> Timings:
    queries = []
    for i in range(requests):
        kind = i % 4
        if kind == 0:
            queries.append(sample["numbers"][i % len(sample["numbers"])])
        elif kind == 1:
            queries.append(sample["persons"][i % len(sample["persons"])][0])
        elif kind == 2:
            queries.append(sample["persons"][i % len(sample["persons"])][1])
        else:
            person = sample["persons"][i % len(sample["persons"])]
            queries.append(f"{person[1]} {person[2]}")

    def search(index, job, timings):
        response, ms = sessions[index % len(sessions)].request("GET", "/applications/", params={"q": job})
        timings.add(ms, ok_status(response))

    return run_threads("search (number, RNOKPP, surname, surname + name)", queries, search, threads)


def measure_detail(sessions, sample, requests: int, threads: int) -> Timings:
    def detail(index, job, timings):
        response, ms = sessions[index % len(sessions)].request("GET", f"/applications/{job}/")
        timings.add(ms, ok_status(response))

    ids = sample["ids"]
    return run_threads("detail", [ids[i % len(ids)] for i in range(requests)], detail, threads)


REGISTERED = re.compile(r"/applications/(\d+)/registered/")


def register_once(session: Session, form: dict, timings: Timings, created: list) -> None:
    data = {**form, **new_person(), "csrfmiddlewaretoken": session.csrf}
    response, ms = session.request("POST", "/applications/register/", data=data)
    match = REGISTERED.search(response.headers.get("location", ""))
    timings.add(ms, response.status_code == 302 and match is not None)
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
        timings.add(ms, ok_status(response))

    timings = run_threads("dashboard, 5 years", [params] * requests, dashboard, threads)
    other = run_threads("dashboard, other periods", [periods[i % 3] for i in range(max(6, requests // 3))],
                        dashboard, threads)  # fmt: skip
    timings.notes.append(f"month / default period: {other.summary()}")
    return timings


def measure_receipts(session, ids: list[int]) -> Timings:
    def receipt(index, job, timings):
        response, ms = session.request("GET", f"/applications/{job}/receipt.pdf")
        timings.add(ms, response.status_code == 200 and response.content.startswith(b"%PDF"))

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
            timings.add(ms, ok_status(response))
        elif op == "list_deep":
            cursor = sample["cursors"][pick % len(sample["cursors"])][1]
            response, ms = session.request("GET", f"/applications/?after={cursor}")
            timings.add(ms, ok_status(response))
        elif op == "detail":
            response, ms = session.request("GET", f"/applications/{sample['ids'][pick % len(sample['ids'])]}/")
            timings.add(ms, ok_status(response))
        elif op == "move":
            pk, revision = job
            data = {"csrfmiddlewaretoken": session.csrf, "to_status": "sent_to_provider", "revision": str(revision)}
            response, ms = session.request("POST", f"/applications/{pk}/move/", data=data)
            timings.add(ms, response.status_code == 302)
            moved.append(pk)
        elif op == "register":
            register_once(session, form, timings, created)
        elif op == "search":
            person = sample["persons"][pick % len(sample["persons"])]
            query = person[0] if pick % 2 else person[1]
            response, ms = session.request("GET", "/applications/", params={"q": query})
            timings.add(ms, ok_status(response))
        else:
            response, ms = mayor.request("GET", "/dashboard/", params=dashboard_params)
            timings.add(ms, ok_status(response))

    timings = run_for("mixed workload", seconds, worker, threads)
    really_moved = Application.objects.filter(pk__in=moved, status="sent_to_provider").count()
    return timings, {"ops": counts, "moves": len(moved), "moves_applied": really_moved, "registered": len(created)}


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
    for key, target, limit in (("search", "p95 < 100 ms", 100), ("detail", "p95 < 120 ms", 120)):
        t = r[key]
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
        rows.append(Row("receipt PDF (bench/pdf_bench.py)", pdf["error"][-120:], "p50 < 60 ms, ≥ 3x plain", False))
    else:
        fast, plain = pdf["cnap"]["p50_ms"], pdf["plain"]["p50_ms"]
        ratio = pdf["ratio_p50"]
        rows.append(Row("receipt PDF, cnap.pdf vs plain WeasyPrint, same document",
                        f"p50 {fmt_ms(fast)} vs {fmt_ms(plain)} = {ratio:.1f}x", "p50 < 60 ms and ≥ 3x",
                        bool(fast and fast < 60 and ratio >= 3)))  # fmt: skip
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
    rows.append(Row(f"{t.name} ({r['mixed_threads']} clients)",
                    f"{t.rate:.1f} req/s, p50 {fmt_ms(t.pct(0.5))}, p95 {fmt_ms(p95)}, {t.errors} errors",
                    "≥ 50 req/s, p95 < 300 ms, 0 errors",
                    t.rate >= 50 and p95 is not None and p95 < 300 and not t.errors))  # fmt: skip
    return rows


def print_rows(rows: list[Row]) -> None:
    width = max(len(row.what) for row in rows)
    for row in rows:
        mark = "info" if row.ok is None else "pass" if row.ok else "SHORT"
        print(f"  {row.what:<{width}}  {row.figure}  [target {row.target}]  {mark}")


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
        "",
        "| what | measured | target | |",
        "|---|---|---|---|",
    ]
    for row in rows:
        mark = "info" if row.ok is None else "pass" if row.ok else "**short**"
        lines.append(f"| {row.what} | {row.figure} | {row.target} | {mark} |")
    lines += ["", "## Details", ""]
    for key in ("list_shallow", "list_deep", "list_walk", "search", "detail", "register", "dashboard", "receipts",
                "mixed"):  # fmt: skip
        t = r[key]
        lines.append(f"- {t.name}: {t.summary()}" + (f"; notes: {'; '.join(t.notes)}" if t.notes else ""))
    lines.append(f"- mixed workload operations: {json.dumps(r['mixed_info'], ensure_ascii=False)}")
    lines.append(f"- numbers check: {json.dumps(r['numbers'], ensure_ascii=False)}")
    lines.append(f"- pdf_bench: {json.dumps(r['pdf'], ensure_ascii=False)}")
    lines.append(f"- registry: {json.dumps(r['registry'], ensure_ascii=False)}")
    lines.append(f"- registry over SOAP: {json.dumps(r.get('registry_soap'), ensure_ascii=False)}")
    short = [row for row in rows if row.ok is False]
    lines += ["", "## Short figures and their causes", ""]
    if not short:
        lines.append("None: every target was met in this run.")
    for row in short:
        lines.append(f"- **{row.what}**: {causes(row.what)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---- main ----------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="50 k applications, shorter phases (< 10 min)")
    parser.add_argument("--applications", type=int)
    parser.add_argument("--applicants", type=int)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--report", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--no-report", action="store_true", help="print only, do not write docs/benchmarks.md")
    args = parser.parse_args(argv)
    applications = args.applications or (50_000 if args.quick else 1_000_000)
    applicants = args.applicants or applications * 3 // 10
    quick = args.quick
    started = time.monotonic()
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())

    def log(line: str) -> None:
        print(f"[bench {time.monotonic() - started:6.1f} s] {line}", flush=True)

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    processes = Processes()
    emulator_port, web_port = free_port(), free_port()
    emulator_url, base_url = f"http://127.0.0.1:{emulator_port}", f"http://127.0.0.1:{web_port}"
    env = bench_env(emulator_url)
    os.environ.update(env)
    try:
        reused, generated_seconds = prepare_database(env, applications, applicants, args.seed, log)
        subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()  # the bench's own Redis database: stale tasks of an old run
        workers = 2 * CORES + 1
        processes.start("emulator", [PY, "manage.py", "registry_emulator", "--port", str(emulator_port)], env)
        processes.start(
            "gunicorn",
            [PY, "-m", "gunicorn", "cnap.wsgi:application", "--bind", f"127.0.0.1:{web_port}", "--workers",
             str(workers), "--timeout", "60", "--access-logfile", "-", "--log-level", "warning"],
            env,
        )  # fmt: skip
        celery = [PY, "-m", "celery", "-A", "cnap"]
        processes.start("worker-default", celery + ["worker", "-n", "bench-default@%h", "-Q", "default", "--pool",
                        "prefork", "--concurrency", "2", "--loglevel", "WARNING"], env)  # fmt: skip
        registry_worker = processes.start(
            "worker-registry",
            celery
            + ["worker", "-n", "bench-registry@%h", "-Q", "registry", "--pool", "threads", "--concurrency", "50"]
            + ["--loglevel", "WARNING"],
            env,
        )
        processes.start("beat", celery + ["beat", "--schedule", str(VAR / "celerybeat-schedule"), "--loglevel",
                        "WARNING"], env)  # fmt: skip
        wait_http(emulator_url + "/__emulator/log")
        wait_http(base_url + "/healthz")
        processes.check()
        log(f"stack up: gunicorn x {workers} on {base_url}, workers, beat, emulator on {emulator_url}")

        import django

        django.setup()
        import logging

        logging.getLogger("httpx").setLevel(logging.WARNING)
        from django.db import connection

        from applications.models import Application, StatusChange, SubmittedDocument

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
        log("9 clients logged in (password + TOTP)")
        rng = random.Random(args.seed)
        sample = samples(office, rng)
        form = registration_form(office)
        requests = 120 if quick else 400
        threads = 4
        r: dict = {"mixed_threads": 16}
        # Warm every worker (templates, connections) before timing.
        run_threads("warm-up", ["/applications/"] * 20, lambda i, url, t: sessions[i % 8].request("GET", url), 4)

        r.update(measure_lists(sessions, sample, requests, deep_pages=30 if quick else 100, threads=threads))
        log(f"lists: {r['list_shallow'].summary()} | deep {r['list_deep'].summary()} | walk {r['list_walk'].summary()}")
        r["search"] = measure_search(sessions, sample, requests, threads)
        log(f"search: {r['search'].summary()}")
        r["detail"] = measure_detail(sessions, sample, requests, threads)
        log(f"detail: {r['detail'].summary()}")
        r["register"], created = measure_registration(sessions, form, 20 if quick else 45)
        log(f"register: {r['register'].summary()} {r['register'].notes[:1]}")
        r["numbers"] = check_numbers(office)
        log(f"numbers: {r['numbers']}")
        r["dashboard"] = measure_dashboard(mayor, 30 if quick else 80, threads=2)
        log(f"dashboard: {r['dashboard'].summary()}")
        r["receipts"] = measure_receipts(sessions[0], created[: 30 if quick else 80])
        log(f"receipts over HTTP: {r['receipts'].summary()}")
        r["pdf"] = measure_pdf(40 if quick else 100)
        log(f"pdf_bench: {r['pdf']}")
        try:
            r["registry"] = measure_registry(emulator_url, 500 if quick else 1500, registry_worker.pid)
        except Exception as exc:  # noqa: BLE001 (reported as a short figure)
            r["registry"] = {"error": repr(exc)[:300]}
        log(f"registry: {r['registry']}")
        try:
            r["registry_soap"] = measure_registry(
                emulator_url, 500 if quick else 1500, registry_worker.pid, registry="rtg_residence"
            )
        except Exception as exc:  # noqa: BLE001 (reported as a short figure)
            r["registry_soap"] = {"error": repr(exc)[:300]}
        log(f"registry over SOAP: {r['registry_soap']}")
        r["mixed"], r["mixed_info"] = measure_mixed(sessions, mayor, sample, form, 45 if quick else 120, 16)
        log(f"mixed: {r['mixed'].summary()} {r['mixed_info']}")
        from bench.queue_bench import measure_queue, queue_rows

        r["queue"] = measure_queue(base_url, quick=quick, log=log)
        processes.check()

        rows = build_rows(r) + queue_rows(r["queue"])
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
            "office_rows": sample["total"],
            "database": DATABASE_URL.rsplit("/", 1)[1],
            "generated_seconds": generated_seconds,
            "gunicorn_workers": workers,
            "quick": quick,
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
