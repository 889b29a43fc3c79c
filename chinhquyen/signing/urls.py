from django.urls import path

from . import remote_views, views

app_name = "signing"
urlpatterns = [
    path("kiem-tra/", views.verify, name="verify"),
    path("xac-nhan/<int:pk>/", views.confirm, name="confirm"),
    path("sandbox/tsa/", views.sandbox_tsa, name="sandbox_tsa"),
    path("chung-thu/", views.certificates, name="certificates"),
    # remote signing (the official confirms on his phone): the officer's pages
    path("ky-tu-xa/", remote_views.remote_start, name="remote_start"),
    path("ky-tu-xa/<str:transaction_id>/", remote_views.remote_status, name="remote_status"),
    path(
        "sandbox/ky-tu-xa/xac-nhan/<str:transaction_id>/",
        remote_views.sandbox_remote_confirm,
        name="sandbox_remote_confirm",
    ),
    path("sandbox/ky-tu-xa/sign", views.sandbox_remote_sign, name="sandbox_remote_sign"),
    path(
        "sandbox/ky-tu-xa/transactions/<str:transaction_id>",
        views.sandbox_remote_transaction,
        name="sandbox_remote_transaction",
    ),
]
