"""Dossier API under /api/v1/: public lookup, applicants' own dossiers, officials' work."""

from django.urls import path

from . import views

app_name = "dossiers_api"

urlpatterns = [
    # public
    path("public/dossiers/lookup/", views.PublicLookupView.as_view(), name="public-lookup"),
    # applicants
    path("my/dossiers/", views.MyDossierListView.as_view(), name="my-dossiers"),
    path("my/dossiers/<int:pk>/", views.MyDossierDetailView.as_view(), name="my-dossier"),
    path(
        "my/dossiers/<int:pk>/supplement/",
        views.MySupplementView.as_view(),
        name="my-dossier-supplement",
    ),
    path(
        "my/dossiers/<int:pk>/withdraw/", views.MyWithdrawView.as_view(), name="my-dossier-withdraw"
    ),
    path("my/dossiers/<int:pk>/rating/", views.MyRatingView.as_view(), name="my-dossier-rating"),
    path("my/dossiers/<int:pk>/pin/", views.MyPinView.as_view(), name="my-dossier-pin"),
    path(
        "my/dossiers/<int:pk>/attachments/<int:attachment_id>/download/",
        views.MyAttachmentDownloadView.as_view(),
        name="my-attachment-download",
    ),
    path(
        "my/dossiers/<int:pk>/results/<int:result_id>/download/",
        views.MyResultDownloadView.as_view(),
        name="my-result-download",
    ),
    # officials
    path("dossiers/", views.InboxView.as_view(), name="inbox"),
    path("dossiers/counter-intake/", views.CounterIntakeView.as_view(), name="counter-intake"),
    path("dossiers/bulk-transfer/", views.BulkTransferView.as_view(), name="bulk-transfer"),
    path("dossiers/register/", views.TrackingRegisterView.as_view(), name="tracking-register"),
    path("dossiers/<int:pk>/", views.DossierDetailView.as_view(), name="dossier"),
    path("dossiers/<int:pk>/pin/", views.DossierPinView.as_view(), name="dossier-pin"),
    path(
        "dossiers/<int:pk>/attachments/",
        views.AttachmentUploadView.as_view(),
        name="attachment-upload",
    ),
    path(
        "dossiers/<int:pk>/attachments/<int:attachment_id>/download/",
        views.AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
    path(
        "dossiers/<int:pk>/results/<int:result_id>/download/",
        views.ResultDownloadView.as_view(),
        name="result-download",
    ),
    *[
        path(
            f"dossiers/<int:pk>/actions/{action}/",
            view.as_view(),
            name=f"action-{action.replace('_', '-')}",
        )
        for action, view in views.ACTION_VIEWS.items()
    ],
]
