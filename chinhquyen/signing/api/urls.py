"""Signing API, mounted under /api/v1/."""

from django.urls import path

from . import views

app_name = "signing_api"
urlpatterns = [
    path("signing/verify/", views.VerifyView.as_view(), name="verify"),
    path("signing/certificates/", views.CertificatesView.as_view(), name="certificates"),
    path(
        "signing/certificates/<int:pk>/decide/",
        views.CertificateDecideView.as_view(),
        name="certificate_decide",
    ),
    path("signing/deferred/prepare/", views.PrepareView.as_view(), name="deferred_prepare"),
    path("signing/deferred/complete/", views.CompleteView.as_view(), name="deferred_complete"),
    path("signing/deferred/remote/", views.RemoteRequestView.as_view(), name="deferred_remote"),
    path(
        "signing/deferred/remote/poll/",
        views.RemotePollView.as_view(),
        name="deferred_remote_poll",
    ),
]
