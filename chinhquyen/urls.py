"""Root URL configuration. Each app owns its HTML URLs (``<app>/urls.py``) and its API
(``<app>/api/urls.py``), mounted here; the public API lives under /api/v1/."""

from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import cache_page
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from chinhquyen import health

admin.site.site_header = "Quản trị hệ thống Chính Quyền"
admin.site.site_title = "Quản trị Chính Quyền"
admin.site.index_title = "Quản trị dữ liệu"

SCHEMA_CACHE_SECONDS = 60 * 60

api_v1 = [
    path("", include("chinhquyen.core.api_urls")),
    path("", include("chinhquyen.orgs.api.urls")),
    path("", include("chinhquyen.accounts.api.urls")),
    path("", include("chinhquyen.audit.api.urls")),
    path("", include("chinhquyen.catalog.api.urls")),
    path("", include("chinhquyen.signing.api.urls")),
    path("", include("chinhquyen.payments.api.urls")),
    path("", include("chinhquyen.dossiers.api.urls")),
    path("", include("chinhquyen.documents.api.urls")),
    path("", include("chinhquyen.tasks.api.urls")),
    path("", include("chinhquyen.notifications.api.urls")),
    path("", include("chinhquyen.feedback.api.urls")),
    path("", include("chinhquyen.floor.api.urls")),
    path("", include("chinhquyen.reports.api.urls")),
    path("", include("chinhquyen.integration.api.urls")),
    path("", include("chinhquyen.stats.api.urls")),
]

urlpatterns = [
    path("", include("chinhquyen.web.urls")),
    path("", include("chinhquyen.accounts.idp_urls")),
    path("tai-khoan/", include("allauth.urls")),
    path("tai-khoan/", include("chinhquyen.accounts.urls")),
    path("co-quan/", include("chinhquyen.orgs.urls")),
    path("nhat-ky/", include("chinhquyen.audit.urls")),
    path("thu-tuc/", include("chinhquyen.catalog.urls")),
    path("ky-so/", include("chinhquyen.signing.urls")),
    path("thanh-toan/", include("chinhquyen.payments.urls")),
    path("ho-so/", include("chinhquyen.dossiers.urls")),
    path("van-ban/", include("chinhquyen.documents.urls")),
    path("nhiem-vu/", include("chinhquyen.tasks.urls")),
    path("lich-cong-tac/", include("chinhquyen.tasks.calendar_urls")),
    path("phan-anh/", include("chinhquyen.feedback.urls")),
    path("xep-hang/", include("chinhquyen.floor.urls")),
    path("thong-bao/", include("chinhquyen.notifications.urls")),
    path("bao-cao/", include("chinhquyen.reports.urls")),
    path("lien-thong/", include("chinhquyen.integration.urls")),
    path("thong-ke/", include("chinhquyen.stats.urls")),
    path("an-ninh/", include("chinhquyen.secops.urls")),
    path("quan-tri/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("api/v1/", include(api_v1)),
    # Generating the schema takes about a second of CPU and it only changes with the code: a
    # public endpoint that costly is cached (per URL, Accept and language), not rebuilt per hit.
    path(
        "api/schema/",
        cache_page(SCHEMA_CACHE_SECONDS)(SpectacularAPIView.as_view()),
        name="api-schema",
    ),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "chinhquyen.web.views.bad_request"
handler403 = "chinhquyen.web.views.permission_denied"
handler404 = "chinhquyen.web.views.page_not_found"
handler500 = "chinhquyen.web.views.server_error"
