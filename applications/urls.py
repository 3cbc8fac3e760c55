from django.urls import path

from applications.views import registration

app_name = "applications"

urlpatterns = []

# Registration at the counter (issue 4).
urlpatterns += [
    path("register/", registration.register, name="register"),
    path("register/services/", registration.service_search, name="service_search"),
    path("register/checklist/", registration.service_checklist_view, name="service_checklist"),
    path("register/applicants/", registration.applicant_search, name="applicant_search"),
    path("<int:pk>/registered/", registration.registered, name="registered"),
    path("<int:pk>/receipt.pdf", registration.receipt, name="receipt"),
    path("scans/<uuid:scan_id>/", registration.scan_file, name="scan_file"),
]

# Registry lookups through Trembita (issue 6).
from applications.views import registry as registry_views  # noqa: E402

urlpatterns += [
    path("registry/lookup/", registry_views.registry_lookup, name="registry_lookup"),
    path("registry/requests/<uuid:request_id>/", registry_views.registry_request, name="registry_request"),
    path("registry/requests/<uuid:request_id>/apply/", registry_views.registry_apply, name="registry_apply"),
    path("<int:application_id>/registry/", registry_views.registry_history, name="registry_history"),
]
