"""Citizen report pages under /phan-anh/ (see ``views``)."""

from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.board, name="board"),
    path("gui/", views.submit, name="submit"),
    path("gui/<str:code>/", views.submitted, name="submitted"),
    path("cong-khai/<str:code>/", views.public_detail, name="public_detail"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("tra-cuu/<str:code>/", views.sender_detail, name="sender_detail"),
    path("tra-cuu/<str:code>/<str:action>/", views.sender_action, name="sender_action"),
    path("cua-toi/", views.mine, name="mine"),
    path("tep/<int:pk>/", views.file_download, name="file"),
    path("xu-ly/", views.inbox, name="inbox"),
    path("hai-long/", views.satisfaction, name="satisfaction"),
    path("xu-ly/<int:pk>/", views.detail, name="detail"),
    path("xu-ly/<int:pk>/<str:action>/", views.action, name="action"),
]
