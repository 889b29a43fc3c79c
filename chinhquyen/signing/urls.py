from django.urls import path

from . import views

app_name = "signing"
urlpatterns = [
    path("kiem-tra/", views.verify, name="verify"),
    path("xac-nhan/<int:pk>/", views.confirm, name="confirm"),
    path("sandbox/tsa/", views.sandbox_tsa, name="sandbox_tsa"),
    path("chung-thu/", views.certificates, name="certificates"),
    path("sandbox/ky-tu-xa/sign", views.sandbox_remote_sign, name="sandbox_remote_sign"),
    path(
        "sandbox/ky-tu-xa/transactions/<str:transaction_id>",
        views.sandbox_remote_transaction,
        name="sandbox_remote_transaction",
    ),
]
