"""Catalogue pages, mounted at /thu-tuc/."""

from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("quan-ly/nhap-excel/", views.catalog_import, name="import"),
    path("quan-ly/xuat-excel/", views.catalog_export, name="export"),
    path("<str:code>/", views.procedure_detail, name="detail"),
    path("<str:code>/mau/<int:paper_id>/", views.paper_template, name="paper_template"),
]
