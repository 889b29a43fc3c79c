from django.urls import path

from . import views

app_name = "notifications_api"
urlpatterns = [
    path(
        "notifications/reminder-preferences/",
        views.ReminderPreferenceView.as_view(),
        name="reminder_preferences",
    ),
]
