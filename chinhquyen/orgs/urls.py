from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.detail, name="detail"),
    path("quan-ly/", views.tree, name="tree"),
    path("quan-ly/them/", views.create, name="create"),
    path("quan-ly/sap-nhap/", views.merge, name="merge"),
    path("quan-ly/nhap/", views.import_view, name="import"),
    path("quan-ly/xuat/", views.export, name="export"),
    path("quan-ly/<int:pk>/sua/", views.edit, name="edit"),
    path("quan-ly/<int:pk>/chuyen/", views.move, name="move"),
    path("quan-ly/<int:pk>/dong/", views.close, name="close"),
]
