"""Services: clocks, routing, return, merge, publish rules, rating and reopen, photos, OTP."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chinhquyen.core.api import DomainError
from chinhquyen.core.calendar import get_calendar
from chinhquyen.notifications.models import Notification

from .. import services
from ..models import ContactCode, FeedbackEvent, FeedbackItem, FeedbackRating, Status
from ..workflow import TRANSITIONS
from .conftest import FW, local, photo, sent_code

pytestmark = pytest.mark.django_db


def _walk_to_answered(fw: FW, item: FeedbackItem, when: dt.datetime | None = None) -> FeedbackItem:
    when = when or item.received_at + dt.timedelta(hours=1)
    services.feedback_forward(actor=fw.users["coord"], item=item, now=when)
    services.feedback_assign(
        actor=fw.users["env_head"], item=item, assignee=fw.users["env_spec"], now=when
    )
    services.feedback_answer(
        actor=fw.users["env_spec"], item=item, text="Đã thu dọn bãi rác.", now=when
    )
    return services.feedback_approve(
        actor=fw.users["env_head"], item=item, now=when + dt.timedelta(hours=1)
    )


# --- clocks ----------------------------------------------------------------------------------


def test_clocks_are_working_days_from_receipt(fw: FW) -> None:
    received = local(2026, 3, 2, 9)  # Monday
    item, _pin = fw.submit(now=received)
    assert item.status == Status.NEW
    assert item.due_at == local(2026, 3, 4, 9)  # classify: 2 working days
    assert item.forward_due_at == local(2026, 3, 9, 9)  # forward: 5 working days (weekend skipped)
    assert item.answer_due_at == local(2026, 3, 23, 9)  # answer: 15 working days


def test_answer_deadline_skips_tet_holiday(fw: FW) -> None:
    # Thursday 12/2/2026; Tết for public servants is Sat 14/2 - Sun 22/2/2026
    item, _pin = fw.submit(now=local(2026, 2, 12, 9))
    cal = get_calendar()
    assert not cal.is_working_day(dt.date(2026, 2, 16))
    assert item.answer_due_at == local(2026, 3, 12, 9)
    assert item.forward_due_at == local(2026, 2, 26, 9)


def test_clocks_are_data(fw: FW) -> None:
    row = services.clocks()
    row.answer_days = 10  # e.g. Ninh Bình for procedure-related feedback
    row.save()
    item, _pin = fw.submit(now=local(2026, 3, 2, 9))
    assert item.answer_due_at == local(2026, 3, 16, 9)


def test_request_for_information_pauses_every_clock(fw: FW) -> None:
    item, _pin = fw.submit(now=local(2026, 3, 2, 9))
    services.feedback_request_info(
        actor=fw.users["coord"], item=item, request="Cho biết số nhà.", now=local(2026, 3, 3, 9)
    )
    item.refresh_from_db()
    assert item.status == Status.INFO_REQUESTED
    # the sender answers three working days later (Fri 6/3 09:00): every clock moves by 3 days
    services.feedback_supplement(actor=None, item=item, text="Số nhà 12.", now=local(2026, 3, 6, 9))
    item.refresh_from_db()
    assert item.status == Status.NEW
    assert item.paused_at is None
    assert item.forward_due_at == local(2026, 3, 12, 9)
    assert item.answer_due_at == local(2026, 3, 26, 9)
    assert "Số nhà 12." in item.text


def test_forwarding_after_five_working_days_is_recorded_late(fw: FW) -> None:
    item, _pin = fw.submit(now=local(2026, 3, 2, 9))
    services.feedback_forward(actor=fw.users["coord"], item=item, now=local(2026, 3, 10, 9))
    event = FeedbackEvent.objects.get(item=item, action="forward")
    assert "quá hạn" in event.reason
    item2, _ = fw.submit(now=local(2026, 3, 2, 9))
    services.feedback_forward(actor=fw.users["coord"], item=item2, now=local(2026, 3, 9, 9))
    assert "quá hạn" not in FeedbackEvent.objects.get(item=item2, action="forward").reason


# --- routing and return ----------------------------------------------------------------------


def test_routing_rules_suggest_the_competent_unit(fw: FW) -> None:
    item, _ = fw.submit()
    assert services.suggested_unit(item) == fw.orgs["env"]
    item_b, _ = fw.submit(commune=fw.orgs["commune_b"])
    assert services.suggested_unit(item_b) == fw.orgs["commune_b"]  # commune rule is more specific
    item_c, _ = fw.submit(category=fw.other_category, commune=None)
    assert services.suggested_unit(item_c) == fw.orgs["build"]
    forwarded = services.feedback_forward(actor=fw.users["coord"], item=item)
    assert forwarded.unit == fw.orgs["env"]
    assert forwarded.status == Status.FORWARDED


def test_only_the_coordinating_unit_classifies(fw: FW) -> None:
    item, _ = fw.submit()
    with pytest.raises(DomainError):
        services.feedback_forward(actor=fw.users["env_head"], item=item, unit=fw.orgs["env"])


def test_a_unit_that_is_not_competent_returns_it(fw: FW) -> None:
    item, _ = fw.submit()
    services.feedback_forward(actor=fw.users["coord"], item=item, unit=fw.orgs["build"])
    with pytest.raises(DomainError):
        services.feedback_return(actor=fw.users["build_head"], item=item, reason="")
    with pytest.raises(DomainError):  # another unit cannot return it
        services.feedback_return(actor=fw.users["env_head"], item=item, reason="Không phải")
    item = services.feedback_return(
        actor=fw.users["build_head"], item=item, reason="Thuộc lĩnh vực môi trường."
    )
    assert item.status == Status.RETURNED and item.unit is None
    assert list(item.returned_by.all()) == [fw.orgs["build"]]
    # forwarding again to the unit that returned it needs a reason
    with pytest.raises(DomainError):
        services.feedback_forward(actor=fw.users["coord"], item=item, unit=fw.orgs["build"])
    item = services.feedback_forward(actor=fw.users["coord"], item=item)
    assert item.unit == fw.orgs["env"]


def test_reject_with_reason(fw: FW) -> None:
    item, _ = fw.submit()
    with pytest.raises(DomainError):
        services.feedback_reject(actor=fw.users["coord"], item=item, reason=" ")
    item = services.feedback_reject(actor=fw.users["coord"], item=item, reason="Là đơn khiếu nại.")
    assert item.status == Status.REJECTED


# --- merge -------------------------------------------------------------------------------------


def test_merge_duplicates(fw: FW) -> None:
    first, _ = fw.submit()
    dup, _ = fw.submit(actor=fw.users["citizen2"], sender_contact="0987654321")
    merged = services.feedback_merge(actor=fw.users["coord"], duplicate=dup, into=first)
    assert merged.status == Status.MERGED and merged.merged_into == first
    assert FeedbackEvent.objects.filter(item=first, action="merge").exists()
    with pytest.raises(DomainError):
        services.feedback_merge(actor=fw.users["coord"], duplicate=first, into=first)
    with pytest.raises(DomainError):  # closed now
        services.feedback_merge(actor=fw.users["coord"], duplicate=first, into=dup)
    with pytest.raises(DomainError):
        services.feedback_merge(actor=fw.users["env_head"], duplicate=first, into=dup)


# --- answer, approve, publish ----------------------------------------------------------------


def test_answer_needs_the_heads_approval(fw: FW) -> None:
    item, _ = fw.submit()
    services.feedback_forward(actor=fw.users["coord"], item=item)
    services.feedback_answer(actor=fw.users["env_spec"], item=item, text="Dự thảo")
    with pytest.raises(DomainError):
        services.feedback_approve(actor=fw.users["env_spec"], item=item)
    services.feedback_send_back(actor=fw.users["env_head"], item=item, reason="Bổ sung ảnh")
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    services.feedback_answer(
        actor=fw.users["env_spec"], item=item, text="Đã xử lý", files=[photo()]
    )
    item = services.feedback_approve(actor=fw.users["env_head"], item=item)
    assert item.status == Status.ANSWERED
    assert item.publish_due_at is not None
    assert item.answers.get(approved_at__isnull=False).files.count() == 1


def test_publish_needs_consent_confirmation_and_no_identity(fw: FW) -> None:
    item, _ = fw.submit()
    item = _walk_to_answered(fw, item)
    publish = {
        "actor": fw.users["coord"],
        "item": item,
        "public_title": "Rác ven đường",
        "public_text": "Bãi rác ở xã An Bình.",
    }
    with pytest.raises(DomainError):
        services.feedback_publish(**publish, no_identity_confirmed=False)
    with pytest.raises(DomainError):
        services.feedback_publish(
            **{**publish, "public_text": "Ông Nguyễn Văn Bí Mật báo"}, no_identity_confirmed=True
        )
    with pytest.raises(DomainError):
        services.feedback_publish(
            **{**publish, "public_text": "Gọi 0912345678"}, no_identity_confirmed=True
        )
    item = services.feedback_publish(**publish, no_identity_confirmed=True)
    assert item.status == Status.PUBLISHED
    no_consent, _ = fw.submit(consent_publish=False)
    no_consent = _walk_to_answered(fw, no_consent)
    with pytest.raises(DomainError):
        services.feedback_publish(**{**publish, "item": no_consent}, no_identity_confirmed=True)


# --- rating and reopen -----------------------------------------------------------------------


def test_rate_once_per_answer_and_reopen_once(fw: FW) -> None:
    item, _ = fw.submit()
    with pytest.raises(DomainError):
        services.feedback_rate(actor=None, item=item, satisfied=True)
    item = _walk_to_answered(fw, item)
    services.feedback_rate(actor=None, item=item, satisfied=False, comment="Chưa dọn hết")
    with pytest.raises(DomainError):
        services.feedback_rate(actor=None, item=item, satisfied=True)
    item = services.feedback_reopen(actor=None, item=item, reason="Vẫn còn rác")
    assert item.status == Status.IN_PROGRESS and item.reopened
    services.feedback_answer(actor=fw.users["env_spec"], item=item, text="Đã dọn hết.")
    item = services.feedback_approve(actor=fw.users["env_head"], item=item)
    services.feedback_rate(actor=None, item=item, satisfied=True)
    assert FeedbackRating.objects.filter(item=item).count() == 2
    with pytest.raises(DomainError):
        services.feedback_reopen(actor=None, item=item, reason="Lần hai")


# --- the transition table ----------------------------------------------------------------------


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
def test_transition_table_refuses_other_statuses(action: str) -> None:
    from ..workflow import target

    allowed, after = TRANSITIONS[action]
    for status in Status.values:
        if status in allowed:
            assert target(action, status) == after
        else:
            with pytest.raises(DomainError):
                target(action, status)


# --- photos and uploads ------------------------------------------------------------------------


def test_photo_loses_exif_and_gps_and_is_resized(fw: FW) -> None:
    raw = photo()
    with Image.open(io.BytesIO(raw.read())) as original:
        assert original.getexif().get_ifd(0x8825)  # the test photo has GPS
    raw.seek(0)
    item, _ = fw.submit(photos=[raw])
    stored = item.files.get()
    with stored.file.open("rb") as handle, Image.open(handle) as image:
        assert not image.getexif()
        assert "exif" not in image.info
        assert max(image.size) <= services.PHOTO_MAX_SIDE
    assert stored.content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("anh.jpg", b"<html><script>alert(1)</script></html>"),
        ("anh.jpg", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>"),
        ("anh.jpg", b""),
        (
            "anh.png",
            b"\x89PNG\r\n\x1a\n"
            + b"\x00" * 8
            + b"IHDR"
            + (100000).to_bytes(4, "big") * 2
            + b"\x08\x02\x00\x00\x00",
        ),
    ],
)
def test_hostile_uploads_are_refused(fw: FW, name: str, content: bytes) -> None:
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    with pytest.raises(DomainError):
        fw.submit(photos=[upload])
    assert not FeedbackItem.objects.exists()


def test_too_many_photos_refused(fw: FW) -> None:
    with pytest.raises(DomainError):
        fw.submit(photos=[photo() for _ in range(services.clocks().max_photos + 1)])


# --- anonymous senders --------------------------------------------------------------------------


def test_anonymous_sender_needs_a_one_time_code(fw: FW) -> None:
    anonymous = {"actor": None, "sender_contact": "0911222333"}
    with pytest.raises(DomainError):
        fw.submit(**anonymous, contact_code="123456")
    services.contact_code_send(contact="0911222333")
    sent = Notification.objects.get(template_key="feedback.contact_code")
    assert sent.recipient == "84911222333"
    code = sent_code()
    assert code not in sent.body  # the code is sealed, never stored in clear
    assert ContactCode.objects.get().code_hash != code
    with pytest.raises(DomainError):
        fw.submit(**anonymous, contact_code="000000" if code != "000000" else "000001")
    item, pin = fw.submit(**anonymous, contact_code=code)
    assert item.contact_verified and item.citizen is None and len(pin) == 8
    with pytest.raises(DomainError):  # used once
        fw.submit(**anonymous, contact_code=code)


def test_only_officials_enter_other_channels(fw: FW) -> None:
    with pytest.raises(DomainError):
        fw.submit(channel="phone")
    item, _ = fw.submit(actor=fw.users["coord"], channel="phone")
    assert item.channel == "phone" and item.entered_by == fw.users["coord"] and item.citizen is None
