"""Service-centre floor pages under /xep-hang/ (see ``views``)."""

from django.urls import path

from . import views

app_name = "floor"

urlpatterns = [
    path("<int:desk_id>/lay-so/", views.kiosk, name="kiosk"),
    path("so/<str:key>/", views.ticket, name="ticket"),
    path("<int:desk_id>/man-hinh/", views.display, name="display"),
    path("<int:desk_id>/man-hinh.json", views.display_json, name="display_json"),
    path("<int:desk_id>/thong-ke/", views.stats, name="stats"),
    path("quay/<int:pk>/", views.counter, name="counter"),
    path("quay/<int:pk>/danh-gia/", views.rate, name="rate"),
]
