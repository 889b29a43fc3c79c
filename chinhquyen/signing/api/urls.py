"""Signing API, mounted under /api/v1/."""

from django.urls import path

from . import views

app_name = "signing_api"
urlpatterns = [
    path("signing/verify/", views.VerifyView.as_view(), name="verify"),
]
