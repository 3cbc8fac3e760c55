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

