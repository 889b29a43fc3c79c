from django.urls import path

from . import views

app_name = "signing"
urlpatterns = [
    path("kiem-tra/", views.verify, name="verify"),
    path("xac-nhan/<int:pk>/", views.confirm, name="confirm"),
    path("sandbox/tsa/", views.sandbox_tsa, name="sandbox_tsa"),
    path("chung-thu/", views.certificates, name="certificates"),
]
