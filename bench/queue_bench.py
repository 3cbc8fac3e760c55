"""The electronic queue's speed targets over HTTP: «call next» with 30 windows of one office calling at
once (p95 < 100 ms) and the board's update delay (a call shown on the board < 1 s after it committed).

    .venv/bin/python bench/queue_bench.py [--quick]     # on its own: a small database of its own
    (make bench runs :func:`measure_queue` after its other phases, on the same stack)

The office ``BENCH-Q`` gets 4 service groups, 30 windows serving them all and an administrator at each
(password + TOTP, logged in through the login form as a browser is), ``PAST_DAYS`` finished days of
2,000 tickets and today's 2,000 tickets waiting (its own rows are recreated on every run). Phases:

0. alone: one window calls and finishes, again and again (no other request beside it);
1. burst: every window presses «call next» at the same moment (a barrier), then «finish»; repeated;
2. steady: each window calls every 2–4 s and finishes, for a while;
3. board: one call at a time, round the windows (the previous visitor at that window finished first);
   a poller fetches the board's feed at the interval the board page itself polls (its ``hx-trigger``),
   another every 50 ms (the server side alone). The delay of a call is the first poll answer showing its
   ticket minus the moment the call's response arrived (its transaction had committed by then);
4. the queue dashboard (head of the CNAP, the past days) for the record.

Afterwards SQL checks that no ticket was called twice. Timings are client-side, like bench/run.py's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402
    BENCH_PASSWORD,
    PY,
    Processes,
    Row,
    Session,
    Timings,
    bench_env,
    fmt_ms,
    free_port,
    wait_http,
)

OFFICE_CODE = "BENCH-Q"
WINDOWS = 30
TICKETS_PER_DAY = 2000
LETTERS = "АБВГ"
BOARD_CODE = re.compile(r'data-testid="board-code">([^<]+)<')
POLL_EVERY = re.compile(r'hx-trigger="every (\d+(?:\.\d+)?)(ms|s)"')


def _kyiv(day: dt.date, minutes: float) -> dt.datetime:
    from django.utils import timezone

    start = timezone.make_aware(dt.datetime.combine(day, dt.time(8)), timezone.get_default_timezone())
    return start + dt.timedelta(minutes=minutes)


def setup_office(past_days: int, log) -> dict:
    """The bench office, its groups, windows, users (with TOTP devices) and tickets; returns what the
    phases need. Its earlier tickets are deleted first (bench rows only)."""
    from django.db import transaction
    from django.utils import timezone
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cnap.accounts.constants import OfficeKind, Role
    from cnap.accounts.models import Hromada, Office, User
    from equeue.constants import TicketStatus
    from equeue.models import QueueDay, ServiceGroup, Ticket, Window
    from reporting.models import QueueStats
    from reporting.queue_stats import rebuild_queue_stats

    hromada = Hromada.objects.order_by("pk").first() or Hromada.objects.create(name="Бенч громада")
    office, _ = Office.objects.get_or_create(
        code=OFFICE_CODE,
        defaults={"hromada": hromada, "name": "ЦНАП (бенч черги)", "short_name": "Бенч черга", "kind": OfficeKind.CNAP},
    )
    with transaction.atomic():
        QueueStats.objects.filter(office=office).delete()
        Ticket.objects.filter(office=office).delete()
        QueueDay.objects.filter(group__office=office).delete()
    groups = []
    for position, letter in enumerate(LETTERS):
        group, _ = ServiceGroup.objects.get_or_create(
            office=office, letter=letter, defaults={"name": f"Група {letter}", "position": position}
        )
        groups.append(group)

    def token_for(user):
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
        return lambda: f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"

    def bench_user(username, role):
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "office": office, "hromada": hromada, "last_name": "Бенч", "first_name": "Ч"},
        )
        user.set_password(BENCH_PASSWORD)
        user.save()
        return user, token_for(user)

    windows = []
    for number in range(1, WINDOWS + 1):
        user, token = bench_user(f"bench-window-{number:02d}", Role.ADMINISTRATOR)
        window, _ = Window.objects.get_or_create(office=office, number=number)
        Window.objects.filter(pk=window.pk).update(operator=user, is_open=True, is_active=True)
        window.groups.set(groups)
        windows.append((window.pk, user, token))
    head = bench_user("bench-queue-head", Role.CNAP_HEAD)

    today = timezone.localdate()
    rng = random.Random(2026)
    tickets = []
    window_ids = [pk for pk, _user, _token in windows]
    days = [today - dt.timedelta(days=n) for n in range(1, past_days + 1)]
    for day in [*days, today]:
        numbers = dict.fromkeys(LETTERS, 0)
        for n in range(TICKETS_PER_DAY):
            group = groups[rng.randrange(len(groups))]
            numbers[group.letter] += 1
            issued = _kyiv(day, n * 480 / TICKETS_PER_DAY)
            ticket = Ticket(
                office=office,
                group=group,
                date=day,
                number=numbers[group.letter],
                code=f"{group.letter}-{numbers[group.letter]:03d}",
                issued_at=issued,
                queued_at=issued,
            )
            if day != today:
                called = issued + dt.timedelta(minutes=rng.uniform(0, 40))
                ticket.status = TicketStatus.DONE if rng.random() > 0.06 else TicketStatus.NO_SHOW
                ticket.window_id = rng.choice(window_ids)
                ticket.called_at = ticket.last_called_at = ticket.started_at = called
                ticket.finished_at = called + dt.timedelta(minutes=rng.uniform(3, 25))
                ticket.call_count = 1
            tickets.append(ticket)
        QueueDay.objects.bulk_create([QueueDay(group=g, date=day, last_number=numbers[g.letter]) for g in groups])
    Ticket.objects.bulk_create(tickets, batch_size=5000)
    rebuild_queue_stats()
    log(
        f"queue bench office {OFFICE_CODE}: {WINDOWS} windows, {len(days)} past days and today"
        f" x {TICKETS_PER_DAY} tickets"
    )
    return {"office": office, "windows": windows, "head": head, "days": days}


def _login(base_url: str, user, token) -> Session:
    session = Session(base_url)
    session.login(user.username, BENCH_PASSWORD, token)
    return session


def _post_move(session: Session, window_id: int, move: str):
    data = {"csrfmiddlewaretoken": session.csrf, "submission_token": str(uuid.uuid4()), "do": move}
    return session.request("POST", f"/queue/windows/{window_id}/act/", data=data)


def _at_window(window_id: int) -> str | None:
    from equeue.constants import AT_WINDOW_STATUSES
    from equeue.models import Ticket

    ticket = Ticket.objects.filter(window_id=window_id, status__in=AT_WINDOW_STATUSES).only("code").first()
    return ticket.code if ticket else None


def _call(session: Session, window_id: int, timings: Timings) -> None:
    response, ms = _post_move(session, window_id, "call")
    timings.add(ms, response.status_code == 302)


def measure_queue(base_url: str, *, quick: bool, log) -> dict:
    """Every phase of the queue bench against the running stack at ``base_url`` (Django set up here)."""
    from django.db import close_old_connections, connection

    past_days = 5 if quick else 30
    setup = setup_office(past_days, log)
    windows = setup["windows"]
    sessions: list[Session] = []
    for _pk, user, token in windows:
        sessions.append(_login(base_url, user, token))
    log(f"queue bench: {len(sessions)} window sessions logged in (password + TOTP)")
    result: dict = {"windows": WINDOWS, "tickets_per_day": TICKETS_PER_DAY, "past_days": past_days}

    # 0. One window alone: the cost of a press without other windows' requests queued beside it.
    alone = Timings("call next, one window alone")
    for _n in range(20 if quick else 50):
        response, ms = _post_move(sessions[0], windows[0][0], "call")
        alone.add(ms, response.status_code == 302)
        _post_move(sessions[0], windows[0][0], "finish")
    result["alone"] = alone
    log(f"queue alone: {alone.summary()}")

    # 1. Burst: all windows call at once.
    rounds = 8 if quick else 25
    burst = Timings("call next, 30 windows at once")
    barrier = threading.Barrier(WINDOWS)
    lock = threading.Lock()

    def burst_loop(index: int) -> None:
        pk = windows[index][0]
        for _round in range(rounds):
            barrier.wait()
            response, ms = _post_move(sessions[index], pk, "call")
            with lock:
                burst.add(ms, response.status_code == 302)
            _post_move(sessions[index], pk, "finish")

    started = time.monotonic()
    threads = [threading.Thread(target=burst_loop, args=(i,), daemon=True) for i in range(WINDOWS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    burst.seconds = time.monotonic() - started
    result["burst"] = burst
    log(f"queue burst: {burst.summary()}")

    # 2. Steady: each window every 2-4 s.
    seconds = 20 if quick else 60
    steady = Timings("call next, 30 windows every 2-4 s each")
    stop = time.monotonic() + seconds

    def steady_loop(index: int) -> None:
        rng = random.Random(index)
        pk = windows[index][0]
        time.sleep(rng.uniform(0, 3))
        while time.monotonic() < stop:
            response, ms = _post_move(sessions[index], pk, "call")
            with lock:
                steady.add(ms, response.status_code == 302)
            time.sleep(rng.uniform(0.5, 1.5))
            _post_move(sessions[index], pk, "finish")
            time.sleep(rng.uniform(1.5, 2.5))

    started = time.monotonic()
    threads = [threading.Thread(target=steady_loop, args=(i,), daemon=True) for i in range(WINDOWS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    steady.seconds = time.monotonic() - started
    result["steady"] = steady
    log(f"queue steady: {steady.summary()}")

    # 3. The board.
    board_url = f"/queue/{OFFICE_CODE}/board/"
    page, _ms = sessions[0].request("GET", board_url)
    match = POLL_EVERY.search(page.text)
    interval = (float(match.group(1)) / (1000 if match.group(2) == "ms" else 1)) if match else 2.0
    result["board_interval_s"] = interval
    seen: dict[str, dict[str, float]] = {"page": {}, "fast": {}}
    done = threading.Event()

    def poller(name: str, every: float) -> None:
        client = Session(base_url)  # the board is public: no login
        while not done.is_set():
            response, _ms = client.request("GET", f"/queue/{OFFICE_CODE}/board/feed/")
            moment = time.monotonic()
            for code in BOARD_CODE.findall(response.text):
                seen[name].setdefault(code.strip(), moment)
            done.wait(every)

    pollers = [
        threading.Thread(target=poller, args=("page", interval), daemon=True),
        threading.Thread(target=poller, args=("fast", 0.05), daemon=True),
    ]
    for thread in pollers:
        thread.start()
    calls = 20 if quick else 60
    committed: dict[str, float] = {}
    for n in range(calls):
        index = n % WINDOWS
        pk = windows[index][0]
        _post_move(sessions[index], pk, "finish")  # the previous visitor at this window, if any
        response, _ms = _post_move(sessions[index], pk, "call")
        moment = time.monotonic()
        code = _at_window(pk)
        if response.status_code == 302 and code:
            committed[code] = moment
        time.sleep(0.7)
    time.sleep(interval + 1)
    done.set()
    for thread in pollers:
        thread.join(timeout=10)
    close_old_connections()
    for name in ("page", "fast"):
        delays = [max(0.0, seen[name][code] - at) * 1000 for code, at in committed.items() if code in seen[name]]
        timings = Timings(
            f"board update delay, polled every {interval:g} s" if name == "page" else "board feed, 50 ms polls"
        )
        timings.ms = delays
        timings.errors = len(committed) - len(delays)
        result[f"board_{name}"] = timings
        log(f"queue board ({name}): {timings.summary()}")

    # 4. The queue dashboard over the past days (head of the CNAP), for the record.
    head_user, head_token = setup["head"]
    head = _login(base_url, head_user, head_token)
    days = setup["days"]
    dashboard = Timings(f"queue dashboard, {past_days} days x {TICKETS_PER_DAY} tickets")
    url = f"/dashboard/queue/?date_from={days[-1]:%Y-%m-%d}&date_to={days[0]:%Y-%m-%d}&office={setup['office'].pk}"
    head.request("GET", url)
    for _n in range(10 if quick else 30):
        response, ms = head.request("GET", url)
        dashboard.add(ms, response.status_code == 200)
    result["dashboard"] = dashboard
    log(f"queue dashboard: {dashboard.summary()}")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM equeue_ticket t JOIN accounts_office o ON o.id = t.office_id "
            "WHERE o.code = %s AND t.call_count > 1",
            [OFFICE_CODE],
        )
        result["called_twice"] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM equeue_ticket t JOIN accounts_office o ON o.id = t.office_id "
            "WHERE o.code = %s AND t.date = CURRENT_DATE AND t.called_at IS NOT NULL",
            [OFFICE_CODE],
        )
        result["called_today"] = cursor.fetchone()[0]
    return result


def queue_rows(q: dict) -> list[Row]:
    """The queue's rows of the table of targets."""
    rows = []
    for key in ("alone", "burst", "steady"):
        t = q[key]
        p95 = t.pct(0.95)
        rows.append(
            Row(
                f"queue: {t.name}, p95",
                f"p50 {fmt_ms(t.pct(0.5))}, p95 {fmt_ms(p95)} ({len(t.ms)} calls, {t.errors} errors)",
                "p95 < 100 ms",
                p95 is not None and p95 < 100 and not t.errors,
            )
        )
    rows.append(
        Row(
            "queue: tickets called twice",
            f"{q['called_twice']} of {q['called_today']} called today",
            "0",
            q["called_twice"] == 0,
        )
    )
    for key, target in (("board_page", "p95 < 1 s"), ("board_fast", None)):
        t = q[key]
        p95 = t.pct(0.95)
        rows.append(
            Row(
                f"queue: {t.name}, from the call's commit",
                f"p50 {fmt_ms(t.pct(0.5))}, p95 {fmt_ms(p95)} ({len(t.ms)} calls, {t.errors} not seen)",
                target or "(the server side alone)",
                (p95 is not None and p95 < 1000 and not t.errors) if target else None,
            )
        )
    t = q["dashboard"]
    rows.append(
        Row(
            f"queue: {t.name}",
            f"p50 {fmt_ms(t.pct(0.5))}, p95 {fmt_ms(t.pct(0.95))} ({len(t.ms)} req, {t.errors} errors)",
            "(info)",
            None,
        )
    )
    return rows


