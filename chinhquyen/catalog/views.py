"""Public catalogue pages (search, procedure detail, blank form downloads) and the Excel
import/export pages for catalogue managers."""

from __future__ import annotations

import re
import unicodedata

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from . import selectors
from .excel import ImportFailed, export_catalog, import_catalog
from .forms import CatalogImportForm, ProcedureSearchForm
from .forms_schema import SchemaForm
from .permissions import can_manage_catalog
from .validators import PAPER_TEMPLATE_TYPES, XLSX_MIME

PAGE_SIZE = 20


@require_GET
def procedure_list(request: HttpRequest) -> HttpResponse:
    form = ProcedureSearchForm(request.GET or None)
    page = None
    if not form.is_bound or form.is_valid():
        filters = form.filters() if form.is_bound else {}
        results = selectors.procedure_search(**filters)
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("trang"))
    searched = form.is_bound and form.is_valid() and any(form.cleaned_data.values())
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "catalog/procedure_list.html",
        {
            "form": form,
            "page": page,
            "searched": searched,
            "query_string": query.urlencode(),
            "can_manage": can_manage_catalog(request.user),
        },
    )


@require_GET
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    version = selectors.procedure_detail(code)
    if version is None:
        raise Http404("Không có thủ tục này hoặc thủ tục không còn áp dụng.")
    steps = list(version.steps.all())
    return render(
        request,
        "catalog/procedure_detail.html",
        {
            "version": version,
            "procedure": version.procedure,
            "fees": list(version.fees.all()),
            "papers": list(version.papers.all()),
            "steps": steps,
            "steps_total": sum((s.allotted_hours for s in steps), start=0),
            "competent": list(version.competent_organisations.all()),
            "form_preview": SchemaForm(version.form_schema, prefix="xem-truoc")
            if version.form_schema
            else None,
        },
    )


def _download_name(name: str, fallback: str) -> str:
    """A safe file name: no path separators, quotes or control characters."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r'[\x00-\x1f\x7f"<>:|?*;]', "", name)
    # no bidirectional overrides (U+202E shows "gpj.exe" as "exe.jpg") or invisible characters
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    name = name.strip(" .")
    return name[:150] or fallback


@require_GET
def paper_template(request: HttpRequest, code: str, paper_id: int) -> FileResponse:
    paper = selectors.paper_for_download(user=request.user, code=code, paper_id=paper_id)
    if paper is None:
        raise Http404("Không có mẫu đơn, tờ khai này.")
    ext = paper.template.name.rsplit(".", 1)[-1].lower()
    mime = PAPER_TEMPLATE_TYPES.get(ext, ("application/octet-stream", ()))[0]
    try:
        handle = paper.template.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Tệp mẫu không còn trên hệ thống.") from exc
    filename = _download_name(paper.template_name, f"mau-{paper.pk}.{ext}")
    if not filename.lower().endswith(f".{ext}"):
        filename = f"{filename}.{ext}"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=mime)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _require_manager(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_manage_catalog(request.user):
        raise PermissionDenied("Chỉ quản trị hệ thống cấp tỉnh được quản lý danh mục thủ tục.")
    return None


@require_http_methods(["GET", "POST"])
def catalog_import(request: HttpRequest) -> HttpResponse:
    denied = _require_manager(request)
    if denied:
        return denied
    result = None
    import_errors: list[str] = []
    if request.method == "POST":
        form = CatalogImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = import_catalog(
                    form.cleaned_data["file"],
                    actor=request.user,
                    publish=form.cleaned_data["publish"],
                    valid_from=form.cleaned_data["valid_from"],
                )
            except ImportFailed as exc:
                import_errors = exc.errors
            except ValidationError as exc:
                form.add_error("file", exc.messages)
    else:
        form = CatalogImportForm()
    status = 400 if request.method == "POST" and (import_errors or form.errors) else 200
    return render(
        request,
        "catalog/import.html",
        {"form": form, "result": result, "import_errors": import_errors},
        status=status,
    )


@require_GET
def catalog_export(request: HttpRequest) -> HttpResponse:
    denied = _require_manager(request)
    if denied:
        return denied
    content = export_catalog()
    response = HttpResponse(content, content_type=XLSX_MIME)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="danh-muc-thu-tuc-{stamp}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
