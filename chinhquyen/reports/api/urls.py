from django.urls import path

from . import views

app_name = "reports_api"

urlpatterns = [
    path("reports/on-time/", views.OnTimeReportView.as_view(), name="on-time"),
]
