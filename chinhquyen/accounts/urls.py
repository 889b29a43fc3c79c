from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("ho-so/", views.profile, name="profile"),
    path("can-bo/", views.officials, name="officials"),
    path("can-bo/them/", views.official_create, name="official_create"),
    path("can-bo/<int:pk>/", views.official_edit, name="official_edit"),
    path("can-bo/<int:pk>/khoa/", views.official_deactivate, name="official_deactivate"),
    path("can-bo/<int:pk>/dat-lai-2fa/", views.official_mfa_reset, name="official_mfa_reset"),
    path("can-bo/<int:pk>/giao-vi-tri/", views.position_assign, name="position_assign"),
    path("vi-tri/<int:pk>/ket-thuc/", views.position_end, name="position_end"),
    path("cong-dan/<int:pk>/xac-minh-cccd/", views.citizen_id_verify, name="citizen_id_verify"),
    path("hop-nhat/", views.citizen_merge, name="citizen_merge"),
    path("he-thong-ket-noi/", views.api_clients, name="api_clients"),
    path("he-thong-ket-noi/<int:pk>/cap-khoa/", views.api_token_issue, name="api_token_issue"),
    path("khoa-api/<int:pk>/thu-hoi/", views.api_token_revoke, name="api_token_revoke"),
]
