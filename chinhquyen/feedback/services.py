"""Every write of citizen reports: keyword-only, one transaction, history row written here.

Used by the HTML views and the API alike. Permission checks that depend on the item (who may
classify, answer, approve, ...) are made here through ``permissions``; views only parse.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hmac
import io
import secrets
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from PIL import Image, ImageOps

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor
from chinhquyen.core.calendar import LegalCalendar, get_calendar
from chinhquyen.core.text import normalize_search
from chinhquyen.dossiers import files as upload_checks
from chinhquyen.dossiers.pins import new_pin, pin_digest
from chinhquyen.notifications.services import notify
from chinhquyen.notifications.validators import normalize_recipient
from chinhquyen.orgs.models import Organisation, OrganisationKind

from . import permissions as perms
from .models import (
    Channel,
    ContactChannel,
    ContactCode,
    FeedbackAnswer,
    FeedbackCategory,
    FeedbackClocks,
    FeedbackEvent,
    FeedbackFile,
    FeedbackItem,
    FeedbackRating,
    FileKind,
    Kind,
    RoutingRule,
    Status,
)
from .workflow import target

PHOTO_MAX_SIDE = 1600
PHOTO_QUALITY = 82
CONTACT_CODE_MINUTES = 10
CONTACT_CODE_ATTEMPTS = 5
CONTACT_CODES_PER_HOUR = 3
_CODE_SALT = "chinhquyen.feedback.contact-code"


# --- data of the province ----------------------------------------------------------------


def clocks() -> FeedbackClocks:
    row, _ = FeedbackClocks.objects.get_or_create(pk=1)
    return row


def coordinating_unit() -> Organisation:
    """The configured coordinating unit, else the provincial committee (the root)."""
    row = clocks()
    if row.coordinating_unit_id:
        assert row.coordinating_unit is not None
        return row.coordinating_unit
    root = (
        Organisation.objects.filter(kind=OrganisationKind.PROVINCIAL_COMMITTEE)
        .order_by("depth", "pk")
        .first()
    )
    if root is None:
        raise DomainError("Chưa cấu hình đơn vị đầu mối tiếp nhận phản ánh.", code="not_configured")
    return root


def calendar() -> LegalCalendar:
    return get_calendar()


def suggested_unit(item: FeedbackItem) -> Organisation | None:
    """The most specific routing rule: category and commune, then commune, then category."""
    rules = RoutingRule.objects.filter(
        Q(category=item.category_id) | Q(category__isnull=True),
        Q(commune=item.commune_id) | Q(commune__isnull=True),
    ).select_related("unit")
    best = None
    best_score = -1
    for rule in rules:
        score = (2 if rule.commune_id else 0) + (1 if rule.category_id else 0)
        if score > best_score:
            best, best_score = rule, score
    return best.unit if best is not None else None


# --- contact verification (anonymous senders) -------------------------------------------------


def contact_channel(contact: str) -> tuple[str, str]:
    """(channel, normalised address) of a phone number or an e-mail address."""
    channel = ContactChannel.EMAIL if "@" in (contact or "") else ContactChannel.SMS
    try:
        return channel, normalize_recipient(channel, contact)
    except ValidationError as exc:
        raise DomainError(
            "Số điện thoại di động hoặc địa chỉ thư điện tử không hợp lệ.",
            code="invalid_contact",
        ) from exc


def _code_digest(contact: str, code: str) -> str:
    return salted_hmac(_CODE_SALT, f"{contact}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def contact_code_send(*, contact: str, now: dt.datetime | None = None) -> str:
    """Send a 6-digit one-time code to ``contact``; returns the normalised contact."""
    now = now or timezone.now()
    channel, address = contact_channel(contact)
    recent = ContactCode.objects.filter(
        contact=address, created_at__gte=now - dt.timedelta(hours=1)
    ).count()
    if recent >= CONTACT_CODES_PER_HOUR:
        raise DomainError(
            "Đã gửi quá nhiều mã xác minh tới địa chỉ này, vui lòng thử lại sau.",
            code="throttled",
            status_code=429,
        )
    code = f"{secrets.randbelow(10**6):06d}"
    ContactCode.objects.create(
        contact=address,
        code_hash=_code_digest(address, code),
        created_at=now,
        expires_at=now + dt.timedelta(minutes=CONTACT_CODE_MINUTES),
    )
    notify(
        channel=channel,
        recipient=address,
        template="feedback.contact_code",
        context={"otp": code, "minutes": str(CONTACT_CODE_MINUTES)},
    )
    return address


def contact_code_check(*, contact: str, code: str, now: dt.datetime | None = None) -> str:
    """Consume a valid one-time code of ``contact``; returns the normalised contact. A wrong
    code counts as an attempt (committed even though the caller fails)."""
    now = now or timezone.now()
    _channel, address = contact_channel(contact)
    with transaction.atomic():
        row = (
            ContactCode.objects.select_for_update()
            .filter(contact=address, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        accepted = False
        if row is not None and row.attempts < CONTACT_CODE_ATTEMPTS:
            if hmac.compare_digest(row.code_hash, _code_digest(address, str(code or "").strip())):
                row.used_at = now
                row.save(update_fields=["used_at"])
                accepted = True
            else:
                ContactCode.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
    if not accepted:
        raise DomainError("Mã xác minh không đúng hoặc đã hết hạn.", code="invalid_contact_code")
    return address


# --- photos and documents ---------------------------------------------------------------------


def clean_photo(upload: Any) -> tuple[bytes, str]:
    """Check an uploaded photo like every upload, then re-encode it: no EXIF (GPS, camera,
    time), upright, at most ``PHOTO_MAX_SIDE`` pixels on a side. Returns JPEG bytes and the
    display name; the original bytes are never stored."""
    stream = getattr(upload, "file", None) or upload
    if not hasattr(stream, "read"):
        raise DomainError("Không đọc được tệp tải lên.", code="invalid_file")
    stream.seek(0)
    head = stream.read(8192)
    stream.seek(0)
    if upload_checks.detect(head if isinstance(head, bytes) else b"") not in ("jpg", "png"):
        raise DomainError(
            "Ảnh phải có định dạng JPG hoặc PNG (kiểm tra theo nội dung tệp).",
            code="invalid_file_type",
        )
    checked = upload_checks.check_upload(upload)
    stream.seek(0)
    try:
        with Image.open(stream) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            upright = upright.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise DomainError("Không đọc được ảnh.", code="invalid_image") from exc
    upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    out = io.BytesIO()
    upright.save(out, format="JPEG", quality=PHOTO_QUALITY, optimize=True)
    stem = checked.name.rpartition(".")[0] or "anh"
    return out.getvalue(), f"{stem[:140]}.jpg"


def _store_photo(item: FeedbackItem, upload: Any, *, kind: str, answer: Any = None) -> None:
    data, name = clean_photo(upload)
    _save_photo(item, data, name, kind=kind, answer=answer)


def _save_photo(
    item: FeedbackItem, data: bytes, name: str, *, kind: str, answer: Any = None
) -> None:
    row = FeedbackFile(
        item=item, answer=answer, kind=kind, name=name, content_type="image/jpeg", size=len(data)
    )
    row.file.save("anh.jpg", ContentFile(data), save=False)
    row.save()


def _store_document(item: FeedbackItem, upload: Any, answer: FeedbackAnswer) -> None:
    checked = upload_checks.check_upload(upload)
    if checked.extension in ("jpg", "png"):
        _store_photo(item, upload, kind=FileKind.EVIDENCE, answer=answer)
        return
    row = FeedbackFile(
        item=item,
        answer=answer,
        kind=FileKind.EVIDENCE,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
    )
    row.file.save(f"tep.{checked.extension}", upload_checks.storage_file(checked), save=False)
    row.save()


# --- history ------------------------------------------------------------------------------------


def _event(
    item: FeedbackItem,
    *,
    action: str,
    before: str,
    actor: User | None,
    reason: str = "",
    unit: Organisation | None = None,
    at: dt.datetime,
) -> None:
    FeedbackEvent.objects.create(
        item=item,
        action=action,
        from_status=before,
        to_status=item.status,
        actor=actor if actor is not None and actor.pk else None,
        unit=unit,
        reason=reason,
        at=at,
    )


def _refresh_search(item: FeedbackItem) -> None:
    """The board searches the published text only (never the sender's words or identity)."""
    answer = item.answers.filter(approved_at__isnull=False).order_by("-pk").first()
    parts = [item.code, item.public_title, item.public_text, item.category.name]
    if answer is not None:
        parts.append(answer.text)
    item.search_text = normalize_search(" ".join(parts))


def _locked(item: FeedbackItem) -> FeedbackItem:
    return FeedbackItem.objects.select_for_update().select_related("category").get(pk=item.pk)


def _need_reason(reason: str, what: str = "lý do") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"Vui lòng nhập {what}.", code="reason_required")
    return reason[:5000]


