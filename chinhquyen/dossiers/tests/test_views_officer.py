"""Officer pages: inbox scoping and filters, dossier page with only the allowed actions,
actions, bulk transfer, tracking register export."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from chinhquyen.dossiers.models import DossierStatus
from chinhquyen.web.navigation import NAV_ITEMS

from . import scenarios
from .factories import World, pdf, receive, reload

INBOX = "/ho-so/can-bo/"


def test_inbox_scoped_to_unit(client: Client, world: World) -> None:
    centre = receive(world).dossier
    commune = receive(world, version="commune").dossier
    client.force_login(world.users["desk_centre"])
    body = client.get(INBOX).content.decode()
    assert centre.code in body and commune.code not in body
    client.force_login(world.users["desk_commune2"])
    body = client.get(INBOX).content.decode()
    assert centre.code not in body and commune.code not in body
    assert client.get(reverse("dossiers:detail", args=[centre.pk])).status_code == 404


def test_inbox_filters_counts_and_paging(client: Client, world: World) -> None:
    for _ in range(3):
        receive(world)
    client.force_login(world.users["desk_centre"])
    response = client.get(INBOX, {"status": "received"})
    body = response.content.decode()
    assert "Đã tiếp nhận" in body
    assert body.count('name="ids"') == 3
    assert client.get(INBOX, {"status": "returned"}).content.decode().count('name="ids"') == 0
    # keyset pagination
    from chinhquyen.dossiers import views

    old = views.INBOX_PAGE_SIZE
    views.INBOX_PAGE_SIZE = 2
    try:
        first = client.get(INBOX).content.decode()
        assert "Xem tiếp" in first and first.count('name="ids"') == 2
        next_href = first.split('id="xem-tiep" href="?', 1)[1].split('"')[0]
        next_href = next_href.replace("&amp;", "&")
        assert "sau=" in next_href
        second = client.get(INBOX + "?" + next_href).content.decode()
        assert second.count('name="ids"') == 1 and "Xem tiếp" not in second
    finally:
        views.INBOX_PAGE_SIZE = old


@pytest.mark.parametrize(
    "query",
    [
        {"status": "khong-co"},
        {"channel": "abc"},
        {"sau": "!!!"},
        {"deadline": "qua-han"},
        {"deadline": "sap-den-han", "q": "lý lịch"},
    ],
)
def test_inbox_bad_filters_no_500(client: Client, world: World, query: dict) -> None:
    receive(world)
    client.force_login(world.users["desk_centre"])
    assert client.get(INBOX, query).status_code == 200


def test_inbox_needs_official(client: Client, world: World) -> None:
    assert client.get(INBOX).status_code == 302
    client.force_login(world.users["citizen"])
    assert client.get(INBOX).status_code == 403


def test_detail_shows_only_allowed_actions(client: Client, world: World) -> None:
    d = receive(world).dossier
    client.force_login(world.users["desk_centre"])
    body = client.get(reverse("dossiers:detail", args=[d.pk])).content.decode()
    assert reverse("dossiers:action", args=[d.pk, "transfer"]) in body
    assert reverse("dossiers:action", args=[d.pk, "refuse"]) in body
    assert reverse("dossiers:action", args=[d.pk, "approve"]) not in body
    assert "Phiếu kiểm soát quá trình" in body
    # the desk sees the fee and whether it was paid (province procedure: 200,000 đồng)
    assert '<dd class="col-sm-8" id="phi-le-phi">200.000 đồng · Chưa thanh toán</dd>' in body
    # the leader sees it (competent organisation) but may not transfer it
    client.force_login(world.users["leader"])
    body = client.get(reverse("dossiers:detail", args=[d.pk])).content.decode()
    assert reverse("dossiers:action", args=[d.pk, "transfer"]) not in body


def test_action_posts_and_changes_status(client: Client, world: World) -> None:
    d = receive(world).dossier
    client.force_login(world.users["desk_centre"])
    url = reverse("dossiers:action", args=[d.pk, "transfer"])
    response = client.post(url, {"transfer-note": "Chuyển phòng"})
    assert response.status_code == 302
    assert reload(d).status == DossierStatus.TRANSFERRED
    # the same action again is refused with a Vietnamese message, not a 500
    again = client.post(url, {})
    assert again.status_code == 400
    assert "Không thể thực hiện" in again.content.decode()


def test_action_required_reason_and_forbidden(client: Client, world: World) -> None:
    d = receive(world).dossier
    client.force_login(world.users["desk_centre"])
    refuse = reverse("dossiers:action", args=[d.pk, "refuse"])
    response = client.post(refuse, {"refuse-reason": ""})
    assert response.status_code == 400
    assert reload(d).status == DossierStatus.RECEIVED
    client.force_login(world.users["spec"])
    assert client.post(refuse, {"refuse-reason": "x"}).status_code == 404  # not visible yet
    assert client.post(reverse("dossiers:action", args=[d.pk, "nope"])).status_code in (400, 404)


def test_assign_and_attach_result(client: Client, world: World) -> None:
    d = scenarios.transferred(world)
    client.force_login(world.users["head"])
    body = client.get(reverse("dossiers:detail", args=[d.pk])).content.decode()
    assert "Cán bộ được phân công" in body
    url = reverse("dossiers:action", args=[d.pk, "assign"])
    assert client.post(url, {"assign-assignee": "999999"}).status_code == 400
    response = client.post(url, {"assign-assignee": str(world.users["spec"].pk)})
    assert response.status_code == 302
    assert reload(d).current_assignee == world.users["spec"]
    client.force_login(world.users["spec"])
    attach = reverse("dossiers:action", args=[d.pk, "attach_result"])
    response = client.post(
        attach, {"attach_result-name": "Dự thảo", "attach_result-file": pdf("kq.pdf")}
    )
    assert response.status_code == 302
    assert reload(d).results.count() == 1


def test_apologise_bad_date_is_form_error(client: Client, world: World) -> None:
    d = scenarios.processing(world)
    client.force_login(world.users["head"])
    url = reverse("dossiers:action", args=[d.pk, "apologise"])
    response = client.post(
        url, {"apologise-reason": "Chậm", "apologise-new_appointment_at": "2000-01-01T08:00"}
    )
    assert response.status_code == 400
    assert reload(d).apologised_at is None


def test_bulk_transfer(client: Client, world: World) -> None:
    a, b = receive(world).dossier, receive(world).dossier
    client.force_login(world.users["desk_centre"])
    response = client.post(reverse("dossiers:bulk_transfer"), {"ids": [a.pk, b.pk]})
    assert response.status_code == 302
    assert reload(a).status == reload(b).status == DossierStatus.TRANSFERRED
    # empty or foreign selections: a message, nothing changes
    c = receive(world, version="commune").dossier
    assert client.post(reverse("dossiers:bulk_transfer"), {}).status_code == 302
    assert client.post(reverse("dossiers:bulk_transfer"), {"ids": [c.pk]}).status_code == 302
    assert reload(c).status == DossierStatus.RECEIVED


def test_register_export_is_attachment(client: Client, world: World) -> None:
    d = receive(world).dossier
    client.force_login(world.users["desk_centre"])
    url = reverse("dossiers:register_export")
    assert client.get(url).status_code == 200
    response = client.get(url, {"xuat": "excel"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.cell(row=2, column=2).value == d.code
    bad = client.get(url, {"date_from": "2026-03-05", "date_to": "2026-03-01"})
    assert bad.status_code == 400
    client.force_login(world.users["spec"])
    assert client.get(url).status_code == 403


def test_officer_file_downloads(client: Client, world: World) -> None:
    d = scenarios.supplement_requested(world)
    client.force_login(world.users["citizen"])
    client.post(reverse("dossiers:my_supplement", args=[d.pk]), {"tep": [pdf("bs.pdf")]})
    attachment = reload(d).attachments.get()
    client.force_login(world.users["desk_centre"])
    url = reverse("dossiers:attachment_download", args=[d.pk, attachment.pk])
    assert client.get(url)["Content-Disposition"].startswith("attachment")
    client.force_login(world.users["desk_commune2"])
    assert client.get(url).status_code == 404


def test_navigation_entry() -> None:
    item = next(i for i in NAV_ITEMS if i.url_name == "dossiers:inbox")
    assert item.url() == INBOX
    assert item.roles is not None and "desk_officer" in item.roles


def test_counter_intake(client: Client, world: World) -> None:
    url = reverse("dossiers:counter_intake")
    v = world.versions["province"]
    client.force_login(world.users["spec"])
    assert client.get(url).status_code == 403
    client.force_login(world.users["desk_centre"])
    assert client.get(url).status_code == 200
    assert client.get(url, {"thu_tuc": "ZZZ-9999-KHONGCO"}).status_code == 400
    page = client.get(url, {"thu_tuc": v.procedure.code})
    assert page.status_code == 200 and "Tờ khai" in page.content.decode()
    papers = list(v.papers.order_by("order", "pk"))
    data: dict = {
        "thu_tuc": v.procedure.code,
        "idempotency_key": "abc",
        "channel": "1",
        "set_count": "1",
        "receiving": str(world.orgs["centre"].pk),
        "nguoi_nop-name": "Phạm Thị Dung",
        "nguoi_nop-phone": "0912345678",
    }
    for paper in papers:
        data.update({f"gt{paper.pk}-original": "0", f"gt{paper.pk}-certified_copy": "0"})
        data[f"gt{paper.pk}-photocopy"] = "0"
    # the required paper is missing: a Vietnamese error, nothing stored
    missing = client.post(url, data)
    assert missing.status_code == 400
    assert "Hồ sơ chưa đủ thành phần" in missing.content.decode()
    data[f"gt{papers[0].pk}-original"] = "1"
    data[f"gt{papers[0].pk}-scan"] = pdf("to-khai.pdf")
    response = client.post(url, data)
    assert response.status_code == 302
    from chinhquyen.dossiers.models import Dossier

    dossier = Dossier.objects.get()
    assert dossier.applicant_name == "Phạm Thị Dung"
    assert dossier.papers_received[0]["original"] == 1
    assert dossier.attachments.count() == 1
    detail = client.get(response["Location"]).content.decode()
    assert "Mã tra cứu (PIN)" in detail
    assert "Mã tra cứu (PIN)" not in client.get(response["Location"]).content.decode()
    assert "có mã tra cứu" in detail
    receipt = client.get(reverse("dossiers:receipt", args=[dossier.pk]))
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    bad = dict(data, set_count="abc", **{f"gt{papers[0].pk}-original": "-1"})
    bad.pop(f"gt{papers[0].pk}-scan")
    assert client.post(url, bad).status_code == 400


def test_register_pdf_and_receipt(client: Client, world: World) -> None:
    d = receive(world).dossier
    client.force_login(world.users["desk_centre"])
    response = client.get(reverse("dossiers:register_export"), {"xuat": "pdf"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.startswith(b"%PDF")
    page = client.get(reverse("dossiers:detail", args=[d.pk])).content.decode()
    receipt_url = reverse("dossiers:receipt", args=[d.pk])
    assert receipt_url in page
    receipt = client.get(receipt_url)
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    client.force_login(world.users["leader"])
    assert client.get(receipt_url).status_code == 403
