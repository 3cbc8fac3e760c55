from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from . import views, views_queue
from .docs import docs

app_name = "api"

urlpatterns = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", docs, name="docs"),
    path("catalog/services/", views.ServiceList.as_view(), name="services"),
    path("catalog/services/<str:code>/", views.ServiceDetail.as_view(), name="service"),
    path("catalog/offices/", views.OfficeList.as_view(), name="offices"),
    path("e-applications/", views.EApplicationCreate.as_view(), name="e_applications"),
    path("e-applications/<uuid:pk>/", views.EApplicationDetail.as_view(), name="e_application"),
    path("applications/<str:number>/", views.ApplicationStatus.as_view(), name="application_status"),
    path("status-changes/", views.StatusChangeList.as_view(), name="status_changes"),
    # Booked visits of the electronic queue.
    path("queue/groups/<int:group_id>/slots/", views_queue.QueueSlots.as_view(), name="queue_slots"),
    path("queue/bookings/", views_queue.QueueBookingCreate.as_view(), name="queue_bookings"),
    path("queue/bookings/<str:token>/cancel/", views_queue.QueueBookingCancel.as_view(), name="queue_booking_cancel"),
    # The staff inbox of e-applications (HTML pages, staff session).
    path("inbox/", include("api.urls_inbox")),
]