def main(argv=None) -> int:
    """On its own: a database of its own (``cnap_queuebench``, migrated), gunicorn on the production
    settings, the phases above, the rows printed."""
    import psycopg2

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter phases, 5 past days")
    args = parser.parse_args(argv)
    started = time.monotonic()

    def log(line: str) -> None:
        print(f"[queue bench {time.monotonic() - started:6.1f} s] {line}", flush=True)

    database_url = os.environ.get("BENCH_QUEUE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cnap_queuebench")
    env = {**bench_env("http://127.0.0.1:9"), "DATABASE_URL": database_url}
    os.environ.update(env)
    base, name = database_url.rsplit("/", 1)
    admin = psycopg2.connect(base + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    import subprocess

    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    processes = Processes()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    workers = 2 * (os.cpu_count() or 2) + 1
    try:
        processes.start(
            "queue-gunicorn",
            [PY, "-m", "gunicorn", "cnap.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers",
             str(workers), "--timeout", "60", "--log-level", "warning"],
            env,
        )  # fmt: skip
        wait_http(base_url + "/healthz")
        import django

        django.setup()
        import logging

        logging.getLogger("httpx").setLevel(logging.WARNING)
        result = measure_queue(base_url, quick=args.quick, log=log)
        processes.check()
        print(f"\nqueue targets, gunicorn x {workers}, load {' '.join(f'{x:.2f}' for x in os.getloadavg())}:")
        rows = queue_rows(result)
        width = max(len(row.what) for row in rows)
        for row in rows:
            mark = "info" if row.ok is None else "pass" if row.ok else "SHORT"
            print(f"  {row.what:<{width}}  {row.figure}  [target {row.target}]  {mark}")
        return 0
    except KeyboardInterrupt:
        return 130
    finally:
        processes.stop()


if __name__ == "__main__":
    sys.exit(main())
