from django.urls import path

from . import preference_views, views

app_name = "notifications"
urlpatterns = [
    path("sandbox/sms/", views.sms_sandbox, name="sms_sandbox"),
    path("cai-dat-nhac-viec/", preference_views.reminder_settings, name="preferences"),
]
