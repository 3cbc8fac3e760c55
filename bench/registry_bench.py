"""Registry lookups per second through the exchange client against the emulator.

    .venv/bin/python bench/registry_bench.py [-n 600] [--concurrency 64] [--latency-ms 300]
                                             [--dialect uxp|xroad-r1] [--protocol rest|soap]
                                             [--emulator-url URL] [--json]

Starts the emulator as its own process (``manage.py registry_emulator`` on a free loopback port) unless
``--emulator-url`` names a running one, injects ``--latency-ms`` of latency for every request through
``/__emulator/faults``, then fires N ``cnap.exchange.client.lookup`` calls for distinct valid РНОКПП from
``--concurrency`` threads sharing one process-wide httpx client, and prints completed lookups per second
against the target (>= 50/s at 300 ms). With latency L and C threads the ceiling is about C / L.

Reusable parts for the Celery-worker version of this bench: :func:`emulator_process` (a context manager
yielding the emulator URL), :func:`set_latency`, :func:`rnokpp_numbers` and :func:`run` (returns a dict).
"""

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_PER_SECOND = 50.0


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cnap.settings.embedded")
    import logging

    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would slow the bench


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def emulator_process(port: int | None = None, env: dict[str, str] | None = None):
    """Run ``manage.py registry_emulator`` in its own process; yields its base URL."""
    from cnap.exchange.emulator import wait_until_up

    port = port or free_port()
    command = [sys.executable, str(ROOT / "manage.py"), "registry_emulator", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, timeout=30)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def set_latency(url: str, latency_ms: float) -> None:
    """Replace the emulator's fault rules by one adding ``latency_ms`` to every request."""
    import httpx

    with httpx.Client(base_url=url, trust_env=False, timeout=10) as http:
        http.delete("/__emulator/faults").raise_for_status()
        if latency_ms:
            http.post("/__emulator/faults", json={"latency_ms": latency_ms}).raise_for_status()


def rnokpp_numbers(count: int, start: int = 25000) -> list[str]:
    """``count`` distinct valid РНОКПП, none ending in a magic suffix (0000, 9999, 8888)."""
    from stdnum.ua import rntrc

    numbers = []
    serial = 0
    while len(numbers) < count:
        head = f"{start + serial // 9000:05d}{1000 + serial % 9000:04d}"
        number = head + rntrc.calc_check_digit(head)
        serial += 1
        if not number.endswith(("0000", "9999", "8888")):
            numbers.append(number)
    return numbers


def run(
    url: str, n: int = 600, concurrency: int = 64, dialect: str = "uxp", warmup: int = 20, protocol: str = "rest"
) -> dict:
    """Fire ``n`` lookups from ``concurrency`` threads at the emulator at ``url``; return the figures."""
    from django.conf import settings

    from cnap.exchange.client import close_http_clients, lookup

    settings.TREMBITA = {
        "dialect": dialect,
        "ss_base_url": url,
        "timeouts": {"connect": 5.0, "read": 30.0, "total_deadline": 60.0},
        "pool": {"max_connections": max(concurrency, 10), "max_keepalive_connections": max(concurrency, 10)},
        "services": {"eddr_person": {"protocol": protocol}},
    }
    close_http_clients()
    numbers = rnokpp_numbers(n + warmup)

    def one(number: str):
        started = time.monotonic()
        result = lookup("eddr_person", {"rnokpp": number}, issue="BENCH-1", user_id="bench")
        return result.kind, (time.monotonic() - started) * 1000

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, numbers[:warmup]))  # connections and threads up
        started = time.monotonic()
        outcomes = list(pool.map(one, numbers[warmup:]))
        elapsed = time.monotonic() - started
    close_http_clients()
    latencies = sorted(ms for _kind, ms in outcomes)
    completed = sum(1 for kind, _ms in outcomes if kind == "ok")
    return {
        "requests": n,
        "concurrency": concurrency,
        "dialect": dialect,
        "protocol": protocol,
        "completed": completed,
        "errors": n - completed,
        "seconds": round(elapsed, 3),
        "per_second": round(completed / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "target_per_second": TARGET_PER_SECOND,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=600, help="lookups to time (default 600)")
    parser.add_argument("--concurrency", type=int, default=64, help="client threads (default 64)")
    parser.add_argument("--latency-ms", type=float, default=300.0, help="injected emulator latency (default 300)")
    parser.add_argument("--dialect", choices=["uxp", "xroad-r1"], default="uxp")
    parser.add_argument("--protocol", choices=["rest", "soap"], default="rest", help="the ЄДДР service's protocol")
    parser.add_argument("--emulator-url", help="use this running emulator instead of starting one")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    setup_django()
    with contextlib.ExitStack() as stack:
        url = args.emulator_url or stack.enter_context(emulator_process())
        set_latency(url, args.latency_ms)
        try:
            figures = run(url, n=args.n, concurrency=args.concurrency, dialect=args.dialect, protocol=args.protocol)
        finally:
            set_latency(url, 0)
    figures["latency_ms"] = args.latency_ms
    if args.json:
        print(json.dumps(figures))
    else:
        verdict = "OK" if figures["per_second"] >= TARGET_PER_SECOND and not figures["errors"] else "BELOW TARGET"
        print(
            f"registry lookups through the client ({figures['concurrency']} threads, {args.dialect}, "
            f"{args.latency_ms:g} ms emulator latency): {figures['completed']}/{figures['requests']} ok in "
            f"{figures['seconds']} s = {figures['per_second']}/s (target >= {TARGET_PER_SECOND:g}/s) {verdict}; "
            f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms"
        )
    return 0 if figures["per_second"] >= TARGET_PER_SECOND and not figures["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
