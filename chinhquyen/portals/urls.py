"""Portal URLs that are not pages, mounted at /cong-thong-tin/ (layout: portals/__init__.py).
No namespace: Wagtail reverses ``wagtailimages_serve`` by that bare name."""

from django.urls import re_path
from wagtail.images.views.serve import ServeView

urlpatterns = [
    re_path(
        r"^anh/([^/]*)/(\d*)/([^/]*)/[^/]*$",
        ServeView.as_view(action="serve"),
        name="wagtailimages_serve",
    ),
]
