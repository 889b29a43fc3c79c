from django.urls import path

from . import views

app_name = "orgs_api"
urlpatterns = [
    path("organisations/", views.OrganisationListView.as_view(), name="list"),
    path("organisations/merge/", views.OrganisationMergeView.as_view(), name="merge"),
    path("organisations/import/", views.OrganisationImportView.as_view(), name="import"),
    path("organisations/export/", views.OrganisationExportView.as_view(), name="export"),
    path(
        "organisations/by-code/<str:agency_code>/",
        views.OrganisationByCodeView.as_view(),
        name="by-code",
    ),
    path("organisations/<int:pk>/", views.OrganisationDetailView.as_view(), name="detail"),
    path("organisations/<int:pk>/move/", views.OrganisationMoveView.as_view(), name="move"),
]
