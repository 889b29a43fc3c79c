from django.urls import path

from . import views

app_name = "stats_api"

urlpatterns = [
    path("index766/", views.Index766View.as_view(), name="index766"),
    path("statistics/public/", views.PublicStatisticsView.as_view(), name="statistics-public"),
]
