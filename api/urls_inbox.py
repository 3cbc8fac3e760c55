"""The staff inbox of e-applications (included by api/urls.py under inbox/, names in the `api` namespace)."""

from django.urls import path

from . import views_inbox

urlpatterns = [
    path("", views_inbox.inbox, name="inbox"),
    path("<uuid:pk>/", views_inbox.detail, name="inbox_detail"),
    path("<uuid:pk>/accept/", views_inbox.accept, name="inbox_accept"),
    path("<uuid:pk>/reject/", views_inbox.reject, name="inbox_reject"),
]
