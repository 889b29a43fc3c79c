"""The live content of the portals' sections: read from the other apps at request time,
scoped to the portal's organisation subtree (the main portal: the whole province)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from chinhquyen.core.search import words_filter
from chinhquyen.orgs.models import Organisation, OrganisationKind

if TYPE_CHECKING:
    from chinhquyen.documents.models import OutgoingDocument

    from .models import DocumentListPage, OpenDataPage, PortalHomePage, PortalPage

DOCUMENT_PAGE_SIZE = 20
PROCEDURE_PAGE_SIZE = 20
MAX_QUERY = 200


def portal_organisation(page: PortalPage) -> Organisation | None:
    """The organisation whose subtree the page shows (None: the whole province)."""
    home = page.portal_home()
    if home is None:
        return None
    return home.organisation if home.kind != "main" else None


def _query(request: HttpRequest, name: str = "q") -> str:
    return (request.GET.get(name) or "").strip()[:MAX_QUERY]


# --- home ------------------------------------------------------------------------------------


def home_context(home: PortalHomePage) -> dict[str, Any]:
    from .models import NewsIndexPage, NewsPage, PortalIndexPage

    news = NewsPage.objects.descendant_of(home).live().select_related("category", "image")
    if home.kind == "main":  # the component portals' news stay on their own portals
        cong = PortalIndexPage.objects.child_of(home).first()
        if cong is not None:
            news = news.not_descendant_of(cong)
    news = news.order_by("-date", "-pk")
    index = NewsIndexPage.objects.child_of(home).live().first()
    component_index = PortalIndexPage.objects.child_of(home).live().first()
    return {
        "featured": list(news.filter(featured=True)[:3]),
        "latest": list(news[:6]),
        "news_index": index,
        "component_index": component_index,
        "component_portals": list(component_index.get_children().live().specific())
        if component_index
        else [],
    }


def sitemap_tree(home: PortalHomePage) -> list[dict[str, Any]]:
    """The live pages under ``home`` as nested dicts (the HTML sitemap)."""
    nodes: dict[str, dict[str, Any]] = {home.path: {"page": home, "children": []}}
    for page in home.get_descendants().live().public().order_by("path").specific():
        if page.depth > home.depth + 3:
            continue
        node = {"page": page, "children": []}
        parent = nodes.get(page.path[: -page.steplen])
        if parent is not None:
            parent["children"].append(node)
            nodes[page.path] = node
    return nodes[home.path]["children"]


# --- documents -------------------------------------------------------------------------------


def public_documents(organisation: Organisation | None) -> QuerySet[OutgoingDocument]:
    """Issued documents marked public by the issuing unit, signed or sent, never secret."""
    from chinhquyen.documents.models import OutgoingDocument, Secrecy
    from chinhquyen.documents.outgoing import PORTAL_STATUSES

    qs = OutgoingDocument.objects.filter(
        portal_public=True, status__in=PORTAL_STATUSES, secrecy=Secrecy.NORMAL
    ).select_related("organisation", "document_type")
    if organisation is not None:
        qs = qs.filter(organisation__path__startswith=organisation.path)
    return qs


def _parse_cursor(text: str) -> tuple[dt.date, int] | None:
    day, _, pk = text.partition("_")
    try:
        return dt.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def document_list(page: DocumentListPage, request: HttpRequest) -> dict[str, Any]:
    """Search and filters (words, type, year, issuer); keyset pages of ``DOCUMENT_PAGE_SIZE``
    ordered by issue date then id, newest first (``?sau=<date>_<id>``)."""
    from chinhquyen.documents.models import DocumentType

    organisation = portal_organisation(page)
    qs = public_documents(organisation)
    if page.legal_only:
        qs = qs.filter(is_legal_normative=True)
    q = _query(request)
    errors: list[str] = []
    if q:
        qs = qs.filter(words_filter(q))
    type_id = request.GET.get("loai") or ""
    if type_id.isdigit():
        qs = qs.filter(document_type_id=int(type_id))
    year = request.GET.get("nam") or ""
    if year:
        if year.isdigit() and 1900 < int(year) < 2200:
            qs = qs.filter(issued_on__year=int(year))
        else:
            errors.append("Năm ban hành không hợp lệ.")
    issuer = request.GET.get("co-quan") or ""
    if issuer.isdigit():
        qs = qs.filter(organisation_id=int(issuer))
    after = request.GET.get("sau") or ""
    if after:
        cursor = _parse_cursor(after)
        if cursor is None:
            errors.append("Trang yêu cầu không hợp lệ.")
        else:
            day, pk = cursor
            qs = qs.filter(Q(issued_on__lt=day) | Q(issued_on=day, pk__lt=pk))
    rows = list(qs.order_by("-issued_on", "-pk")[: DOCUMENT_PAGE_SIZE + 1])
    more = len(rows) > DOCUMENT_PAGE_SIZE
    rows = rows[:DOCUMENT_PAGE_SIZE]
    next_cursor = f"{rows[-1].issued_on:%Y-%m-%d}_{rows[-1].pk}" if more and rows else ""
    issuers = Organisation.objects.filter(
        pk__in=public_documents(organisation).values("organisation_id")
    ).order_by("path")
    return {
        "documents": rows,
        "next_cursor": next_cursor,
        "q": q,
        "type_id": type_id,
        "year": year,
        "issuer": issuer,
        "filter_errors": errors,
        "document_types": DocumentType.objects.filter(active=True).order_by("order", "name"),
        "issuers": issuers,
    }


def public_document(page: DocumentListPage, pk: int) -> OutgoingDocument:
    document = public_documents(portal_organisation(page)).filter(pk=pk).first()
    if document is None:
        raise Http404("Không tìm thấy văn bản.")
    return document


def document_pdf(document: OutgoingDocument) -> HttpResponse:
    from chinhquyen.documents import files

    if not document.pdf_file:
        raise Http404("Văn bản chưa có bản PDF.")
    name = (document.number_notation or f"van-ban-{document.pk}").replace("/", "-")
    response = HttpResponse(files.read_field(document.pdf_file), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.pdf") or ""
    return response


# --- procedures ------------------------------------------------------------------------------


def procedure_list(page: PortalPage, request: HttpRequest) -> dict[str, Any]:
    from chinhquyen.catalog.selectors import field_list, procedure_search

    organisation = portal_organisation(page)
    q = _query(request)
    field_code = request.GET.get("linh-vuc") or ""
    online = request.GET.get("truc-tuyen") == "1"
    qs = procedure_search(q=q, field=field_code or None, organisation=organisation)
    if online:
        qs = qs.filter(online_level__gte=3)
    paginator = Paginator(qs, PROCEDURE_PAGE_SIZE)
    return {
        "page_obj": paginator.get_page(request.GET.get("trang")),
        "q": q,
        "field_code": field_code,
        "online": online,
        "fields": field_list(),
    }


def procedure(code: str) -> Any:
    from chinhquyen.catalog.selectors import procedure_detail

    version = procedure_detail(code)
    if version is None:
        raise Http404("Không tìm thấy thủ tục.")
    return version


# --- organisation, calendar, statistics ------------------------------------------------------


@dataclass
class Leader:
    name: str
    title: str
    unit: str
    phone: str
    email: str


def organisation(page: PortalPage) -> dict[str, Any]:
    from chinhquyen.accounts.models import Position, Role

    org = portal_organisation(page)
    if org is None:
        org = Organisation.objects.filter(parent__isnull=True).order_by("path").first()
    if org is None:
        return {"organisation": None, "units": [], "leaders": []}
    units = list(
        Organisation.objects.active()
        .filter(path__startswith=org.path, depth__lte=org.depth + 2)
        .exclude(pk=org.pk)
        .exclude(kind=OrganisationKind.ONE_STOP_DESK)
        .order_by("path")
    )
    if org.kind == OrganisationKind.PROVINCIAL_COMMITTEE:  # the departments only, not communes
        units = [u for u in units if u.kind != OrganisationKind.COMMUNE_COMMITTEE]
    positions = (
        Position.objects.active()
        .filter(role=Role.LEADER, unit=org, user__is_active=True)
        .select_related("user", "unit")
        .order_by("pk")
    )
    leaders = [
        Leader(
            name=p.user.full_name or p.user.get_username(),
            title=p.title or "Lãnh đạo",
            unit=p.unit.name,
            phone=p.user.phone,
            email=p.user.email,
        )
        for p in positions
    ]
    return {"organisation": org, "units": units, "leaders": leaders}


def calendar(page: PortalPage, request: HttpRequest) -> dict[str, Any]:
    from chinhquyen.tasks import calendar as work_calendar

    org = portal_organisation(page)
    if org is None:
        org = Organisation.objects.filter(parent__isnull=True).order_by("path").first()
    monday = work_calendar.week_start(timezone.localdate())
    events = list(work_calendar.published_week(org, monday).order_by("start")) if org else []
    return {"calendar_org": org, "events": events, "monday": monday}


@dataclass
class Figures:
    organisation: str
    received: int = 0
    finished: int = 0
    on_time: int = 0
    early: int = 0
    late: int = 0
    rows: list[Any] = field(default_factory=list)

    @property
    def on_time_rate(self) -> str:
        if not self.finished:
            return "—"
        return f"{100 * (self.on_time + self.early) / self.finished:.1f}%".replace(".", ",")


def statistics(page: PortalPage) -> dict[str, Any]:
    from chinhquyen.stats import selectors as stats

    org = portal_organisation(page)
    months = stats.published_months()[:1]
    rows = stats.public_figures(months)
    if org is not None:
        rows = [r for r in rows if r.organisation.path.startswith(org.path)]
    total = Figures(organisation=org.name if org else "Toàn tỉnh", rows=rows)
    for row in rows:
        for name in ("received", "finished", "on_time", "early", "late"):
            setattr(total, name, getattr(total, name) + getattr(row.numbers, name))
    return {"figures": total, "month": months[0] if months else None}


# --- open data -------------------------------------------------------------------------------


def open_data_catalogue(page: OpenDataPage, request: HttpRequest) -> HttpResponse:
    """The data catalogue as JSON (DCAT-style fields)."""
    datasets = []
    for d in page.datasets.select_related("csv_file", "json_file").all():
        distributions = [
            {"format": fmt, "downloadURL": request.build_absolute_uri(doc.url)}
            for fmt, doc in (("CSV", d.csv_file), ("JSON", d.json_file))
            if doc is not None
        ]
        datasets.append(
            {
                "title": d.title,
                "description": d.description,
                "publisher": d.publisher,
                "license": d.licence,
                "modified": d.updated_on.isoformat(),
                "distribution": distributions,
            }
        )
    body = {"title": page.title, "dataset": datasets}
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
