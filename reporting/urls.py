from django.urls import path

from .views import dashboard, queue, reports

app_name = "reporting"

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/overdue/", dashboard.overdue, name="overdue"),
    path("dashboard/queue/", queue.queue_dashboard_view, name="queue_dashboard"),
    path("dashboard/queue/tickets/", queue.queue_tickets, name="queue_tickets"),
    path("reports/", reports.reports, name="reports"),
]
