"""Deploy check: the bench's floor page and CPU headers (CNAP_BENCH) have no place on a real site."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def check_bench_off(app_configs, **kwargs):
    if getattr(settings, "CNAP_BENCH", False):
        return [
            Warning(
                "CNAP_BENCH is on: the bench's floor page and a Server-Timing header with each request's CPU time "
                "are served. Switch it off outside `make bench`.",
                id="core.W001",
            )
        ]
    return []
