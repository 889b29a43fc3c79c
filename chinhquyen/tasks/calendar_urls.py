from django.urls import path

from . import calendar_views as views

app_name = "tasks_calendar"
urlpatterns = [
    path("", views.public_index, name="public_index"),
    path("<int:organisation>/", views.public_week, name="public_week"),
    path("<int:organisation>/lich.ics", views.ical_feed, name="ical"),
    path("hop/<uuid:uid>/", views.join, name="join"),
    path("phong-hop-thu/<str:room>/", views.sandbox_room, name="sandbox_room"),
    path("cuoc-hop-cua-toi/", views.my_meetings, name="my_meetings"),
    path("quan-ly/", views.manage, name="manage"),
    path("quan-ly/them/", views.event_create, name="event_create"),
    path("quan-ly/<int:pk>/", views.event_detail, name="event"),
    path("quan-ly/<int:pk>/sua/", views.event_edit, name="event_edit"),
    path("quan-ly/<int:pk>/thao-tac/<str:action>/", views.event_action, name="event_action"),
    path("quan-ly/<int:pk>/buoi/", views.occurrence, name="occurrence"),
    path("quan-ly/<int:pk>/diem-danh/", views.attendance, name="attendance"),
    path("quan-ly/<int:pk>/ket-luan/", views.conclude, name="conclude"),
]
