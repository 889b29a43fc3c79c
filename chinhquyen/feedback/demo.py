"""Demo citizen reports: a year of feedback across the demo communes, every status present.

The provincial service centre coordinates (the desk officer ``motcua`` classifies); Sở Tư pháp's
Phòng Hành chính tư pháp (``truongphong`` approves, ``chuyenvien`` answers) handles reports on
procedures and officials; field reports are routed to the department of the subject or to the
commune. Reports are submitted by the demo citizen ``congdan`` (signed in: no contact code)
and walked through the services with past moments, so the clocks are the real ones.

Idempotent and fast: skipped when the demo's last report exists (its title carries a marker).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.orgs.models import Organisation

from . import services
from .models import FeedbackCategory, FeedbackClocks, FeedbackItem, Kind, RoutingRule

COUNT = 60
MARKER = "(mẫu {n})"
COMMUNES = (
    "commune",
    "ward_nam_hoa_lu",
    "ward_tay_hoa_lu",
    "ward_dong_hoa_lu",
    "ward_tam_diep",
    "ward_phu_ly",
    "ward_nam_dinh",
    "commune2",
    "commune_dai_hoang",
    "commune_gia_hung",
    "commune_kim_son",
    "commune_phat_diem",
)
SUBJECTS = (
    ("thu-tuc-hanh-chinh", Kind.REGULATION, "Thời hạn cấp bản sao trích lục hộ tịch chưa rõ"),
    ("can-bo-cong-chuc", Kind.CONDUCT, "Cán bộ hướng dẫn hồ sơ chưa đầy đủ"),
    ("moi-truong", Kind.FIELD, "Rác thải tồn đọng ven đường liên xã"),
    ("trat-tu-do-thi", Kind.FIELD, "Lấn chiếm vỉa hè bán hàng"),
    ("giao-thong", Kind.FIELD, "Ổ gà lớn trên đường trục xã"),
    ("dien-nuoc", Kind.FIELD, "Đèn chiếu sáng công cộng không hoạt động"),
    ("xay-dung", Kind.FIELD, "Công trình xây dựng không che chắn"),
)
# the last status each n reaches (cycled; most reports are answered and published)
PLAN = (
    "published",
    "published",
    "answered",
    "published",
    "rated_reopened",
    "published",
    "rejected",
    "published",
    "merged",
    "returned",
    "published",
    "awaiting_approval",
)
RECENT_PLAN = ("new", "info_requested", "forwarded", "in_progress")


def _day(today: dt.date, days_ago: int, hour: int = 9) -> dt.datetime:
    day = today - dt.timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _routing(orgs: dict[str, Organisation]) -> None:
    justice = orgs["dept_justice_admin"]
    rules = {
        "thu-tuc-hanh-chinh": justice,
        "can-bo-cong-chuc": justice,
        "moi-truong": orgs.get("dept_agriculture_environment"),
        "xay-dung": orgs.get("dept_construction_mgmt"),
    }
    for code, unit in rules.items():
        category = FeedbackCategory.objects.filter(code=code).first()
        if unit is not None and category is not None:
            RoutingRule.objects.get_or_create(
                category=category, commune=None, defaults={"unit": unit}
            )
    for key in COMMUNES:  # field reports of a commune: its committee
        if key in orgs:
            RoutingRule.objects.get_or_create(
                category=None, commune=orgs[key], defaults={"unit": orgs[key]}
            )


def _one(
    n: int, final: str, when: dt.datetime, people: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    code, kind, title = SUBJECTS[n % len(SUBJECTS)]
    # reports the demo officials can walk to the end go to Phòng Hành chính tư pháp
    handled = final not in ("new", "info_requested", "rejected", "merged", "forwarded")
    if handled:
        code, kind, title = SUBJECTS[n % 2]
    commune = orgs.get(COMMUNES[n % len(COMMUNES)])
    item, _pin = services.feedback_submit(
        actor=people["congdan"],
        kind=kind,
        category=FeedbackCategory.objects.get(code=code),
        title=f"{title} {MARKER.format(n=n)}",
        text=f"{title}. Đề nghị cơ quan có thẩm quyền xem xét, xử lý.",
        sender_name=people["congdan"].get_full_name() or "Công dân mẫu",
        sender_contact=people["congdan"].email or "congdan@example.vn",
        consent_publish=n % 5 != 3,
        commune=commune,
        latitude=f"{20.25 + (n % 12) * 0.01:.6f}",
        longitude=f"{105.97 + (n % 7) * 0.01:.6f}",
        address=f"Thôn {n % 9 + 1}",
        now=when,
    )
    coord, head, spec = people["motcua"], people["truongphong"], people["chuyenvien"]
    step = when + dt.timedelta(hours=2)
    if final == "new":
        return
    if final == "info_requested":
        services.feedback_request_info(
            actor=coord, item=item, request="Đề nghị cho biết vị trí cụ thể.", now=step
        )
        return
    if final == "rejected":
        services.feedback_reject(
            actor=coord,
            item=item,
            reason="Nội dung là đơn khiếu nại, hướng dẫn gửi theo thủ tục khiếu nại.",
            now=step,
        )
        return
    if final == "merged":
        into = FeedbackItem.objects.filter(title__startswith=title).exclude(pk=item.pk).first()
        if into is not None and into.status not in ("merged", "rejected"):
            services.feedback_merge(actor=coord, duplicate=item, into=into, now=step)
        return
    if final == "forwarded":
        services.feedback_forward(actor=coord, item=item, now=step)
        return
    justice = orgs["dept_justice_admin"]
    if final == "returned":
        services.feedback_forward(actor=coord, item=item, unit=justice, now=step)
        services.feedback_return(
            actor=head,
            item=item,
            reason="Không thuộc thẩm quyền của đơn vị.",
            now=step + dt.timedelta(days=1),
        )
        return
    services.feedback_forward(actor=coord, item=item, unit=justice, now=step)
    services.feedback_assign(actor=head, item=item, assignee=spec, now=step + dt.timedelta(hours=1))
    if final == "in_progress":
        return
    answered_at = step + dt.timedelta(days=3 + n % 20)  # some late (beyond 15 working days)
    services.feedback_answer(
        actor=spec,
        item=item,
        text="Đơn vị đã kiểm tra, xử lý và hướng dẫn cụ thể theo quy định.",
        now=answered_at,
    )
    if final == "awaiting_approval":
        return
    services.feedback_approve(actor=head, item=item, now=answered_at + dt.timedelta(hours=3))
    rated_at = answered_at + dt.timedelta(days=1)
    if final == "rated_reopened":
        services.feedback_rate(
            actor=people["congdan"],
            item=item,
            satisfied=False,
            comment="Chưa giải quyết triệt để.",
            now=rated_at,
        )
        services.feedback_reopen(
            actor=people["congdan"], item=item, reason="Sự việc vẫn tiếp diễn.", now=rated_at
        )
        return
    if final == "published" and item.consent_publish:
        services.feedback_publish(
            actor=coord,
            item=item,
            public_title=title,
            public_text=f"{title} tại {commune.name if commune else 'địa bàn'}.",
            no_identity_confirmed=True,
            now=answered_at + dt.timedelta(days=1),
        )
    if n % 3:
        services.feedback_rate(
            actor=people["congdan"],
            item=item,
            satisfied=n % 7 != 0,
            now=rated_at + dt.timedelta(days=1),
        )


def load_demo_feedback(context: dict[str, Any]) -> dict[str, Any] | None:
    if FeedbackItem.objects.filter(title__endswith=MARKER.format(n=COUNT - 1)).exists():
        return None
    from chinhquyen.orgs.demo import load_demo_organisations

    orgs = context.get("orgs") or load_demo_organisations()
    usernames = ("motcua", "truongphong", "chuyenvien", "congdan")
    people = {u.username: u for u in User.objects.filter(username__in=usernames)}
    if len(people) != len(usernames) or "dept_justice_admin" not in orgs:
        return None
    FeedbackClocks.objects.update_or_create(
        pk=1, defaults={"coordinating_unit": orgs["service_centre"]}
    )
    _routing(orgs)
    today = timezone.localdate()
    done = set(FeedbackItem.objects.filter(title__contains="(mẫu ").values_list("title", flat=True))
    for n in range(COUNT):
        if any(title.endswith(MARKER.format(n=n)) for title in done):
            continue
        recent = n >= COUNT - len(RECENT_PLAN)
        final = RECENT_PLAN[n - (COUNT - len(RECENT_PLAN))] if recent else PLAN[n % len(PLAN)]
        days_ago = 2 if recent else 365 - n * 6
        with transaction.atomic():
            _one(n, final, _day(today, days_ago), people, orgs)
    return None
