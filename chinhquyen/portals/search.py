"""The search of a portal: its pages, its public documents and its procedures, ignoring
diacritics and case ("thong bao tuyen dung" finds "Thông báo tuyển dụng"; core.search)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from wagtail.models import Page

from chinhquyen.core.search import search_words, words_filter

from . import sections
from .models import DocumentListPage, PortalIndexPage, ProcedureListPage, SearchEntry

if TYPE_CHECKING:
    from .models import PortalHomePage

LIMIT = 20


def search_context(home: PortalHomePage, request: HttpRequest) -> dict[str, Any]:
    q = (request.GET.get("q") or "").strip()[: sections.MAX_QUERY]
    context: dict[str, Any] = {"q": q, "searched": bool(search_words(q))}
    if not context["searched"]:
        return context
    entries = SearchEntry.objects.filter(words_filter(q), tree_path__startswith=home.path)
    if home.kind == "main":  # the component portals are searched on their own portals
        cong = PortalIndexPage.objects.child_of(home).first()
        if cong is not None:
            entries = entries.exclude(tree_path__startswith=cong.path)
    ids = list(entries.values_list("page_id", flat=True)[:LIMIT])
    context["pages"] = list(Page.objects.filter(pk__in=ids).live().specific())
    document_page = DocumentListPage.objects.child_of(home).live().first()
    context["document_page"] = document_page
    context["documents"] = (
        list(
            sections.public_documents(sections.portal_organisation(home))
            .filter(words_filter(q))
            .order_by("-issued_on", "-pk")[:LIMIT]
        )
        if document_page
        else []
    )
    procedure_page = ProcedureListPage.objects.child_of(home).live().first()
    context["procedure_page"] = procedure_page
    if procedure_page is not None:
        from chinhquyen.catalog.selectors import procedure_search

        context["procedures"] = list(
            procedure_search(q=q, organisation=sections.portal_organisation(home))[:LIMIT]
        )
    return context
