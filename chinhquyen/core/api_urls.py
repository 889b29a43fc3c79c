"""Public API of the shared kernel, mounted under /api/v1/."""

from django.urls import path

from chinhquyen.core.calendar_api import DaysOffView, DeadlineView

app_name = "core_api"
urlpatterns = [
    path("calendar/deadline", DeadlineView.as_view(), name="calendar-deadline"),
    path("calendar/days-off", DaysOffView.as_view(), name="calendar-days-off"),
]
