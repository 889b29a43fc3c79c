from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.home, name="home"),
    path("den/", views.incoming_list, name="incoming_list"),
    path("den/vao-so/", views.incoming_register, name="incoming_register"),
    path("den/don-vi-gui/", views.sender_suggestions, name="sender_suggestions"),
    path("den/<int:pk>/", views.incoming_detail, name="incoming_detail"),
    path(
        "den/<int:pk>/thao-tac/<slug:action>/",
        views.incoming_action,
        name="incoming_action",
    ),
    path("den/<int:pk>/tep/<int:file_id>/", views.incoming_file, name="incoming_file"),
    path("den/<int:pk>/phieu-giai-quyet/", views.processing_slip, name="processing_slip"),
    path("viec-cua-toi/", views.my_tasks, name="my_tasks"),
    path("viec/<int:pk>/<slug:action>/", views.task_action, name="task_action"),
    path("di/", views.outgoing_list, name="outgoing_list"),
    path("di/soan-thao/", views.outgoing_create, name="outgoing_create"),
    path("di/<int:pk>/", views.outgoing_detail, name="outgoing_detail"),
    path(
        "di/<int:pk>/thao-tac/<slug:action>/",
        views.outgoing_action,
        name="outgoing_action",
    ),
    path("di/<int:pk>/tep/<slug:kind>/", views.outgoing_file, name="outgoing_file"),
    path("so/", views.registers, name="registers"),
]
