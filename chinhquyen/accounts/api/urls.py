from django.urls import path

from . import views

app_name = "accounts_api"
urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("officials/", views.OfficialListCreateView.as_view(), name="officials"),
    path("officials/<int:pk>/", views.OfficialDetailView.as_view(), name="official"),
    path(
        "officials/<int:pk>/positions/",
        views.OfficialPositionsView.as_view(),
        name="official_positions",
    ),
    path(
        "officials/<int:pk>/deactivate/",
        views.OfficialDeactivateView.as_view(),
        name="official_deactivate",
    ),
    path("positions/<int:pk>/end/", views.PositionEndView.as_view(), name="position_end"),
    path("api-clients/", views.ApiClientListCreateView.as_view(), name="api_clients"),
    path(
        "api-clients/<int:pk>/tokens/",
        views.ApiClientTokensView.as_view(),
        name="api_client_tokens",
    ),
    path(
        "api-tokens/<int:pk>/revoke/", views.ApiTokenRevokeView.as_view(), name="api_token_revoke"
    ),
]