def _notify_sender(item: FeedbackItem, template: str, key: str, **context: str) -> None:
    if not item.sender_contact:
        return
    with contextlib.suppress(DomainError):  # an unusable contact must not block the work
        notify(
            channel=item.contact_channel,
            recipient=item.sender_contact,
            template=template,
            context={"code": item.code, "name": item.sender_name, **context},
            user=item.citizen,
            dedupe_key=f"feedback.{template}:{item.pk}:{key}",
        )


# --- submit -----------------------------------------------------------------------------------


def _coordinate(value: Any, low: int, high: int, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except ArithmeticError as exc:
        raise DomainError(f"{label} không hợp lệ.", code="invalid_location") from exc
    if not (low <= number <= high):
        raise DomainError(f"{label} không hợp lệ.", code="invalid_location")
    return number


def feedback_submit(
    *,
    actor: User | None,
    kind: str,
    category: FeedbackCategory,
    title: str,
    text: str,
    sender_name: str,
    sender_contact: str,
    consent_publish: bool = False,
    commune: Organisation | None = None,
    latitude: Any = None,
    longitude: Any = None,
    address: str = "",
    photos: Sequence[Any] = (),
    channel: str = Channel.ONLINE,
    contact_code: str = "",
    now: dt.datetime | None = None,
) -> tuple[FeedbackItem, str]:
    """Receive a report; returns the item and its lookup PIN (shown once, stored hashed).

    Anonymous senders prove their contact with a one-time code (``contact_code_send``);
    signed-in citizens skip it; officers enter reports received by phone, letter or in person.
    """
    now = now or timezone.now()
    is_official = perms.is_official(actor)
    if channel != Channel.ONLINE and not is_official:
        raise DomainError("Chỉ cán bộ được nhập phản ánh nhận qua kênh khác.", code="forbidden")
    if channel not in Channel.values or kind not in Kind.values:
        raise DomainError("Loại hoặc kênh tiếp nhận không hợp lệ.", code="invalid_kind")
    if not category.active:
        raise DomainError("Lĩnh vực phản ánh không còn sử dụng.", code="invalid_category")
    sender_name = (sender_name or "").strip()[:120]
    if not sender_name:
        raise DomainError("Vui lòng nhập họ tên người phản ánh.", code="name_required")
    title = (title or "").strip()[:200]
    text = (text or "").strip()[:10000]
    if not title or not text:
        raise DomainError("Vui lòng nhập tiêu đề và nội dung phản ánh.", code="text_required")
    if commune is not None and commune.kind != OrganisationKind.COMMUNE_COMMITTEE:
        raise DomainError("Xã, phường không hợp lệ.", code="invalid_commune")
    contact_kind, contact = contact_channel(sender_contact)
    citizen = actor if perms.is_applicant(actor) else None
    verified = citizen is not None or is_official
    limit = clocks().max_photos
    if len(photos) > limit:
        raise DomainError(f"Tối đa {limit} ảnh cho mỗi phản ánh.", code="too_many_files")
    cleaned = [clean_photo(photo) for photo in photos]  # refused before the code is used
    if not verified:
        contact = contact_code_check(contact=contact, code=contact_code, now=now)
        verified = True
    cal = calendar()
    row = clocks()
    pin = new_pin()
    with transaction.atomic(), audit_actor(actor):
        item = FeedbackItem(
            code=f"~{secrets.token_hex(12)}",
            kind=kind,
            category=category,
            title=title,
            text=text,
            latitude=_coordinate(latitude, -90, 90, "Vĩ độ"),
            longitude=_coordinate(longitude, -180, 180, "Kinh độ"),
            address=(address or "").strip()[:255],
            commune=commune,
            sender_name=sender_name,
            sender_contact=contact,
            contact_channel=contact_kind,
            contact_verified=verified,
            consent_publish=bool(consent_publish),
            citizen=citizen,
            channel=channel,
            entered_by=actor if is_official else None,
            status=Status.NEW,
            coordinating_unit=coordinating_unit(),
            received_at=now,
            forward_due_at=cal.deadline(now, working_days=row.forward_days),
            due_at=cal.deadline(now, working_days=row.classify_days),
            answer_due_at=cal.deadline(now, working_days=row.answer_days),
        )
        item.save()
        item.code = f"PA-{timezone.localdate(now):%y%m%d}-{item.pk:06d}"
        item.lookup_pin_hash = pin_digest(item.code, pin)
        item.save(update_fields=["code", "lookup_pin_hash"])
        for data, name in cleaned:
            _save_photo(item, data, name, kind=FileKind.PHOTO)
        _event(item, action="submit", before="", actor=actor, at=now, unit=item.coordinating_unit)
        _notify_sender(item, "feedback.received", "received", pin=pin)
    return item, pin


# --- classification by the coordinating unit -----------------------------------------------


def _shift_clocks(item: FeedbackItem, paused: dt.timedelta) -> None:
    cal = calendar()
    for field in ("due_at", "forward_due_at", "answer_due_at"):
        value = getattr(item, field)
        if value is not None:
            setattr(item, field, cal.add_working_time(value, paused))


@transaction.atomic
def feedback_reject(
    *, actor: User, item: FeedbackItem, reason: str, now: dt.datetime | None = None
) -> FeedbackItem:
    now = now or timezone.now()
    item = _locked(item)
    perms.require(perms.can_classify(actor, item))
    before = item.status
    item.status = target("reject", before)
    item.closed_reason = _need_reason(reason)
    item.due_at = None
    with audit_actor(actor):
        item.save()
        _event(item, action="reject", before=before, actor=actor, reason=item.closed_reason, at=now)
    _notify_sender(item, "feedback.rejected", "rejected", reason=item.closed_reason)
    return item


@transaction.atomic
def feedback_request_info(
    *, actor: User, item: FeedbackItem, request: str, now: dt.datetime | None = None
) -> FeedbackItem:
    """Ask the sender for more information: every clock stops until they answer."""
    now = now or timezone.now()
    item = _locked(item)
    perms.require(perms.can_classify(actor, item))
    before = item.status
    item.status = target("request_info", before)
    item.info_request = _need_reason(request, "nội dung cần bổ sung")
    item.paused_at = now
    with audit_actor(actor):
        item.save()
        _event(
            item,
            action="request_info",
            before=before,
            actor=actor,
            reason=item.info_request,
            at=now,
        )
    _notify_sender(
        item, "feedback.info_requested", f"info:{now.timestamp():.0f}", request=item.info_request
    )
    return item


@transaction.atomic
def feedback_supplement(
    *, actor: User | None, item: FeedbackItem, text: str, now: dt.datetime | None = None
) -> FeedbackItem:
    """The sender's answer (or an officer noting it from a call): the clocks run again, moved
    by the working time they stood still."""
    now = now or timezone.now()
    item = _locked(item)
    before = item.status
    item.status = target("supplement", before)
    supplement = _need_reason(text, "thông tin bổ sung")
    if item.paused_at is not None:
        paused = calendar().working_time_between(item.paused_at, now)
        _shift_clocks(item, paused)
    item.paused_at = None
    item.text = f"{item.text}\n\n[Bổ sung {timezone.localtime(now):%d/%m/%Y}] {supplement}"[:20000]
    with audit_actor(actor):
        item.save()
        _event(item, action="supplement", before=before, actor=actor, reason=supplement, at=now)
    return item


@transaction.atomic
def feedback_forward(
    *,
    actor: User,
    item: FeedbackItem,
    unit: Organisation | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> FeedbackItem:
    """Forward to the competent unit (the routing rules' suggestion when ``unit`` is None)."""
    now = now or timezone.now()
    item = _locked(item)
    perms.require(perms.can_classify(actor, item))
    unit = unit or suggested_unit(item)
    if unit is None:
        raise DomainError("Vui lòng chọn đơn vị có thẩm quyền.", code="unit_required")
    if item.returned_by.filter(pk=unit.pk).exists() and not (note or "").strip():
        raise DomainError(
            "Đơn vị này đã trả lại phản ánh; nêu lý do khi chuyển lại.", code="reason_required"
        )
    before = item.status
    item.status = target("forward", before)
    item.unit = unit
    item.assignee = None
    item.forwarded_at = now
    item.due_at = item.answer_due_at
    reason = (note or "").strip()
    if now > item.forward_due_at:
        cal = calendar()
        late = cal.describe(cal.working_time_between(item.forward_due_at, now))
        reason = f"{reason} (chuyển quá hạn {late})".strip()
    with audit_actor(actor):
        item.save()
        _event(item, action="forward", before=before, actor=actor, reason=reason, unit=unit, at=now)
    return item


# --- the competent unit -----------------------------------------------------------------------


@transaction.atomic
def feedback_return(
    *, actor: User, item: FeedbackItem, reason: str, now: dt.datetime | None = None
) -> FeedbackItem:
    """A unit that is not competent gives the item back to the coordinating unit."""
    now = now or timezone.now()
    item = _locked(item)
    perms.require(perms.can_lead_unit(actor, item))
    reason = _need_reason(reason)
    before = item.status
    unit = item.unit
    item.status = target("return", before)
    if unit is not None:
        item.returned_by.add(unit)
    item.unit = None
    item.assignee = None
    item.due_at = item.forward_due_at
    with audit_actor(actor):
        item.save()
        _event(item, action="return", before=before, actor=actor, reason=reason, unit=unit, at=now)
    return item


@transaction.atomic
def feedback_assign(
    *, actor: User, item: FeedbackItem, assignee: User, now: dt.datetime | None = None
) -> FeedbackItem:
    now = now or timezone.now()
    item = _locked(item)
    perms.require(perms.can_lead_unit(actor, item))
    if not perms.works_in(assignee, item.unit):
        raise DomainError("Cán bộ được giao không thuộc đơn vị xử lý.", code="invalid_assignee")
    before = item.status
    item.status = target("assign", before)
    item.assignee = assignee
    with audit_actor(actor):
        item.save()
        _event(
            item,
            action="assign",
            before=before,
            actor=actor,
            reason=str(assignee),
            unit=item.unit,
            at=now,
        )
    return item


@transaction.atomic
def feedback_answer(
    *,
    actor: User,
    item: FeedbackItem,
    text: str,
    files: Sequence[Any] = (),
    now: dt.datetime | None = None,
) -> FeedbackAnswer:
    """Draft the answer (with evidence: photos of the fix, a document) for the head's approval."""
    now = now or timezone.now()
    item = _locked(item)
    perms.require(perms.can_answer(actor, item))
    if len(files) > clocks().max_photos:
        raise DomainError("Quá nhiều tệp đính kèm.", code="too_many_files")
    before = item.status
    item.status = target("answer", before)
    assert item.unit is not None
    with audit_actor(actor):
        answer = FeedbackAnswer.objects.create(
            item=item,
            unit=item.unit,
            text=_need_reason(text, "nội dung trả lời"),
            author=actor,
            created_at=now,
        )
        for upload in files:
            _store_document(item, upload, answer)
        item.save()
        _event(item, action="answer", before=before, actor=actor, unit=item.unit, at=now)
    return answer


def _pending_answer(item: FeedbackItem) -> FeedbackAnswer:
    answer = item.answers.filter(approved_at__isnull=True, sent_back_reason="").last()
    if answer is None:
        raise DomainError("Chưa có dự thảo trả lời.", code="no_answer")
    return answer


@transaction.atomic
def feedback_send_back(
    *, actor: User, item: FeedbackItem, reason: str, now: dt.datetime | None = None
) -> FeedbackItem:
    now = now or timezone.now()
    item = _locked(item)
    perms.require(perms.can_approve(actor, item))
    before = item.status
    item.status = target("send_back", before)
    answer = _pending_answer(item)
    answer.sent_back_reason = _need_reason(reason)
    with audit_actor(actor):
        answer.save(update_fields=["sent_back_reason"])
        item.save()
        _event(
            item,
            action="send_back",
            before=before,
            actor=actor,
            reason=answer.sent_back_reason,
            unit=item.unit,
            at=now,
        )
    return item


@transaction.atomic
def feedback_approve(
    *, actor: User, item: FeedbackItem, now: dt.datetime | None = None
) -> FeedbackItem:
    """The unit head approves the answer: it is sent to the sender; the publish clock starts."""
    now = now or timezone.now()
    item = _locked(item)
    perms.require(perms.can_approve(actor, item))
    before = item.status
    item.status = target("approve", before)
    answer = _pending_answer(item)
    answer.approved_by, answer.approved_at = actor, now
    item.answered_at = now
    item.due_at = None
    item.publish_due_at = calendar().deadline(now, working_days=clocks().publish_days)
    with audit_actor(actor):
        answer.save(update_fields=["approved_by", "approved_at"])
        item.save()
        _event(item, action="approve", before=before, actor=actor, unit=item.unit, at=now)
    _notify_sender(item, "feedback.answered", f"answer:{answer.pk}")
    return item


@transaction.atomic
def feedback_publish(
    *,
    actor: User,
    item: FeedbackItem,
    public_title: str,
    public_text: str,
    no_identity_confirmed: bool,
    now: dt.datetime | None = None,
) -> FeedbackItem:
    """Publish the answered item on the board. Only with the sender's consent, and only after
    an officer confirmed the published title and text (rewritten from the sender's words)
    carry no name, contact, face or plate. The sender's name and contact are refused outright."""
    now = now or timezone.now()
    item = _locked(item)
    perms.require(perms.can_publish(actor, item))
    if not item.consent_publish:
        raise DomainError("Người phản ánh không đồng ý công khai.", code="no_consent")
    if not no_identity_confirmed:
        raise DomainError(
            "Cần xác nhận nội dung công khai không có thông tin cá nhân của người phản ánh.",
            code="identity_not_confirmed",
        )
    title = _need_reason(public_title, "tiêu đề công khai")[:200]
    text = _need_reason(public_text, "nội dung công khai")
    folded = normalize_search(f"{title} {text}")
    for secret in (item.sender_name, item.sender_contact, item.sender_contact.removeprefix("84")):
        if secret and len(secret) >= 4 and normalize_search(secret) in folded:
            raise DomainError(
                "Nội dung công khai còn chứa họ tên hoặc liên hệ của người phản ánh.",
                code="identity_in_text",
            )
    before = item.status
    item.status = target("publish", before)
    item.public_title, item.public_text = title, text
    item.published_at = now
    _refresh_search(item)
    with audit_actor(actor):
        item.save()
        _event(item, action="publish", before=before, actor=actor, at=now)
    return item


# --- the sender -------------------------------------------------------------------------------


def _latest_answer(item: FeedbackItem) -> FeedbackAnswer | None:
    return item.answers.filter(approved_at__isnull=False).order_by("-pk").first()


@transaction.atomic
def feedback_rate(
    *,
    actor: User | None,
    item: FeedbackItem,
    satisfied: bool,
    comment: str = "",
    now: dt.datetime | None = None,
) -> FeedbackRating:
    """The sender rates the latest answer (once per answer). The caller proved it is the
    sender (their own item, or the code and PIN)."""
    now = now or timezone.now()
    item = _locked(item)
    if item.status not in (Status.ANSWERED, Status.PUBLISHED):
        raise DomainError("Phản ánh chưa được trả lời.", code="not_answered", status_code=409)
    answer = _latest_answer(item)
    if answer is None:
        raise DomainError("Phản ánh chưa được trả lời.", code="not_answered", status_code=409)
    if FeedbackRating.objects.filter(answer=answer).exists():
        raise DomainError(
            "Câu trả lời này đã được đánh giá.", code="already_rated", status_code=409
        )
    with audit_actor(actor):
        rating = FeedbackRating.objects.create(
            item=item,
            answer=answer,
            unit=answer.unit,
            satisfied=bool(satisfied),
            comment=(comment or "").strip()[:2000],
            rated_at=now,
        )
        _event(
            item,
            action="rate",
            before=item.status,
            actor=actor,
            reason=("Hài lòng" if satisfied else "Không hài lòng")
            + (f": {rating.comment}" if rating.comment else ""),
            at=now,
        )
    return rating


@transaction.atomic
def feedback_reopen(
    *, actor: User | None, item: FeedbackItem, reason: str, now: dt.datetime | None = None
) -> FeedbackItem:
    """The sender reopens an answered item once; the competent unit answers again."""
    now = now or timezone.now()
    item = _locked(item)
    if item.reopened:
        raise DomainError(
            "Phản ánh chỉ được mở lại một lần.", code="already_reopened", status_code=409
        )
    before = item.status
    item.status = target("reopen", before)
    item.reopened = True
    reason = _need_reason(reason)
    item.answer_due_at = calendar().deadline(now, working_days=clocks().answer_days)
    item.due_at = item.answer_due_at
    item.published_at = None
    item.publish_due_at = None
    item.search_text = ""
    with audit_actor(actor):
        item.save()
        _event(
            item, action="reopen", before=before, actor=actor, reason=reason, unit=item.unit, at=now
        )
    return item


# --- duplicates ---------------------------------------------------------------------------------


@transaction.atomic
def feedback_merge(
    *, actor: User, duplicate: FeedbackItem, into: FeedbackItem, now: dt.datetime | None = None
) -> FeedbackItem:
    """Merge a duplicate into another item: the duplicate closes and its sender follows the
    other item (and is told its code)."""
    now = now or timezone.now()
    if duplicate.pk == into.pk:
        raise DomainError("Không thể gộp phản ánh vào chính nó.", code="invalid_merge")
    first, second = sorted([duplicate, into], key=lambda i: i.pk)
    _locked(first), _locked(second)
    duplicate = FeedbackItem.objects.select_related("category").get(pk=duplicate.pk)
    into = FeedbackItem.objects.get(pk=into.pk)
    perms.require(perms.can_merge(actor, duplicate) and perms.can_merge(actor, into))
    if into.status in (Status.MERGED, Status.REJECTED):
        raise DomainError(
            "Không thể gộp vào phản ánh đã đóng.", code="invalid_merge", status_code=409
        )
    before = duplicate.status
    duplicate.status = target("merge", before)
    duplicate.merged_into = into
    duplicate.due_at = None
    duplicate.closed_reason = f"Trùng với phản ánh {into.code}"
    with audit_actor(actor):
        duplicate.save()
        _event(
            duplicate,
            action="merge",
            before=before,
            actor=actor,
            reason=duplicate.closed_reason,
            at=now,
        )
        _event(
            into,
            action="merge",
            before=into.status,
            actor=actor,
            reason=f"Gộp phản ánh {duplicate.code}",
            at=now,
        )
    _notify_sender(duplicate, "feedback.merged", "merged", into=into.code)
    return duplicate
