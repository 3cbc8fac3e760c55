from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from cnap.accounts.permissions import can
from cnap.core.lookups import Lookups

# (label, URL name, capability, Bootstrap icon). An entry appears once its URL exists and the
# user's role grants the capability.
NAVIGATION = [
    (_("Register"), "applications:register", "register_applications", "bi-plus-square"),
    (_("Queue"), "equeue:windows", "operate_queue", "bi-people"),
    (_("Queue settings"), "equeue:settings", "configure_queue", "bi-sliders"),
    (_("Applications"), "applications:list", "view_applications", "bi-folder2-open"),
    (_("Provider queue"), "applications:provider_queue", "work_provider_queue", "bi-inbox"),
    (_("E-applications"), "api:inbox", "register_applications", "bi-inbox-fill"),
    (_("Catalog"), "services:list", "view_catalog", "bi-journal-text"),
    (_("Dashboard"), "reporting:dashboard", "view_dashboard", "bi-speedometer2"),
    (_("Queue figures"), "reporting:queue_dashboard", "view_dashboard", "bi-bar-chart-line"),
    (_("Reports"), "reporting:reports", "view_reports", "bi-file-earmark-bar-graph"),
    (_("Access log"), "applications:access_log", "view_access_log", "bi-shield-lock"),
    (_("Suspend a service"), "applications:service_suspension", "suspend_services", "bi-pause-circle"),
]


#: Navigation by (the NAVIGATION table, URL conf, role, superuser, active): the URLs never change while the
#: process runs, the labels stay lazy.
_NAVIGATION_CACHE: dict[tuple, list[dict]] = {}

PLACES = Lookups("workstation-places")


def _navigation_for(user):
    key = (id(NAVIGATION), get_urlconf(), user.role, user.is_superuser, user.is_active)
    items = _NAVIGATION_CACHE.get(key)
    if items is None:
        items = _NAVIGATION_CACHE[key] = _build_navigation(user)
    return items


def _place(user) -> dict[str, str]:
    """The user's office and hromada names for the footer and the home page, from the per-worker lookups."""
    from cnap.accounts.models import Hromada, Office

    def build():
        offices = {o.pk: (o.name, o.hromada_id) for o in Office.objects.only("name", "hromada_id")}
        hromadas = dict(Hromada.objects.values_list("id", "name"))
        return offices, hromadas

    offices, hromadas = PLACES.get("places", build)
    office_name, hromada_id = offices.get(user.office_id, ("", user.hromada_id))
    return {"office_name": office_name, "hromada_name": hromadas.get(hromada_id, "") if hromada_id else ""}


def _build_navigation(user):
    items = []
    for label, url_name, capability, icon in NAVIGATION:
        if not can(user, capability):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "icon": icon, "name": url_name})
    return items


def workstation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    return {"navigation": _navigation_for(user), "place": _place(user)}
