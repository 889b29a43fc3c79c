"""Catalogue API, mounted under /api/v1/."""

from django.urls import path

from . import views

app_name = "catalog_api"
urlpatterns = [
    path("catalog/procedures/", views.ProcedureListView.as_view(), name="procedures"),
    path(
        "catalog/procedures/<str:code>/",
        views.ProcedureDetailView.as_view(),
        name="procedure_detail",
    ),
    path(
        "catalog/procedures/<str:code>/publish/",
        views.ProcedurePublishView.as_view(),
        name="procedure_publish",
    ),
    path("catalog/fields/", views.FieldListView.as_view(), name="fields"),
]
