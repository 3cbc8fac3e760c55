"""Causes of the figures `make bench` may report short, by the start of the row name (bench/run.py writes
them into docs/benchmarks.md; the longest matching start wins). Found with the flame graphs the bench records
(docs/benchmarks/), cProfile in-process and EXPLAIN ANALYZE on the bench database; the fixes already made are
listed so a regression can be recognised."""

SHARED = (
    "The machine has 2 cores shared by the bench's own client threads, 5 gunicorn workers, 2 Celery workers, "
    "beat, the emulator, PostgreSQL, Redis and the other sessions' test runs (load average in the header): a "
    "request that costs 15-40 ms of CPU waits for a core under 4-16 concurrent clients, so latency percentiles "
    "here measure the queue more than the code. The CPU columns (Server-Timing) do not depend on that queue. "
    "No bigger kind of machine is available to this project to show the same run on more cores."
)
LIST_PLAN = (
    "Fixed so far (applications/selectors/lists.py): the page joins only the applicant; the offices, service "
    "titles and providers of the rows and the filters' choice lists come from per-worker lookups "
    "(applications/selectors/lookups.py, dropped in every worker on a change); the rows and the selects are "
    "rendered in Python (20 -> 8 queries, CPU 40 -> ~16 ms at 50 k); no SELECT DISTINCT for the status filter. "
    "If a list row is short again, EXPLAIN ANALYZE the page query first. "
)
FLOOR = (
    "The floor (/bench/floor/) pays the whole middleware stack: the session read and its save on every request "
    "(SESSION_SAVE_EVERY_REQUEST for the idle timeout), the user, the OTP device, CSRF, CSP, axes, history; a "
    "page adds its view, its queries (each ~0.3-0.6 ms of Django CPU to compile and read) and the base "
    "template. "
)
CAUSES: dict[str, str] = {
    "list": LIST_PLAN + SHARED,
    "search": (
        "Fixed so far: the applicants are looked up first and their cases filtered by the id list (a subquery "
        "made PostgreSQL join every case of the office: 0.9 s at 1 M); a name as typed is searched before "
        "similar spellings (pg_trgm word similarity); the number search has a trigram index on UPPER(number). "
        "The search is the list page plus 1-2 index lookups, so its CPU is the list's plus ~1-3 ms (see the CPU "
        "columns); the p95 under 4 concurrent clients is CPU queueing on the 2 shared cores. " + LIST_PLAN + SHARED
    ),
    "search by surname": (
        "A common surname has thousands of namesakes at 1 M (e.g. ~4000 applicants for «Пономаренко»): their ids "
        "are listed (one trigram index scan) and PostgreSQL then reads every case of all of them to keep the "
        "office's newest 51 and count up to 1000 (~100 ms on an idle machine), while Django compiles a "
        "4000-item IN twice (~15 ms of the CPU column). `applicant_id = ANY(array)` halved that CPU but made "
        "PostgreSQL choose a 4x slower plan, so it is not used. What would fix it: walking the office's "
        "(registered_at, id) index with a hashed membership filter for long id lists. " + SHARED
    ),
    "search by number": (
        "A number (or a part of it) is matched with the trigram index on UPPER(number) (migration "
        "applications.0008): a few ms in PostgreSQL when idle; the CPU column is the list page's. The p95 is "
        "PostgreSQL and gunicorn queueing for the cores. " + SHARED
    ),
    "list, first page vs the floor": FLOOR + LIST_PLAN + "What is left: the filter form (10 fields, 5 of them "
    "template-rendered inputs), the base template, two queries (page, count) and 50 model instances.",
    "search vs the floor": FLOOR + "The search is the list page plus the applicant lookup: see the list row.",
    "detail": (
        "The case page reads 16 queries in its selector (the case with 11 related tables, documents and scans, "
        "the timeline, suspensions, decisions, printed documents, notices, parties and five history tables for "
        "the change log) and writes the personal-data access log row; its CPU is dominated by compiling those "
        "queries (hundreds of columns) and rendering the history. Not reworked in this round. " + SHARED
    ),
    "detail vs the floor": FLOOR + "The case page: 16 queries in its selector and the access-log insert, the "
    "history diff and a long template; not reworked in this round (the next candidates: only() on the 11 "
    "related tables, the history read on demand).",
    "register over HTTP": (
        "One registration writes the counter row under SELECT ... FOR UPDATE, the applicant, the application, "
        "documents, the status change, summary-table upserts, history rows and the session; 8 clients on ONE "
        "journal serialise on the counter row until commit. " + SHARED
    ),
    "register, 8 clients": (
        "Bounded by the counter-row lock held to commit (gap-free numbering) times the CPU cost of "
        "the request on 2 shared cores; different journals run in parallel. " + SHARED
    ),
    "registration vs the floor": FLOOR + "A registration validates the form (identifiers, documents), writes "
    "~15 rows with their history and the access log, and queues the registry lookups and the receipt.",
    "dashboard": (
        "Fixed so far: the rollups by office, service, provider and administrator are summed by the database "
        "in one statement each (a CTE with one GROUP BY per dimension) instead of ~1000 combination rows in "
        "Python; the four figures tables are rendered in Python; list links are reversed once per process "
        "(CPU 48 -> 21-24 ms). What is left: 10 queries over the summary tables and ~75 table rows with "
        "four links each. " + SHARED
    ),
    "dashboard, 5 years vs the floor": FLOOR + "The dashboard: 10 queries over the summary tables, ~75 rows "
    "of figures with four links each and the chart data (see the dashboard row for what was fixed).",
    "receipt PDF": (
        "The target compares cnap.pdf with WeasyPrint's own floor on the same document: layout and drawing "
        "only, with the stylesheet already parsed and the fonts loaded (bench/pdf_bench.py, CPU time). cnap.pdf "
        "pays on top of it what no caller can skip through WeasyPrint's public API: parsing the HTML and the "
        "style cascade, including WeasyPrint's built-in user-agent stylesheet (both figures are in the "
        "pdf_bench details). A smaller user-agent stylesheet would need HTML._ua_stylesheets, a private method: "
        "not done. Already done: the print stylesheet parsed once per worker and thread, fonts configured once, "
        "a small shipped font subset, a PNG QR code. " + SHARED
    ),
    "registry": "See the registry worker bench notes (bench/registry_worker_bench.py). " + SHARED,
    "mixed": (
        "CPU-bound: the row «mixed workload: CPU per request and cores for 50 req/s» gives the CPU the site "
        "(gunicorn, Celery, beat, the emulator and the PostgreSQL backends of the bench database) spent per "
        "request in this phase, and the load generator's own; 50 req/s needs that many cores for the site at "
        "70 % busy plus the generator's. On this 2-core machine the bench's 16 client threads and the other "
        "sessions' processes take their share first; even alone on 2 dedicated cores the ceiling is 2 cores / "
        "(site CPU per request). The web tier is stateless and scales out (docs/deployment.md). " + SHARED
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
