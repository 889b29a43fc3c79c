from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("tinh-ngay-hen/", views.appointment_calculator, name="calendar"),
    path("can-bo/", views.workspace, name="workspace"),
]
