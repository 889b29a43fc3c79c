from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("chi-so-766/", views.index_page, name="index766"),
    path("chi-so-766/xuat-excel/", views.index_export, name="index766_export"),
    path("chi-so-766/xuat-pdf/", views.index_pdf, name="index766_pdf"),
    path("chi-so-766/ho-so-qua-han/", views.late_dossiers, name="late_dossiers"),
    path("cong-khai/", views.public, name="public"),
    path("cong-khai/du-lieu.csv", views.public_csv, name="public_csv"),
]
