"""Audit browsing pages, mounted at /nhat-ky/."""

from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.entries, name="entries"),
    path("xuat-excel/", views.entries_export, name="entries_export"),
    path("an-ninh/", views.security_events, name="security_events"),
    path("an-ninh/xuat-excel/", views.security_events_export, name="security_events_export"),
]
