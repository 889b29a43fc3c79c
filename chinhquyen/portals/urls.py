"""Portal URLs that are not pages, mounted at /cong-thong-tin/ (layout: portals/__init__.py):
Wagtail's document and image serving, with named groups. No namespace: Wagtail reverses
``wagtaildocs_serve`` and ``wagtailimages_serve`` by those bare names."""

from django.urls import path, re_path
from wagtail.documents.views import serve as documents
from wagtail.images.views.serve import ServeView

urlpatterns = [
    re_path(
        r"^tai-lieu/(?P<document_id>\d+)/(?P<document_filename>.*)$",
        documents.serve,
        name="wagtaildocs_serve",
    ),
    path(
        "tai-lieu/xac-thuc/<int:restriction_id>/",
        documents.authenticate_with_password,
        name="wagtaildocs_authenticate_with_password",
    ),
    re_path(
        r"^anh/(?P<signature>[^/]*)/(?P<image_id>\d*)/(?P<filter_spec>[^/]*)/(?P<filename>[^/]*)$",
        ServeView.as_view(action="serve"),
        name="wagtailimages_serve",
    ),
]
