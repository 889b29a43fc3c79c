"""The demo portals: the province's main portal and three component portals (Sở Tư pháp, Sở
Xây dựng, UBND phường Hoa Lư) with news, announcements, plans and budget reports, open data,
questions and answers, functions and office hours; issued demo documents made public.
Idempotent (``make run`` loads the demo on every start)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from wagtail.documents.models import Document

from chinhquyen.orgs.models import Organisation

from . import cache, sites
from .models import (
    ContactPage,
    Dataset,
    FeedbackPage,
    NewsCategory,
    NewsIndexPage,
    NewsPage,
    OpenDataPage,
    OrganisationPage,
    PlanReport,
    PlanReportPage,
    PortalHomePage,
    Question,
)

COMPONENTS = ("dept_justice", "dept_construction", "commune")
CATEGORIES = (
    ("chi-dao-dieu-hanh", "Chỉ đạo, điều hành"),
    ("kinh-te-xa-hoi", "Kinh tế - xã hội"),
    ("cai-cach-hanh-chinh", "Cải cách hành chính"),
)
OFFICE_HOURS = (
    "Sáng: từ 7 giờ 30 đến 11 giờ 30; chiều: từ 13 giờ 30 đến 17 giờ, từ thứ Hai đến thứ Sáu.\n"
    "Sáng thứ Bảy tiếp nhận hồ sơ tại Bộ phận Một cửa."
)


def _news_for(name: str) -> list[dict[str, Any]]:
    return [
        {
            "title": f"{name} triển khai nhiệm vụ cải cách hành chính năm 2026",
            "slug": "trien-khai-cai-cach-hanh-chinh-2026",
            "category": "cai-cach-hanh-chinh",
            "featured": True,
            "kind": "news",
            "summary": (
                f"{name} tổ chức hội nghị triển khai kế hoạch cải cách hành chính, đẩy mạnh "
                "giải quyết thủ tục hành chính trên môi trường điện tử và số hóa hồ sơ."
            ),
            "body": (
                "<p>Hội nghị đã quán triệt các chỉ tiêu: 100% hồ sơ được tiếp nhận, giải quyết "
                "qua Hệ thống thông tin giải quyết thủ tục hành chính; tỷ lệ hồ sơ trực tuyến "
                "toàn trình đạt trên 60%; không để hồ sơ trễ hạn không có văn bản xin lỗi.</p>"
                "<h2>Nhiệm vụ trọng tâm</h2><ul><li>Rà soát, đơn giản hóa thủ tục hành chính."
                "</li><li>Số hóa kết quả giải quyết thủ tục hành chính còn hiệu lực.</li>"
                "<li>Nâng cao chỉ số hài lòng của người dân, doanh nghiệp.</li></ul>"
            ),
        },
        {
            "title": f"Thông báo lịch tiếp công dân định kỳ tháng 12 của {name}",
            "slug": "lich-tiep-cong-dan-thang-12",
            "category": "chi-dao-dieu-hanh",
            "featured": False,
            "kind": "announcement",
            "summary": (
                "Lãnh đạo tiếp công dân định kỳ vào ngày 15 hằng tháng tại trụ sở; công dân "
                "mang theo căn cước và giấy tờ liên quan đến nội dung khiếu nại, kiến nghị."
            ),
            "body": (
                "<p>Thời gian: từ 8 giờ ngày 15/12/2026. Địa điểm: Phòng tiếp công dân tại "
                "trụ sở cơ quan. Trường hợp ngày 15 trùng ngày nghỉ, lịch tiếp chuyển sang "
                "ngày làm việc kế tiếp.</p>"
            ),
        },
        {
            "title": f"{name} sơ kết tình hình kinh tế - xã hội 11 tháng năm 2026",
            "slug": "so-ket-kinh-te-xa-hoi-11-thang",
            "category": "kinh-te-xa-hoi",
            "featured": False,
            "kind": "news",
            "summary": (
                "Các chỉ tiêu chủ yếu đạt và vượt kế hoạch; thu ngân sách đạt 92% dự toán, "
                "giải ngân vốn đầu tư công đạt 78% kế hoạch được giao."
            ),
            "body": (
                "<p>Trong 11 tháng, công tác chỉ đạo, điều hành được triển khai quyết liệt. "
                "Tháng 12 tập trung hoàn thành các chỉ tiêu năm, chuẩn bị tổ chức Tết Nguyên "
                "đán an toàn, tiết kiệm.</p>"
            ),
        },
    ]


QUESTIONS = (
    (
        "Tôi có thể nộp hồ sơ trực tuyến ở đâu?",
        "Vào mục Thủ tục hành chính, chọn thủ tục có biểu tượng Nộp trực tuyến, đăng nhập bằng "
        "tài khoản VNeID hoặc tài khoản của cổng và làm theo hướng dẫn.",
    ),
    (
        "Làm thế nào để tra cứu tình trạng hồ sơ?",
        "Dùng chức năng Tra cứu hồ sơ, nhập mã hồ sơ và mã tra cứu in trên giấy tiếp nhận.",
    ),
    (
        "Tôi muốn phản ánh về thái độ phục vụ của cán bộ thì gửi ở đâu?",
        "Gửi phản ánh, kiến nghị trực tuyến tại mục Hỏi đáp, phản ánh; cơ quan có thẩm quyền "
        "trả lời trong thời hạn quy định và công khai kết quả trên cổng.",
    ),
)


def _document(title: str, filename: str, content: bytes, collection: Any = None) -> Document:
    existing = Document.objects.filter(title=title).first()
    if existing is not None:
        return existing
    document = Document(title=title)
    if collection is not None:
        document.collection = collection
    document.file.save(filename, ContentFile(content), save=False)
    document.save()
    return document


def _csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _pdf(title: str, lines: list[str]) -> bytes:
    from chinhquyen.core.pdf import render_pdf_html

    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return render_pdf_html(f"<html lang='vi'><body><h1>{escape(title)}</h1><ul>{items}</ul>")


def _fill(home: PortalHomePage, name: str, org: Organisation | None) -> None:
    categories = {slug: NewsCategory.objects.get(slug=slug) for slug, _ in CATEGORIES}
    index = NewsIndexPage.objects.child_of(home).get()
    for offset, spec in enumerate(_news_for(name)):
        if index.get_children().filter(slug=spec["slug"]).exists():
            continue
        page = NewsPage(
            title=spec["title"],
            slug=spec["slug"],
            date=timezone.localdate() - dt.timedelta(days=offset * 3),
            kind=spec["kind"],
            category=categories[spec["category"]],
            featured=spec["featured"],
            summary=spec["summary"],
            body=spec["body"],
        )
        index.add_child(instance=page)
        page.save_revision().publish()

    about = OrganisationPage.objects.child_of(home).get()
    if not about.functions:
        about.functions = (
            f"<p>{escape(name)} là cơ quan tham mưu, giúp Ủy ban nhân dân quản lý nhà nước về "
            "lĩnh vực được giao; tổ chức thực hiện các văn bản pháp luật, quy hoạch, kế hoạch "
            "sau khi được phê duyệt.</p><ul><li>Giải quyết thủ tục hành chính thuộc thẩm quyền."
            "</li><li>Kiểm tra, thanh tra việc thực hiện pháp luật.</li><li>Thực hiện công tác "
            "thống kê, báo cáo định kỳ và đột xuất.</li></ul>"
        )
        about.save_revision().publish()

    year = timezone.localdate().year
    plans = PlanReportPage.objects.child_of(home).get()
    if not plans.reports.exists():
        plan = _document(
            f"Kế hoạch cải cách hành chính năm {year} — {name}",
            f"ke-hoach-cchc-{year}-{home.pk}.pdf",
            _pdf(
                f"Kế hoạch cải cách hành chính năm {year}",
                [
                    "Cải cách thể chế: rà soát văn bản quy phạm pháp luật.",
                    "Cải cách thủ tục hành chính: 100% thủ tục công khai trên cổng.",
                    "Chuyển đổi số: số hóa 100% hồ sơ, kết quả giải quyết.",
                ],
            ),
        )
        budget = _document(
            f"Công khai dự toán ngân sách năm {year} — {name}",
            f"du-toan-ngan-sach-{year}-{home.pk}.csv",
            _csv(
                [
                    ["Nội dung", "Dự toán (triệu đồng)"],
                    ["Chi thường xuyên", 18500],
                    ["Chi sự nghiệp", 6200],
                    ["Chi đầu tư phát triển", 12400],
                ]
            ),
        )
        PlanReport.objects.create(
            page=plans, title=plan.title, category="plan", year=year, document=plan
        )
        PlanReport.objects.create(
            page=plans, title=budget.title, category="budget_estimate", year=year, document=budget
        )
        plans.save_revision().publish()

    data = OpenDataPage.objects.child_of(home).get()
    if not data.datasets.exists():
        from chinhquyen.catalog.selectors import procedure_search

        versions = list(procedure_search(organisation=org)[:200]) if org else []
        if not org:
            versions = list(procedure_search()[:200])
        rows = [["Mã thủ tục", "Tên thủ tục", "Mức độ trực tuyến"]] + [
            [v.procedure.code, v.name, v.get_online_level_display()] for v in versions
        ]
        records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
        Dataset.objects.create(
            page=data,
            title=f"Danh mục thủ tục hành chính của {name}",
            description="Mã, tên và mức độ cung cấp trực tuyến của các thủ tục hành chính.",
            publisher=name,
            licence="CC-BY-4.0",
            updated_on=timezone.localdate(),
            csv_file=_document(
                f"Danh mục thủ tục (CSV) — {name}", f"thu-tuc-{home.pk}.csv", _csv(rows)
            ),
            json_file=_document(
                f"Danh mục thủ tục (JSON) — {name}",
                f"thu-tuc-{home.pk}.json",
                json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8"),
            ),
        )
        data.save_revision().publish()

    faq = FeedbackPage.objects.child_of(home).get()
    if not faq.questions.exists():
        for question, answer in QUESTIONS:
            Question.objects.create(page=faq, question=question, answer=answer)
        faq.save_revision().publish()

    contact = ContactPage.objects.child_of(home).get()
    if not contact.office_hours:
        contact.office_hours = OFFICE_HOURS
        contact.save_revision().publish()


@transaction.atomic
def load_demo_portals(context: dict[str, Any] | None = None) -> dict[str, Any]:
    from chinhquyen.documents.models import OutgoingDocument, Secrecy
    from chinhquyen.documents.outgoing import PORTAL_STATUSES

    orgs = (context or {}).get("orgs") or {}
    for slug, name in CATEGORIES:
        NewsCategory.objects.get_or_create(slug=slug, defaults={"name": name})
    main = sites.ensure_main_portal(orgs.get("province"))
    _fill(main, main.organisation.name if main.organisation else "UBND tỉnh", None)
    homes = [main]
    for key in COMPONENTS:
        org = orgs.get(key)
        if org is None:
            continue
        home = sites.ensure_component_portal(org)
        _fill(home, org.name, org)
        homes.append(home)
    # the demo's issued documents are published on the portals by their issuing units
    OutgoingDocument.objects.filter(
        status__in=PORTAL_STATUSES, secrecy=Secrecy.NORMAL, portal_public=False
    ).update(portal_public=True, portal_public_at=timezone.now())
    cache.invalidate()
    return {"portals": [h.url for h in homes]}
