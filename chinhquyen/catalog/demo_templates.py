"""Blank form templates (mẫu đơn, tờ khai) for the demo catalogue's application forms.

The demo's procedures name their forms ("Tờ khai đăng ký khai sinh (theo mẫu)") but a demo has
no official template files to ship, so each form paper gets a Word (.docx) template built here:
the national motto, the addressee, the applicant's identification fields, the request and the
signature block — the common shape of the forms annexed to the procedures' circulars. Each
template says on its first line that it is an illustration for the demo; a province uploads the
official templates in the catalogue (or imports them with the procedures).

The .docx is written directly (WordprocessingML parts in a zip): fast enough for ``load_demo``
and checked like any uploaded template (``validate_paper_template``).
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile

from .models import ProcedureVersion, RequiredPaper
from .validators import validate_paper_template

#: Papers whose name starts with one of these are forms the applicant fills in.
FORM_PREFIXES = ("Tờ khai", "Đơn")
DEMO_NOTICE = "Mẫu minh họa của bản trình diễn — dùng mẫu chính thức do cơ quan ban hành."

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def form_title(paper_name: str) -> str:
    """ "Tờ khai đăng ký khai sinh (theo mẫu)" → "TỜ KHAI ĐĂNG KÝ KHAI SINH"."""
    title = re.sub(r"\s*\((theo mẫu|Mẫu số [^)]*)\)\s*$", "", paper_name.strip())
    title = re.split(r",\s*nêu rõ", title)[0]
    return title.upper()


def _paragraph(text: str, *, bold: bool = False, centre: bool = False, size: int = 26) -> str:
    props = '<w:jc w:val="center"/>' if centre else ""
    run = f'<w:sz w:val="{size}"/>' + ("<w:b/>" if bold else "")
    return (
        f"<w:p><w:pPr>{props}</w:pPr><w:r><w:rPr>"
        '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>'
        f'{run}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
    )


def form_lines(paper_name: str, procedure_name: str, addressee: str) -> list[tuple[str, dict]]:
    """The template's lines with their formatting (also what a test reads back)."""
    dots = "." * 60
    return [
        (DEMO_NOTICE, {"size": 20}),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {"bold": True, "centre": True}),
        ("Độc lập - Tự do - Hạnh phúc", {"bold": True, "centre": True}),
        ("", {}),
        (form_title(paper_name), {"bold": True, "centre": True, "size": 28}),
        (f"({procedure_name})", {"centre": True}),
        (f"Kính gửi: {addressee}", {"centre": True}),
        ("", {}),
        (f"Họ, chữ đệm, tên người yêu cầu: {dots}", {}),
        (f"Ngày, tháng, năm sinh: {dots}", {}),
        (f"Số định danh cá nhân (CCCD): {dots}", {}),
        (f"Nơi cư trú: {dots}", {}),
        (f"Số điện thoại: {dots}   Thư điện tử: {dots}", {}),
        (f"Nội dung đề nghị: {dots}", {}),
        (dots * 2, {}),
        (
            "Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước "
            "pháp luật về cam đoan của mình.",
            {},
        ),
        ("", {}),
        ("………, ngày …… tháng …… năm ……", {"centre": True}),
        ("NGƯỜI YÊU CẦU", {"bold": True, "centre": True}),
        ("(Ký, ghi rõ họ, chữ đệm, tên)", {"centre": True}),
    ]


def form_docx(paper_name: str, procedure_name: str, addressee: str) -> bytes:
    body = "".join(
        _paragraph(text, **fmt) for text, fmt in form_lines(paper_name, procedure_name, addressee)
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{_W}"><w:body>{body}'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701" '
        'w:header="0" w:footer="0" w:gutter="0"/></w:sectPr></w:body></w:document>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def _slug(text: str) -> str:
    from django.utils.text import slugify

    from chinhquyen.core.text import normalize_search

    return slugify(normalize_search(text))[:60] or "mau"


def addressee_of(version: ProcedureVersion) -> str:
    if version.competent_all_communes:
        return "Ủy ban nhân dân xã, phường ……"
    competent = version.competent_organisations.first()
    return str(competent) if competent else (version.competent_description or "……")


def attach_demo_templates(version: ProcedureVersion) -> int:
    """Give each form paper of ``version`` that has no template a demo template; returns how
    many were attached (none on a second run)."""
    addressee = addressee_of(version)
    attached = 0
    for paper in RequiredPaper.objects.filter(version=version, template=""):
        if not paper.name.startswith(FORM_PREFIXES):
            continue
        data = form_docx(paper.name, version.name, addressee)
        filename = f"{_slug(form_title(paper.name))}.docx"
        upload = ContentFile(data, name=filename)
        validate_paper_template(upload)  # checked like a template an official uploads
        paper.template.save(filename, upload, save=False)
        paper.template_name = filename
        paper.save(update_fields=["template", "template_name"])
        attached += 1
    return attached
