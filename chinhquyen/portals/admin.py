"""Wagtail's images and documents and taggit's tags are managed in the Wagtail admin
(/quan-tri-cong-thong-tin/), not in the platform's Django admin."""

from django.contrib import admin
from taggit.models import Tag
from wagtail.documents.models import Document
from wagtail.images.models import Image

for model in (Tag, Document, Image):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


# --- the organisation admin's action: create the selected units' component portals --------

from django.contrib import messages  # noqa: E402
from django.db.models import QuerySet  # noqa: E402
from django.http import HttpRequest  # noqa: E402

from chinhquyen.orgs.admin import OrganisationAdmin  # noqa: E402
from chinhquyen.orgs.models import Organisation  # noqa: E402

from . import sites  # noqa: E402


@admin.action(description="Tạo cổng thông tin thành phần", permissions=["change"])
def create_portals(
    modeladmin: OrganisationAdmin, request: HttpRequest, queryset: QuerySet[Organisation]
) -> None:
    created, skipped = [], []
    for org in queryset.order_by("path"):
        if org.kind in sites.COMPONENT_KINDS:
            created.append(sites.ensure_component_portal(org, user=request.user).title)
        else:
            skipped.append(org.name)
    if created:
        messages.success(request, "Đã có cổng thông tin: " + "; ".join(created))
    if skipped:
        messages.warning(
            request,
            "Chỉ sở, ban, ngành và xã, phường có cổng thành phần; bỏ qua: " + "; ".join(skipped),
        )


OrganisationAdmin.actions = [*(OrganisationAdmin.actions or []), create_portals]  # type: ignore[misc]
