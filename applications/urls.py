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

# Carrying cases to the result: lists, the case page and its actions (issue 5).
from applications.views import cases as case_views  # noqa: E402
from applications.views import lists as list_views  # noqa: E402

urlpatterns += [
    path("", list_views.application_list, name="list"),
    path("mine/", list_views.application_list, {"preset": "mine"}, name="list_mine"),
    path("office-queue/", list_views.application_list, {"preset": "office"}, name="list_office"),
    path("due-soon/", list_views.application_list, {"preset": "due_soon"}, name="list_due_soon"),
    path("overdue/", list_views.application_list, {"preset": "overdue"}, name="list_overdue"),
    path("provider-queue/", list_views.provider_queue, name="provider_queue"),
    path("<int:pk>/", case_views.detail, name="detail"),
    path("<int:pk>/move/", case_views.move, name="move"),
    path("<int:pk>/suspend/", case_views.suspend, name="suspend"),
    path("<int:pk>/resume/", case_views.resume, name="resume"),
    path("<int:pk>/decision/", case_views.decide, name="decide"),
    path("<int:pk>/issue/", case_views.issue, name="issue"),
    path("<int:pk>/reveal/", case_views.reveal, name="reveal"),
    path("<int:pk>/routing-slip.pdf", case_views.routing_slip_pdf, name="routing_slip_pdf"),
    path("<int:pk>/decisions/<int:decision_pk>.pdf", case_views.decision_pdf, name="decision_pdf"),
    path("<int:pk>/printed/<uuid:document_id>/", case_views.printed_document, name="printed_document"),
]

# Dashboards, deadline control and reports (issue 7).
from applications.views import dashboard as dashboard_views  # noqa: E402
from applications.views import reports as report_views  # noqa: E402

urlpatterns += [
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/overdue/", dashboard_views.overdue, name="overdue"),
    path("reports/", report_views.reports, name="reports"),
]

# Suspending and resuming all open cases of a service by a legal act (e.g. CMU Resolution No 165).
from applications.views import service_suspension as service_suspension_views  # noqa: E402

urlpatterns += [
    path("service-suspension/", service_suspension_views.service_suspension, name="service_suspension"),
]
