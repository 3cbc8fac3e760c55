from django.urls import path

from applications.views import registration

app_name = "applications"

urlpatterns = []

# Registration at the counter.
urlpatterns += [
    path("register/", registration.register, name="register"),
    path("register/services/", registration.service_search, name="service_search"),
    path("register/checklist/", registration.service_checklist_view, name="service_checklist"),
    path("register/applicants/", registration.applicant_search, name="applicant_search"),
    path("<int:pk>/registered/", registration.registered, name="registered"),
    path("<int:pk>/receipt.pdf", registration.receipt, name="receipt"),
    path("scans/<uuid:scan_id>/", registration.scan_file, name="scan_file"),
]

# Carrying cases to the result: lists, the case page and its actions.
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
    path("<int:pk>/payment/", case_views.payment, name="payment"),
    path("<int:pk>/registry-action/", case_views.registry_action, name="registry_action"),
    path("<int:pk>/reveal/", case_views.reveal, name="reveal"),
    path("<int:pk>/routing-slip.pdf", case_views.routing_slip_pdf, name="routing_slip_pdf"),
    path("<int:pk>/decisions/<int:decision_pk>.pdf", case_views.decision_pdf, name="decision_pdf"),
    path("<int:pk>/printed/<uuid:document_id>/", case_views.printed_document, name="printed_document"),
]

# Suspending and resuming all open cases of a service by a legal act (e.g. CMU Resolution No 165).
from applications.views import service_suspension as service_suspension_views  # noqa: E402

urlpatterns += [
    path("service-suspension/", service_suspension_views.service_suspension, name="service_suspension"),
]

# The personal-data access log (written by cnap.security.audit), for the head of ЦНАП.
from applications.views import access_log as access_log_views  # noqa: E402

urlpatterns += [
    path("access-log/", access_log_views.access_log, name="access_log"),
]
