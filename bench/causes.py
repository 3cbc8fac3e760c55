"""Causes of the figures `make bench` may report short, by the start of the row name (bench/run.py writes
them into docs/benchmarks.md). Found with EXPLAIN ANALYZE on the bench database and by timing single
requests in-process; the fixes already made are listed so a regression can be recognised."""

SHARED = (
    "The machine has 2 cores shared by the bench's own clients, 5 gunicorn workers, 2 Celery workers, beat, the "
    "emulator, PostgreSQL and Redis (load average in the header): a request that costs 25-40 ms of CPU alone "
    "waits for a core under 4-16 concurrent clients."
)
LIST_PLAN = (
    "Fixed so far (applications/selectors/lists.py): the page joins only the applicant and fetches the small "
    "tables by id (an eight-table join cost 21-26 ms of planning per page at 1 M rows); the status filter has "
    "no SELECT DISTINCT (which sorted every case of the office before the LIMIT: 1.3 s at 1 M). If a list "
    "row is short again, EXPLAIN ANALYZE the page query first. "
)
CAUSES: dict[str, str] = {
    "list": LIST_PLAN + SHARED,
    "search": (
        "Fixed so far: the applicants are looked up first and their cases filtered by the id list (a subquery "
        "made PostgreSQL join every case of the office: 0.9 s at 1 M); a name as typed is searched before "
        "similar spellings (pg_trgm word similarity, which pulled in ~2x the applicants for a common surname); "
        "the number search has a trigram index on UPPER(number) (migration applications.0008). In-process at "
        "1 M: 6-8 ms by РНОКПП or number, 20-60 ms by surname, on top of the list page itself (~30 ms "
        "in-process, most of it rendering 50 rows and the filters' choices), so under the bench's concurrent "
        "clients the p95 is CPU queueing on 2 cores. Next steps if it must be met here: cache the filters' "
        "choice lists, render the rows with fewer template lookups. " + LIST_PLAN + SHARED
    ),
    "detail": (
        "21 queries per case page (the timeline, history of the case and its documents, decisions, printed "
        "documents, notices); ~38 ms alone in-process, so the p95 is mostly CPU queueing. " + SHARED
    ),
    "register over HTTP": (
        "One registration writes the counter row under SELECT ... FOR UPDATE, the applicant, the application, "
        "documents, the status change, summary-table upserts, history rows and the session; 8 clients on ONE "
        "journal serialise on the counter row until commit, so throughput is bounded by the commit latency of "
        "the whole transaction on a loaded 2-core machine. " + SHARED
    ),
    "register, 8 clients": (
        "Bounded by the counter-row lock held to commit (gap-free numbering) times the CPU cost of "
        "the request on 2 shared cores; different journals run in parallel. " + SHARED
    ),
    "dashboard": "17 queries over the summary tables (~100 ms alone in-process at 50 k). " + SHARED,
    "receipt PDF": (
        "The 3x target was measured against a WeasyPrint whose font subsetting (fontTools) took "
        "~170 ms of a 190-230 ms render. WeasyPrint 70 subsets with HarfBuzz in ~3 ms, so plain WeasyPrint now "
        "renders the receipt in ~90 ms; cnap.pdf saves what is left to save (stylesheet parsed once, fonts "
        "configured once, a small font: ~25 ms). The remaining ~60 ms is style computation, layout and drawing "
        "in Python, which both paths share; a smaller replacement for WeasyPrint's built-in stylesheet (~7 ms) "
        "and gc.freeze() in PDF workers (shorter p95) were measured but not shipped (private API, process-wide "
        "state). " + SHARED
    ),
    "registry": "See the registry worker bench notes (bench/registry_worker_bench.py). " + SHARED,
    "mixed": (
        "CPU-bound: 16 clients drive list, detail, status changes, registrations, searches and dashboards whose "
        "server-side CPU is 25-60 ms each; the 2 cores also run the bench's own 16 client threads, PostgreSQL, "
        "Celery and beat, so the ceiling on this machine is ~30-40 requests/s whatever the code. Every single "
        "operation meets its own target above; 50 req/s at p95 < 300 ms needs a web host with more cores than "
        "the load generator leaves (docs/deployment.md: scale the stateless web tier out). " + SHARED
    ),
    "queue: call next": (
        "In-process (no HTTP) «call next» is 8 queries (the window locked, its groups, the ticket at it, the next "
        "ticket under FOR UPDATE SKIP LOCKED, the update, its history row): p50 38 ms measured at load average ~7, "
        "when a one-row SELECT took 3-6 ms; over HTTP "
        "each press also runs the session, the second factor, the one-time form token and the redirect. 30 "
        "windows pressing at the same instant queue for 5 gunicorn workers on 2 cores, so the burst's p95 is the "
        "time to serve 30 requests on 2 cores. " + SHARED
    ),
    "queue: board update delay": (
        "The board page polls its feed every 2 s (templates/equeue/board.html, hx-trigger), so a call waits on "
        "average half an interval and at worst a whole one before a board sees it; the feed itself shows a call "
        "within tens of ms of its commit (the 50 ms row). Polling every 0.5 s, or a server-sent event, meets "
        "the target."
    ),
}


def cause_for(row_name: str) -> str:
    for prefix in sorted(CAUSES, key=len, reverse=True):
        if row_name.startswith(prefix):
            return CAUSES[prefix]
    return "not analysed yet"
