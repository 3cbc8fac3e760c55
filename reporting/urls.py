from django.urls import path

from .views import dashboard, reports

app_name = "reporting"

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/overdue/", dashboard.overdue, name="overdue"),
    path("reports/", reports.reports, name="reports"),
]
