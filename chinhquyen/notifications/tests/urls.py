"""Test URLconf: the site's URLs plus the SMS gateway sandbox (``chinhquyen/urls.py`` mounts it
at the same place once the lead adds it; until then only tests see it)."""

from django.urls import include, path

from chinhquyen.urls import handler400, handler403, handler404, handler500  # noqa: F401
from chinhquyen.urls import urlpatterns as site_urlpatterns

_mounted = any(getattr(p, "app_name", None) == "notifications" for p in site_urlpatterns)

urlpatterns = [
    *site_urlpatterns,
    *([] if _mounted else [path("thong-bao/", include("chinhquyen.notifications.urls"))]),
]
