"""Causes of the figures `make bench` may report short, by the start of the row name (bench/run.py writes
them into docs/benchmarks.md). Found with EXPLAIN ANALYZE on the bench database and by timing single
requests in-process (Django test client, CaptureQueriesContext); see the issue-10 report."""

SHARED = (
    "The machine has 2 cores shared by the bench's own clients, 5 gunicorn workers, 2 Celery workers, beat, the "
    "emulator, PostgreSQL, Redis and other engineers' test runs (load average in the header): a request that "
    "costs 25-40 ms of CPU alone waits for a core under 4-16 concurrent clients."
)
LIST_PLAN = (
    "Planning, not execution: the list query (applications/selectors/lists.py `list_rows`) joins 8 tables "
    "through select_related, and PostgreSQL spends 21-26 ms planning it on every request (EXPLAIN ANALYZE: "
    "planning 21.5 ms, execution 0.7 ms at page 1; with `SET join_collapse_limit = 1` planning drops to 0.6 ms). "
    "Proposed fix in the selector: select_related only `applicant`, and take office, service version, provider "
    "and staff names from small per-request dicts (or prefetch_related), or fetch the page's ids first and the "
    "rows second; or run PostgreSQL through psycopg 3 with server-side binding so repeated statements are "
    "prepared and their plans reused. The status filter also adds SELECT DISTINCT (django-filter's "
    "MultipleChoiceFilter default), which sorts every row of the office on disk before the LIMIT "
    "(1.3 s at 1 M, 110 MB external merge sort; 2.5 ms without DISTINCT): declare the filter with "
    "`distinct=False`. With only the applicant joined, page 1 plans in 0.3 ms and runs in 0.1 ms at 1 M. "
)
CAUSES: dict[str, str] = {
    "list": LIST_PLAN + SHARED,
    "search": (
        "Search by РНОКПП and by name filters `applicant_id IN (SELECT id FROM applicant WHERE ...)`; with the 8 "
        "joins of list_rows the semi-join exceeds from_collapse_limit (8), so PostgreSQL cannot start from the "
        "one matching applicant and joins every case of the office first (EXPLAIN: 37 ms at 50 k cases, 0.9 s "
        "at 1 M; with the ids resolved first: 4.3 ms, and 10.5 ms for a surname). Proposed fix in "
        "selectors/lists.py `search_condition`: resolve the applicant ids first (a separate query, capped, "
        "e.g. 200) and filter `applicant_id__in=<list>`, which uses the "
        "applicant_id index. The number search read every case of the office (`UPPER(number) LIKE`, the "
        "trigram index was on `number`): fixed by migration applications.0008 (10.8 ms -> 2.0 ms). "
        + LIST_PLAN
        + SHARED
    ),
    "detail": (
        "21 queries per case page; alone it takes ~38 ms in-process at 50 k rows, so the p95 is CPU queueing. " + SHARED
    ),
    "register over HTTP": (
        "One registration writes the counter row under SELECT ... FOR UPDATE, the applicant, the application, "
        "documents, the status change, summary-table upserts, history rows and the session; 8 clients on ONE "
        "journal serialise on the counter row until commit, so throughput is bounded by the commit latency of "
        "the whole transaction on a loaded 2-core machine. " + SHARED
    ),
    "register, 8 clients": (
        "Bounded by the counter-row lock held to commit (gap-free numbering, DESIGN §5) times the CPU cost of "
        "the request on 2 shared cores; different journals run in parallel. " + SHARED
    ),
    "dashboard": "17 queries over the summary tables (~100 ms alone in-process at 50 k). " + SHARED,
    "receipt PDF": (
        "pdf_bench.py runs in the same 2 cores as the rest of the bench, under load; its own figures "
        "without load are in its docstring/DESIGN §7 (~35-62 ms). " + SHARED
    ),
    "registry": "See the registry worker bench notes (bench/registry_worker_bench.py). " + SHARED,
    "mixed": "The sum of the causes above (list planning, search plans, registration lock) under 16 clients. " + SHARED,
}


def cause_for(row_name: str) -> str:
    for prefix in sorted(CAUSES, key=len, reverse=True):
        if row_name.startswith(prefix):
            return CAUSES[prefix]
    return "not analysed yet"
