"""Service-centre floor API under /api/v1/floor/."""

from django.urls import path

from . import views

app_name = "floor_api"
urlpatterns = [
    path("floor/areas/<int:pk>/tickets/", views.TakeTicketView.as_view(), name="take"),
    path("floor/tickets/<str:key>/", views.TicketView.as_view(), name="ticket"),
    path("floor/desks/<int:pk>/display/", views.DisplayView.as_view(), name="display"),
    path("floor/desks/<int:pk>/times/", views.TimesView.as_view(), name="times"),
    path("floor/counters/<int:pk>/rating/", views.RateView.as_view(), name="rate"),
    path(
        "floor/counters/<int:pk>/actions/<str:action>/",
        views.CounterActionView.as_view(),
        name="action",
    ),
]
