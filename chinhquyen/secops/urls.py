"""Security operations pages, mounted at /an-ninh/."""

from django.urls import path

from . import views

app_name = "secops"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("canh-bao/<int:pk>/tiep-nhan/", views.alert_acknowledge, name="alert_acknowledge"),
    path("canh-bao/<int:pk>/dong/", views.alert_close, name="alert_close"),
    path("bang-chung/", views.evidence_report, name="evidence"),
    path("bang-chung/excel/", views.evidence_export, name="evidence_export"),
    path("bang-chung/pdf/", views.evidence_pdf, name="evidence_pdf"),
]
