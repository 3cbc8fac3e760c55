"""Registry lookups per second through the Celery worker (target: >= 50/s at 300 ms emulator latency).

    .venv/bin/python bench/registry_worker_bench.py [-n 1000] [--concurrency 50] [--latency-ms 300]
                                                    [--dialect uxp|xroad-r1] [--protocol rest|soap] [--json]

Needs PostgreSQL and Redis (as the tests: 127.0.0.1:5432 trust auth, 127.0.0.1:6379). It creates and migrates
its own database ``cnap_bench`` (``BENCH_DATABASE_URL`` overrides), uses its own Redis key prefix, starts the
emulator (``manage.py registry_emulator``) with ``--latency-ms`` on every request and ONE worker process
``celery -A cnap worker -Q registry --pool threads --concurrency C`` (the production command of the README),
then writes N pending requests with ``request_lookup`` in one transaction (the tasks are sent on commit) and
times from the commit until every request is final. Prints completed lookups per second against the target,
with p50/p95 of each request's time from commit to finish.
"""

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.registry_bench import TARGET_PER_SECOND, emulator_process, free_port, rnokpp_numbers, set_latency  # noqa: E402

# Persistent connections per worker thread, as production's CONN_MAX_AGE (cnap/settings/production.py).
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cnap_bench?conn_max_age=60")


def ensure_database(url: str) -> None:
    import psycopg2

    base, name = url.split("?", 1)[0].rsplit("/", 1)
    connection = psycopg2.connect(base + "/postgres")
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


@contextlib.contextmanager
def worker_process(env: dict, concurrency: int, log_path: Path):
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "cnap",
        "worker",
        "-n",
        f"bench-{uuid.uuid4().hex[:6]}@%h",
        "-Q",
        "registry",
        "--pool",
        "threads",
        "--concurrency",
        str(concurrency),
        "--loglevel",
        "WARNING",
        "--without-gossip",
        "--without-mingle",
    ]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            time.sleep(1)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_worker_ready(timeout: float = 60.0) -> None:
    from cnap.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0)
        if replies:
            return
    raise RuntimeError("the worker did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fixtures():
    from cnap.accounts.constants import Role
    from cnap.accounts.models import Hromada, Office, User

    hromada, _ = Hromada.objects.get_or_create(name="Бенчмарк громада", defaults={"council_name": "Бенчмарк рада"})
    office, _ = Office.objects.get_or_create(
        code="BENCH", defaults={"hromada": hromada, "name": "ЦНАП бенчмарк", "short_name": "Бенч"}
    )
    user, _ = User.objects.get_or_create(
        username="bench-registry", defaults={"role": Role.ADMINISTRATOR, "office": office, "hromada": hromada}
    )
    return office, user


def run(n: int, warmup: int, worker_pid: int, registry: str = "eddr_person") -> dict:
    """Time ``n`` lookups of ``registry`` (by РНОКПП: ``eddr_person`` or ``rtg_residence``) through the worker."""
    from django.db import transaction

    from registry.actions import request_lookup
    from registry.constants import REGISTRY_FINAL_STATES
    from registry.models import RegistryRequest

    office, user = fixtures()
    numbers = rnokpp_numbers(n + warmup, start=27000 + int(time.time()) % 1000)

    def batch(values) -> tuple[list, float]:
        with transaction.atomic():
            ids = [
                request_lookup(registry=registry, query={"rnokpp": v}, office=office, acting_user=user).pk
                for v in values
            ]
        committed = time.monotonic()
        queryset = RegistryRequest.objects.filter(pk__in=ids)
        while queryset.exclude(state__in=REGISTRY_FINAL_STATES).exists():
            time.sleep(0.05)
        return ids, time.monotonic() - committed

    batch(numbers[:warmup])  # threads, connections and the HTTP pool up
    cpu_before = cpu_seconds(worker_pid)
    ids, elapsed = batch(numbers[warmup:])
    worker_cpu = cpu_seconds(worker_pid) - cpu_before
    rows = list(RegistryRequest.objects.filter(pk__in=ids).values("state", "created_at", "finished_at", "attempts"))
    succeeded = [row for row in rows if row["state"] == "succeeded"]
    # Per-request time: the attempt's own network time (elapsed_ms) and start-to-finish in the row.
    attempt_ms = sorted(row["attempts"][-1]["elapsed_ms"] for row in succeeded)
    total_ms = sorted((row["finished_at"] - row["created_at"]).total_seconds() * 1000 for row in succeeded)
    return {
        "requests": n,
        "completed": len(succeeded),
        "errors": n - len(succeeded),
        "seconds": round(elapsed, 3),
        "per_second": round(len(succeeded) / elapsed, 1) if elapsed else 0.0,
        "attempt_p50_ms": round(statistics.median(attempt_ms), 1) if attempt_ms else None,
        "request_p50_ms": round(statistics.median(total_ms), 1) if total_ms else None,
        "request_p95_ms": round(total_ms[int(0.95 * (len(total_ms) - 1))], 1) if total_ms else None,
        "worker_cpu_ms_per_lookup": round(worker_cpu * 1000 / n, 2),
        "load_average": round(os.getloadavg()[0], 1),
        "target_per_second": TARGET_PER_SECOND,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="lookups to time (default 1000)")
    parser.add_argument("--concurrency", type=int, default=50, help="worker threads (default 50)")
    parser.add_argument("--latency-ms", type=float, default=300.0, help="injected emulator latency (default 300)")
    parser.add_argument("--dialect", choices=["uxp", "xroad-r1"], default="uxp")
    parser.add_argument("--protocol", choices=["rest", "soap"], default="rest", help="the ЄДДР service's protocol")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    ensure_database(DATABASE_URL)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    trembita = {
        "dialect": args.dialect,
        "ss_base_url": url,
        "timeouts": {"connect": 5.0, "read": 30.0, "total_deadline": 60.0},
        "pool": {"max_connections": args.concurrency + 10, "max_keepalive_connections": args.concurrency + 10},
        "services": {"eddr_person": {"protocol": args.protocol}},
    }
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cnap.settings.test",
        "DATABASE_URL": DATABASE_URL,
        "CNAP_TEST_RUN_ID": f"bench{os.getpid()}",
        "CNAP_TREMBITA": json.dumps(trembita),
    }
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)

    import logging

    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with contextlib.ExitStack() as stack:
        stack.enter_context(emulator_process(port))
        set_latency(url, args.latency_ms)
        worker = stack.enter_context(
            worker_process(env, args.concurrency, ROOT / "var" / "bench" / "registry_worker.log")
        )
        wait_worker_ready()
        figures = run(args.n, warmup=min(100, args.n), worker_pid=worker.pid)
    figures.update(
        latency_ms=args.latency_ms, concurrency=args.concurrency, dialect=args.dialect, protocol=args.protocol
    )
    ok = figures["per_second"] >= TARGET_PER_SECOND and not figures["errors"]
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"registry lookups through one worker (threads x {args.concurrency}, {args.protocol} {args.dialect}, "
            f"{args.latency_ms:g} ms emulator latency): {figures['completed']}/{figures['requests']} succeeded in "
            f"{figures['seconds']} s = {figures['per_second']}/s (target >= {TARGET_PER_SECOND:g}/s) "
            f"{'OK' if ok else 'BELOW TARGET'}; attempt p50 {figures['attempt_p50_ms']} ms, request p50 "
            f"{figures['request_p50_ms']} ms, p95 {figures['request_p95_ms']} ms; worker CPU "
            f"{figures['worker_cpu_ms_per_lookup']} ms per lookup; load average {figures['load_average']}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
