"""Payment pages, mounted at /thanh-toan/ (the sandbox gateway under /thanh-toan/sandbox/)."""

from django.urls import path

from . import views
from .sandbox import views as sandbox

app_name = "payments"
urlpatterns = [
    path("ket-qua/", views.payment_return, name="return"),
    path("cua-toi/", views.my_payments, name="mine"),
    path("doi-soat/", views.reconciliation, name="reconciliation"),
    path("doi-soat/xuat-excel/", views.reconciliation_export, name="reconciliation_export"),
    # The sandbox gateway keeps VNPay's paths, so its URLs read like the real gateway's.
    path("sandbox/paymentv2/vpcpay.html", sandbox.pay, name="sandbox_pay"),
    path("sandbox/paymentv2/xu-ly/", sandbox.process, name="sandbox_process"),
    path("sandbox/merchant_webapi/api/transaction", sandbox.querydr, name="sandbox_querydr"),
    path("<str:reference>/", views.payment_detail, name="detail"),
    path("<str:reference>/thanh-toan/", views.payment_pay, name="pay"),
    path("<str:reference>/doi-soat/", views.payment_reconcile, name="reconcile"),
    path("<str:reference>/bien-lai.pdf", views.payment_receipt, name="receipt"),
]
