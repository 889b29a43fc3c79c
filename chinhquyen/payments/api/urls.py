"""Payments API, mounted under /api/v1/."""

from django.urls import path

from . import views

app_name = "payments_api"
urlpatterns = [
    path("payments/", views.PaymentListView.as_view(), name="list"),
    path("payments/export/", views.PaymentExportView.as_view(), name="export"),
    path("payments/mine/", views.MyPaymentsView.as_view(), name="mine"),
    path("payments/vnpay/ipn/", views.VnpayIpnView.as_view(), name="vnpay_ipn"),
    path("payments/<str:reference>/", views.PaymentDetailView.as_view(), name="detail"),
    path("payments/<str:reference>/receipt/", views.PaymentReceiptView.as_view(), name="receipt"),
]
