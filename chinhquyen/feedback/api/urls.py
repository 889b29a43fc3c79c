"""Citizen report API under /api/v1/feedback/."""

from django.urls import path

from . import views

app_name = "feedback_api"
urlpatterns = [
    path("feedback/", views.SubmitView.as_view(), name="submit"),
    path("feedback/contact-code/", views.ContactCodeView.as_view(), name="contact-code"),
    path("feedback/lookup/", views.LookupView.as_view(), name="lookup"),
    path("feedback/rate/", views.RateView.as_view(), name="rate"),
    path("feedback/public/", views.PublicBoardView.as_view(), name="public"),
    path("feedback/categories/", views.CategoryListView.as_view(), name="categories"),
    path("feedback/items/", views.InboxView.as_view(), name="items"),
    path("feedback/items/<int:pk>/", views.ItemView.as_view(), name="item"),
    path("feedback/items/<int:pk>/action/", views.ItemActionView.as_view(), name="item-action"),
    path("feedback/satisfaction/", views.SatisfactionView.as_view(), name="satisfaction"),
]
