from django.urls import path

from . import views, views_ops

app_name = "integration"
urlpatterns = [
    path("", views_ops.operations, name="operations"),
    path("gui-lai/<int:pk>/", views_ops.retry, name="retry"),
    path("truc-thu-nghiem/messages/", views.axis_send, name="axis_send"),
    path("truc-thu-nghiem/inbox/<str:organ_id>/", views.axis_inbox, name="axis_inbox"),
    path("truc-thu-nghiem/inbox/<str:organ_id>/<int:pk>/ack/", views.axis_ack, name="axis_ack"),
]
