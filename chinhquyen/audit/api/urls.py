"""Audit API, mounted under /api/v1/."""

from django.urls import path

from . import views

app_name = "audit_api"
urlpatterns = [
    path("audit/entries/", views.LogEntryList.as_view(), name="entries"),
    path("audit/security-events/", views.SecurityEventList.as_view(), name="security_events"),
]
