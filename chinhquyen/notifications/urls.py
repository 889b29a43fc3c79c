from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("sandbox/sms/", views.sms_sandbox, name="sms_sandbox"),
]
