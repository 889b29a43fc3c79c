"""One-stop shop pages under /ho-so/ (see ``views``)."""

from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    # public
    path("tra-cuu/", views.lookup, name="lookup"),
    path(
        "tra-cuu/<str:code>/ket-qua/<int:result_id>/",
        views.lookup_result,
        name="lookup_result",
    ),
    # applicants
    path("cua-toi/", views.my_list, name="my_list"),
    path("cua-toi/<int:pk>/", views.my_detail, name="my_detail"),
    path("cua-toi/<int:pk>/bo-sung/", views.my_supplement, name="my_supplement"),
    path("cua-toi/<int:pk>/rut/", views.my_withdraw, name="my_withdraw"),
    path("cua-toi/<int:pk>/danh-gia/", views.my_rate, name="my_rate"),
    path("cua-toi/<int:pk>/thanh-toan/", views.my_pay, name="my_pay"),
    path("cua-toi/<int:pk>/giay-tiep-nhan/", views.my_receipt, name="my_receipt"),
    path("nop/<str:code>/", views.submit, name="submit"),
    # files (applicants and officials, each within their scope)
    path(
        "<int:pk>/tep/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("<int:pk>/ket-qua/<int:result_id>/", views.result_download, name="result_download"),
    path("<int:pk>/phieu/<int:notice_id>/", views.notice_download, name="notice_download"),
    # officials
    path("can-bo/", views.inbox, name="inbox"),
    path("can-bo/tiep-nhan/", views.counter_intake, name="counter_intake"),
    path("can-bo/chuyen-xu-ly/", views.bulk_transfer, name="bulk_transfer"),
    path("can-bo/so-theo-doi/", views.register_export, name="register_export"),
    path("can-bo/<int:pk>/", views.detail, name="detail"),
    path("can-bo/<int:pk>/giay-tiep-nhan/", views.receipt, name="receipt"),
    path("can-bo/<int:pk>/phieu-kiem-soat/", views.control_sheet, name="control_sheet"),
    path("can-bo/<int:pk>/thao-tac/<str:action>/", views.action, name="action"),
]
