from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("viec-can-lam/", views.todo, name="todo"),
    path("giao-nhiem-vu/", views.directive_create, name="directive_create"),
    path("thong-ke/", views.statistics, name="statistics"),
    path("thong-ke/xuat-excel/", views.statistics_export, name="statistics_export"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/thao-tac/<str:action>/", views.task_action, name="action"),
]
