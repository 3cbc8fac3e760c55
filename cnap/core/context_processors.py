from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from cnap.accounts.permissions import can

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


def _navigation_for(user):
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
    return {"navigation": _navigation_for(user), "current_office": user.office}
