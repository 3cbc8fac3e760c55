from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("lookup/", views.registry_lookup, name="lookup"),
    path("requests/<uuid:request_id>/", views.registry_request, name="request"),
    path("requests/<uuid:request_id>/apply/", views.registry_apply, name="apply"),
    path("requests/<uuid:request_id>/stop/", views.registry_stop, name="stop"),
    path("requests/<uuid:request_id>/evidence/", views.registry_evidence, name="evidence"),
    path("cases/<int:application_id>/", views.registry_history, name="history"),
]
