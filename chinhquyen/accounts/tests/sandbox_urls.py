"""Test URLconf: the site's URLs plus the sandbox identity provider at the site root (as
``chinhquyen/urls.py`` mounts it)."""

from django.urls import include, path

from chinhquyen.urls import handler400, handler403, handler404, handler500  # noqa: F401
from chinhquyen.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    *site_urlpatterns,
    path("", include("chinhquyen.accounts.idp_urls")),
]
