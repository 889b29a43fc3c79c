"""The one-stop shop's forms rendered from dossiers made through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chinhquyen.core.models import DocumentTemplate
from chinhquyen.core.pdf import pdf_page_count, pdf_text
from chinhquyen.dossiers import pdf, selectors, services
from chinhquyen.dossiers.models import Dossier

from . import scenarios
from .factories import World, at, receive, reload


def words(data: bytes) -> str:
    """The PDF's text with whitespace collapsed (table cells and wrapped lines join)."""
    return " ".join(pdf_text(data).split())


@pytest.mark.django_db
def test_receipt_has_the_legal_content_and_the_pin(world: World, settings) -> None:
    settings.SITE_URL = "https://dichvucong.example.vn/"
    intake = receive(world)
    d = reload(intake.dossier)
    data = pdf.receipt_pdf(d, pin=intake.pin)
    text = words(data)
    assert data.startswith(b"%PDF")
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert d.code in text
    assert "Nguyễn Văn An" in text
    assert "0912345678" in text
    assert "Cấp phiếu lý lịch tư pháp" in text
    # the appointment in legal time, "hh giờ mm phút, ngày dd/mm/yyyy"
    appointment = pdf.appointment_text(d.appointment_at)
    assert appointment.endswith(f"ngày {timezone.localtime(d.appointment_at):%d/%m/%Y}")
    assert f"hẹn trả kết quả giải quyết hồ sơ: {appointment}" in text
    assert "Thời gian tiếp nhận: 09 giờ 00 phút, ngày 02/03/2026" in text
    assert "Thử Nghiệm, ngày 02 tháng 3 năm 2026" in text
    assert "Tờ khai" in text and "Số lượng hồ sơ: 1 (bộ)" in text
    assert "200.000 đồng" in text
    assert "Sổ theo dõi hồ sơ năm 2026, Quyển số: 2026, Số thứ tự: 1" in text
    assert "Trung tâm Phục vụ hành chính công tỉnh" in text
    assert intake.pin and f"Mã PIN tra cứu: {intake.pin}" in text
    assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    url = f"https://dichvucong.example.vn/ho-so/tra-cuu/?ma={d.code}"
    assert url in text


@pytest.mark.django_db
def test_receipt_table_counts_originals_certified_copies_and_photocopies(world: World) -> None:
    version = world.versions["province"]
    form, copy = version.papers.order_by("pk")
    intake = services.dossier_receive_at_counter(
        actor=world.users["desk_centre"],
        procedure=version,
        applicant_details={"name": "Đỗ Thị Hằng", "address": "Xã B", "phone": "0911222333"},
        papers=[
            services.PaperCount(paper_id=form.pk, original=2, certified_copy=1, photocopy=3),
            services.PaperCount(paper_id=copy.pk, certified_copy=4),
        ],
        set_count=2,
        fee_total=0,
        at=at(0),
    )
    text = words(pdf.receipt_pdf(reload(intake.dossier)))
    assert "Đỗ Thị Hằng" in text
    assert "2 1 3" in text  # Tờ khai: 2 originals, 1 certified copy, 3 photocopies
    assert "0 4 0" in text  # Bản sao giấy tờ tùy thân: 4 certified copies
    assert "Số lượng hồ sơ: 2 (bộ)" in text
    assert "Phí, lệ phí: Không thu phí, lệ phí" in text
    assert "Mã PIN" not in text  # printed only when given


@pytest.mark.django_db
def test_receipt_qr_code_carries_the_lookup_url(world: World, settings) -> None:
    settings.SITE_URL = "https://dichvucong.example.vn"
    d = reload(receive(world).dossier)
    context = pdf.receipt_context(d)
    url = f"https://dichvucong.example.vn/ho-so/tra-cuu/?ma={d.code}"
    assert context["lookup_url"] == url
    assert context["qr_payload"] == url
    assert context["qr_data_uri"].startswith("data:image/png;base64,")
    assert context["qr_data_uri"] == pdf.qr_data_uri(url)
    assert context["qr_data_uri"] != pdf.qr_data_uri(url + "x")
    # no PIN given: none printed
    assert context["pin"] == ""


@pytest.mark.django_db
def test_receipt_register_line_follows_the_order_of_receipt(world: World) -> None:
    first = receive(world, when=at(0)).dossier
    second = receive(world, when=at(0, 2)).dossier
    assert pdf.register_line(reload(first)) == 1
    assert pdf.register_line(reload(second)) == 2
    assert "Số thứ tự: 2" in words(pdf.receipt_pdf(reload(second)))


@pytest.mark.django_db
def test_supplement_request_lists_missing_papers(world: World) -> None:
    d = scenarios.received(world)
    paper = d.procedure_version.papers.get(name="Bản sao giấy tờ tùy thân")
    pause = services.dossier_request_supplement(
        actor=world.users["desk_centre"],
        dossier=d,
        reason="Thiếu bản sao giấy tờ tùy thân.",
        requested_papers=[{"paper_id": paper.pk, "note": "Bản sao chứng thực"}],
    )
    text = words(pdf.supplement_request_pdf(reload(d), pause))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert d.code in text
    assert "Bản sao giấy tờ tùy thân" in text and "Ghi chú Bản sao chứng thực" in text
    assert "Lý do: Thiếu bản sao giấy tờ tùy thân." in text
    # still at the desk: the desk issues it and is the contact
    assert "liên hệ: Trung tâm Phục vụ hành chính công tỉnh" in text


