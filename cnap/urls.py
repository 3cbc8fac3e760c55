from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from cnap.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/", include("cnap.accounts.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("catalog/", include("services.urls")),
    path("applications/", include("applications.urls")),
    path("registry/", include("registry.urls")),
    path("queue/", include("equeue.urls")),
    path("", include("reporting.urls")),
    path("status/", include("applications.urls_public")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

# Ukrainian error pages; under /api/ the API's one JSON error body (cnap/core/errors.py).
handler400 = "cnap.core.errors.bad_request"
handler403 = "cnap.core.errors.permission_denied"
handler404 = "cnap.core.errors.page_not_found"
handler500 = "cnap.core.errors.server_error"

if settings.CNAP_BENCH:
    from cnap.core import bench

    urlpatterns.append(path("bench/floor/", bench.floor, name="bench_floor"))

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
