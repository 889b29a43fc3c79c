from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("dung-han/", views.on_time, name="on_time"),
    path("dung-han/xuat-excel/", views.on_time_export, name="on_time_export"),
]