@pytest.mark.django_db
def test_refusal_and_stop_notice_carry_the_reason(world: World) -> None:
    refused = reload(scenarios.refused(world))
    text = words(pdf.refusal_pdf(refused))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert refused.code in text and "Sai thủ tục." in text

    stopped = reload(scenarios.stopped(world))
    text = words(pdf.stop_notice_pdf(stopped))
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert stopped.code in text and "Lý do: Không đủ điều kiện." in text
    assert "SỞ TƯ PHÁP" in text  # issued by the competent organisation


@pytest.mark.django_db
def test_apology_has_both_appointments_and_the_reason(world: World) -> None:
    d = scenarios.awaiting_approval(world)
    new = max(d.due_at, timezone.now()) + dt.timedelta(days=7)
    d = services.dossier_apologise(
        actor=world.users["leader"],
        dossier=d,
        reason="Chờ kết quả xác minh của Công an tỉnh.",
        new_appointment_at=new,
    )
    d = reload(d)
    text = words(pdf.apology_pdf(d, signer_title="GIÁM ĐỐC", signer_name="Trần Văn Bình"))
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert pdf.appointment_text(d.appointment_at) in text
    assert pdf.appointment_text(new) in text
    assert "Lý do: Chờ kết quả xác minh của Công an tỉnh." in text
    assert "xin lỗi Ông/Bà/Tổ chức" in text
    assert "GIÁM ĐỐC" in text and "Trần Văn Bình" in text


@pytest.mark.django_db
def test_control_sheet_rows_are_classified(world: World) -> None:
    d = receive(world, when=at(0)).dossier
    # the desk hands over within its 2 working hours; the specialist takes 20 days for 5
    d = services.dossier_transfer(actor=world.users["desk_centre"], dossier=d, at=at(0, 1))
    d = services.dossier_assign(
        actor=world.users["head"], dossier=d, assignee=world.users["spec"], at=at(0, 2)
    )
    d = services.dossier_step_complete(actor=world.users["spec"], dossier=d, at=at(20))
    d = Dossier.objects.get(pk=d.pk)
    rows = pdf.control_sheet_rows(d, now=at(20, 1))
    assert [r["name"] for r in rows[:2]] == ["Tiếp nhận", "Chuyên viên thẩm định"]
    assert rows[0]["result"] in ("Trước hạn", "Đúng hạn")
    assert rows[1]["result"] == "Quá hạn"
    assert rows[1]["from_unit"] == "Trung tâm Phục vụ hành chính công tỉnh"
    assert rows[1]["to_unit"] == "Phòng Hành chính tư pháp"
    assert rows[1]["received_text"] == "10:00 02/03/2026"
    assert rows[2]["result"].startswith("Đang xử lý")
    text = words(pdf.control_sheet_pdf(d, now=at(20, 1)))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert d.code in text
    assert "Quá hạn" in text
    assert rows[0]["result"] in text
    assert "10:00 02/03/2026" in text
    assert "09:00 22/03/2026" in text  # the specialist's hand-over time


@pytest.mark.django_db
def test_tracking_register_is_landscape_with_one_line_per_dossier(world: World) -> None:
    first = receive(world, when=at(0)).dossier
    second = receive(world, when=at(1)).dossier
    rows = selectors.tracking_register(
        world.users["desk_centre"], date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31)
    )
    assert len(rows) == 2
    data = pdf.tracking_register_pdf(
        rows,
        organisation=world.orgs["centre"],
        date_from=dt.date(2026, 3, 1),
        date_to=dt.date(2026, 3, 31),
    )
    text = words(data)
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert first.code in text and second.code in text
    assert "từ ngày 01/03/2026 đến ngày 31/03/2026" in text
    assert "Tổng số: 2 hồ sơ." in text
    import io

    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(data)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    assert pdf_page_count(data) >= 1


@pytest.mark.django_db
def test_database_template_overrides_the_file_template(world: World) -> None:
    d = reload(scenarios.refused(world))
    DocumentTemplate.objects.create(
        key="dossiers.refusal",
        name="Phiếu từ chối (mẫu tỉnh)",
        body=(
            '{% extends "pdf/base.html" %}{% block content %}'
            "<p>MẪU RIÊNG CỦA TỈNH: hồ sơ {{ dossier.code }} — lý do {{ reason }}</p>"
            "{% endblock %}"
        ),
        css="p { color: #c00; }",
    )
    text = words(pdf.refusal_pdf(d))
    assert f"MẪU RIÊNG CỦA TỈNH: hồ sơ {d.code} — lý do Sai thủ tục." in text
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN" not in text

    # switched off: back to the file template
    DocumentTemplate.objects.filter(key="dossiers.refusal").update(is_active=False)
    text = words(pdf.refusal_pdf(d))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "MẪU RIÊNG" not in text


