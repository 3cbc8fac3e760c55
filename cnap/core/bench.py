"""What `make bench` needs from the running site, and only when ``CNAP_BENCH`` is on (never in production).

- :class:`ServerTimingMiddleware`: the worker's CPU time for the request (``time.process_time()`` around
  the whole middleware stack) in a ``Server-Timing: cpu;dur=<ms>`` header, which the bench reads from
  every response; latency on a shared machine is noisy, CPU per request much less so.
- :func:`floor`: the framework floor, the least an authenticated staff page can cost: it goes through the
  same gunicorn, middleware, session, login and second-factor checks as every page and returns a few bytes.
  The bench reports each page's CPU per request as a ratio to this one's.

``cnap.urls`` routes ``bench/floor/`` only when ``settings.CNAP_BENCH`` is on; the production settings add
the middleware only then, and ``check --deploy`` warns if it is on (cnap/core/checks.py).
"""

import time

from django.http import HttpResponse
from django.views.decorators.http import require_GET

HEADER = "Server-Timing"


class ServerTimingMiddleware:
    """Outermost middleware: the CPU this worker spent on the request, as ``Server-Timing: cpu;dur=…``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.process_time()
        response = self.get_response(request)
        cpu_ms = (time.process_time() - started) * 1000
        response[HEADER] = f"cpu;dur={cpu_ms:.2f}"
        return response


def cpu_ms(headers) -> float | None:
    """The CPU milliseconds a response's ``Server-Timing`` header carries, or None."""
    for part in (headers.get(HEADER) or "").split(","):
        name, _sep, rest = part.strip().partition(";")
        if name == "cpu" and rest.startswith("dur="):
            try:
                return float(rest[4:])
            except ValueError:
                return None
    return None


@require_GET
def floor(request):
    """The cheapest authenticated staff page: the same stack as every page, a few bytes of answer."""
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain; charset=utf-8")
