from django.urls import path

from . import calendar, views

app_name = "tasks_api"
urlpatterns = [
    path("tasks/", views.TaskListView.as_view(), name="list"),
    path("tasks/statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("tasks/directives/", views.DirectiveCreateView.as_view(), name="directive-create"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="detail"),
    path("tasks/<int:pk>/delegate/", views.DelegateView.as_view(), name="delegate"),
    path("tasks/<int:pk>/reports/", views.ReportView.as_view(), name="report"),
    path("tasks/<int:pk>/complete/", views.CompleteView.as_view(), name="complete"),
    path("tasks/<int:pk>/accept/", views.AcceptView.as_view(), name="accept"),
    path("tasks/<int:pk>/return/", views.ReturnView.as_view(), name="return"),
    path("tasks/<int:pk>/extensions/", views.ExtensionCreateView.as_view(), name="extension"),
    path(
        "tasks/<int:pk>/extensions/<int:extension_id>/decide/",
        views.ExtensionDecideView.as_view(),
        name="extension-decide",
    ),
    path("calendar/events/", calendar.PublicWeekView.as_view(), name="calendar-public"),
    path("calendar/manage/", calendar.ManageListView.as_view(), name="calendar-manage"),
    path("calendar/manage/<int:pk>/", calendar.ManageDetailView.as_view(), name="calendar-event"),
    path(
        "calendar/manage/<int:pk>/occurrences/",
        calendar.ManageOccurrenceView.as_view(),
        name="calendar-occurrence",
    ),
    path(
        "calendar/manage/<int:pk>/<str:action>/",
        calendar.ManageTransitionView.as_view(),
        name="calendar-transition",
    ),
]