@pytest.mark.django_db
def test_broken_override_falls_back_to_the_file_template(world: World) -> None:
    d = reload(scenarios.refused(world))
    DocumentTemplate.objects.create(
        key="dossiers.refusal",
        name="Hỏng",
        body='{% extends "pdf/khong-ton-tai.html" %}',
    )
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in words(pdf.refusal_pdf(d))


@pytest.mark.django_db
def test_template_with_a_syntax_error_is_refused_in_vietnamese() -> None:
    from django.core.exceptions import ValidationError

    row = DocumentTemplate(key="dossiers.receipt", name="Lỗi", body="{% if %}")
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert "lỗi cú pháp" in str(error.value)
    bad_key = DocumentTemplate(key="Dossiers Receipt", name="x", body="x")
    with pytest.raises(ValidationError) as error:
        bad_key.full_clean()
    assert "Mã mẫu" in str(error.value)


# --- issue #10 item 3: form defects ---------------------------------------------------------


@pytest.mark.django_db
def test_every_form_prints_its_form_number(world: World) -> None:
    received = reload(receive(world).dossier)
    supplement = scenarios.supplement_requested(world)
    apologised = scenarios.processing(world)
    services.dossier_apologise(
        actor=world.users["head"],
        dossier=apologised,
        reason="Chờ xác minh.",
        new_appointment_at=scenarios.later(60),
    )
    forms = {
        "Mẫu số 01": pdf.receipt_pdf(received),
        "Mẫu số 02": pdf.supplement_request_pdf(supplement, supplement.pauses.get()),
        "Mẫu số 03": pdf.refusal_pdf(reload(scenarios.refused(world))),
        "Mẫu số 04": pdf.apology_pdf(reload(apologised)),
        "Mẫu số 05": pdf.stop_notice_pdf(reload(scenarios.stopped(world))),
        "Mẫu số 06": pdf.control_sheet_pdf(received),
        "Mẫu số 07": pdf.tracking_register_pdf(
            [], organisation=world.orgs["centre"], date_from=None, date_to=None
        ),
    }
    for number, data in forms.items():
        assert words(data).startswith(number), number


@pytest.mark.django_db
def test_receipt_has_book_number_copy_line_and_fits_on_one_page(world: World) -> None:
    d = reload(receive(world).dossier)
    data = pdf.receipt_pdf(d, pin="123456")
    first_page = " ".join(pdf_text(data).split("\f")[0].split())
    assert "Quyển số: 2026" in first_page
    assert "lập thành 02 bản; 01 bản giao cho người nộp hồ sơ" in first_page
    assert "NGƯỜI NỘP HỒ SƠ" in first_page and "NGƯỜI TIẾP NHẬN HỒ SƠ" in first_page
    assert pdf_page_count(data) == 1


@pytest.mark.django_db
def test_withdrawn_stop_notice_does_not_put_the_applicant_under_the_agency_head(
    world: World,
) -> None:
    d = scenarios.processing(world)
    services.dossier_withdraw(actor=world.users["citizen"], dossier=d, reason="Không cần nữa.")
    text = words(pdf.stop_notice_pdf(reload(d)))
    applicant = reload(d).applicant_name
    after_head = text.split("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", 1)[1]
    assert not after_head.lstrip().startswith(applicant)
    assert "NGƯỜI ĐỀ NGHỊ RÚT HỒ SƠ (Ký và ghi rõ họ tên) " + applicant in text
    # a stop by the agency keeps the unit head's name under the head's title
    stopped = reload(scenarios.stopped(world))
    stop_text = words(pdf.stop_notice_pdf(stopped))
    assert "NGƯỜI ĐỀ NGHỊ RÚT HỒ SƠ" not in stop_text
    head = world.users["head"].full_name
    assert stop_text.split("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", 1)[1].strip().startswith(head)


@pytest.mark.django_db
def test_control_sheet_has_giver_and_receiver_per_hand_over(world: World) -> None:
    d = reload(scenarios.processing(world))
    rows = pdf.control_sheet_rows(d)
    assert rows[1]["giver"] == world.users["desk_centre"].full_name
    assert rows[1]["receiver"] == world.users["spec"].full_name
    text = words(pdf.control_sheet_pdf(d))
    assert "Người giao" in text and "Người nhận" in text and "(ký, ghi rõ họ tên)" in text


@pytest.mark.django_db
def test_commune_forms_print_the_communes_line_and_place(world: World) -> None:
    d = reload(receive(world, version="commune").dossier)
    receipt = words(pdf.receipt_pdf(d))
    assert receipt.startswith("Mẫu số 01 UBND PHƯỜNG A CỘNG HÒA")  # no province line
    assert "UBND TỈNH THỬ NGHIỆM" not in receipt
    assert "A, ngày" in receipt and "Thử Nghiệm, ngày" not in receipt
    refusal = words(pdf.refusal_pdf(d))
    assert "UBND TỈNH THỬ NGHIỆM" not in refusal and "Thử Nghiệm, ngày" not in refusal
