"""A small province for the feedback tests: a coordinating unit, two competent units, two
communes, a category with routing rules, officials and two citizens."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chinhquyen.accounts.models import Role, User, UserKind
from chinhquyen.dossiers.tests.factories import make_official, make_org, make_user
from chinhquyen.orgs.models import Organisation, OrganisationKind

from ..models import Channel, FeedbackCategory, FeedbackClocks, FeedbackItem, Kind, RoutingRule
from ..services import feedback_submit

K = OrganisationKind
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


@dataclass
class FW:
    orgs: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    category: Any = None
    other_category: Any = None

    def submit(self, actor: Any = "citizen", **kwargs: Any) -> tuple[FeedbackItem, str]:
        values: dict[str, Any] = {
            "actor": self.users["citizen"] if actor == "citizen" else actor,
            "kind": Kind.FIELD,
            "category": self.category,
            "title": "Rác thải đổ trộm ven đường",
            "text": "Có bãi rác lớn ở đầu ngõ 12.",
            "sender_name": "Nguyễn Văn Bí Mật",
            "sender_contact": "0912345678",
            "consent_publish": True,
            "commune": self.orgs["commune_a"],
            "latitude": "21.028511",
            "longitude": "105.804817",
        }
        values.update(kwargs)
        return feedback_submit(**values)


@pytest.fixture
def fw(db: None) -> FW:
    return build_fw()


def build_fw() -> FW:
    w = FW()
    province = make_org("UBND tỉnh Thử", kind=K.PROVINCIAL_COMMITTEE)
    coord = make_org("Văn phòng UBND tỉnh", parent=province)
    env = make_org("Sở Nông nghiệp và Môi trường", parent=province)
    build = make_org("Sở Xây dựng", parent=province)
    commune_a = make_org("UBND xã An Bình", parent=province, kind=K.COMMUNE_COMMITTEE)
    commune_b = make_org("UBND phường Hòa Lạc", parent=province, kind=K.COMMUNE_COMMITTEE)
    w.orgs.update(
        province=province,
        coord=coord,
        env=env,
        build=build,
        commune_a=commune_a,
        commune_b=commune_b,
    )
    FeedbackClocks.objects.update_or_create(pk=1, defaults={"coordinating_unit": coord})
    w.category = FeedbackCategory.objects.get(code="moi-truong")
    w.other_category = FeedbackCategory.objects.get(code="xay-dung")
    RoutingRule.objects.create(category=w.category, commune=None, unit=env)
    RoutingRule.objects.create(category=w.other_category, commune=None, unit=build)
    RoutingRule.objects.create(category=None, commune=commune_b, unit=commune_b)
    w.users.update(
        coord=make_official(coord, Role.SPECIALIST, username="fb_coord"),
        env_head=make_official(env, Role.UNIT_HEAD, username="fb_env_head"),
        env_spec=make_official(env, Role.SPECIALIST, username="fb_env_spec"),
        build_head=make_official(build, Role.UNIT_HEAD, username="fb_build_head"),
        commune_b_head=make_official(commune_b, Role.LEADER, username="fb_commune_b"),
        citizen=make_user(UserKind.CITIZEN, username="fb_citizen", email="dan@example.vn"),
        citizen2=make_user(UserKind.CITIZEN, username="fb_citizen2", email="dan2@example.vn"),
    )
    return w


def jpeg_with_gps(size: tuple[int, int] = (2400, 1200)) -> bytes:
    image = Image.new("RGB", size, (120, 160, 200))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    gps = {1: "N", 2: (21.0, 1.0, 42.0), 3: "E", 4: (105.0, 48.0, 17.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def photo(name: str = "anh.jpg", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, data if data is not None else jpeg_with_gps(), content_type="image/jpeg"
    )


def sent_code(contact_template: str = "feedback.contact_code") -> str:
    """The one-time code of the last code notification (opened from its sealed context)."""
    from chinhquyen.core.sealing import unseal
    from chinhquyen.notifications.models import Notification

    row = Notification.objects.filter(template_key=contact_template).order_by("-pk").first()
    assert row is not None
    value = unseal(row.context["_sealed"]["otp"])
    assert value is not None
    return value


__all__ = ["Channel"]
