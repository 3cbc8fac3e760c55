"""The public status page of a case (no login), at /status/ outside the staff URLs."""

from django.urls import path

from .views import status

urlpatterns = [
    path("", status.public_status, name="public_status"),
]
