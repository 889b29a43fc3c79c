from django.urls import path

from . import views

urlpatterns = [
    path("integration/edxml/", views.EdxmlReceiveView.as_view(), name="integration-edxml"),
]
