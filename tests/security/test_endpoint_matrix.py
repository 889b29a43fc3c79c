"""The authorization matrix of every endpoint, generated from the code.

``PAGES`` has an entry for every URL pattern outside /api/v1/ (keyed by URL name, or by route
for the few unnamed ones; the Django admin's per-model URLs come from ``ADMIN_MODELS``), and
``API`` one for every operation of the committed OpenAPI file (keyed by ``operationId``). The
completeness tests fail when an endpoint has no entry and when an entry names an endpoint that
no longer exists, so a new endpoint cannot go unnoticed.

Each entry is one or more ``Case``: a request (URL parameters filled from real objects of the
world in ``world.py``: a dossier of citizen A, a document of unit X, ...) and the callers who
may make it. Every caller of ``CALLERS`` makes it; then

* a caller in ``allow`` must not be denied (401/403/404 or sent to a sign-in page) and must not
  get a server error;
* any other caller must be denied, and a denied write must change nothing in the database;
* a caller in ``allow`` but not in ``acts`` (an HTML form that reports a refusal inside the
  page) must not change the database either;
* for lists, searches and exports, ``shows`` says who sees which object: its marker (a dossier
  code, a payment reference, a word of a summary) is in the body exactly for those callers.

Officials are signed in with TOTP enrolled (the sign-in's second factor is not re-played:
``OfficialMFARequiredMiddleware`` checks the enrolment, as in the apps' own matrices).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from chinhquyen.dossiers.tests.factories import PDF

from .conftest import client_for, reauthenticate
from .harness import Case, body_text, finish, is_denied, outcome, resolve, send
from .snapshot import changed, row_counts, table_digests
from .world import (
    ANON,
    API_CLIENT,
    APPLICANTS,
    CALLERS,
    CITIZEN,
    CITIZEN_OTHER,
    OFFICIALS,
    ROOT_ADMIN,
    SecurityWorld,
    valid_pdf,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
API_PREFIX = "api/v1/"
METHODS = ("get", "post", "put", "patch", "delete")


# --- who ------------------------------------------------------------------------------------


def S(*names: str) -> frozenset[str]:
    unknown = set(names) - set(CALLERS)
    assert not unknown, unknown
    return frozenset(names)


def own(*roles: str) -> frozenset[str]:
    return S(*(f"{role}@own" for role in roles))


def other(*roles: str) -> frozenset[str]:
    return S(*(f"{role}@other" for role in roles))


def both(*roles: str) -> frozenset[str]:
    return own(*roles) | other(*roles)


EVERYONE = S(*CALLERS)
NOBODY = S()
SIGNED_IN = EVERYONE - {ANON}  # API: a session or a bearer token
PEOPLE = EVERYONE - {ANON, API_CLIENT}  # HTML: a session (API clients only hold tokens)
OFFICIAL = S(*OFFICIALS)
APPLICANT = S(*APPLICANTS)
DOC_USERS = both("clerk", "leader", "unit_head", "specialist")
IT_ADMINS = both("it_admin") | {ROOT_ADMIN}
MANAGERS = both("it_admin", "leader", "unit_head") | {ROOT_ADMIN}
RECONCILERS = both("leader", "it_admin") | {ROOT_ADMIN}
REPORTERS = both("leader", "unit_head")
# who manages the officials, API clients and units of X (IT administrators over it)
X_ADMINS = own("it_admin") | {ROOT_ADMIN}
# officials who see citizen A's dossiers once they reached Phòng HCTP (desk, handlers, leader)
A_SEEN = own("desk_officer", "specialist", "unit_head", "leader")
A_AT_DESK = own("desk_officer", "leader")  # still at the desk: the desk and the leader
B_SEEN = other("desk_officer", "specialist", "unit_head", "leader")
# who sees the tasks of X / Y: the department's tracking office (clerk) and its managers
TASK_X = own("clerk", "leader", "unit_head")  # the department's tracking office and managers
TASK_Y = other("clerk", "leader", "unit_head")
# who sees citizen A's / B's citizen report: the coordinating unit (the centre's desk) and the
# handlers of the division it was forwarded to and of the department above it
FB_X = own("desk_officer", "specialist", "unit_head", "leader", "clerk")
FB_Y = own("desk_officer") | other("specialist", "unit_head", "leader", "clerk")
FB_X_HEADS = own("unit_head", "leader")
# whose evidence report names the official without 2FA of X / of Y
NO_2FA = {"no2fa_x": own("it_admin") | {ROOT_ADMIN}, "no2fa_y": other("it_admin") | {ROOT_ADMIN}}


# --- what -----------------------------------------------------------------------------------


def pk(name: str) -> Callable[[SecurityWorld], int]:
    return lambda w: w.pk(name)


# every caller looks the same dossier up from one address: above the lookup's per-code limit
LOOKUP_LIMITS_RAISED = {"DOSSIER_LOOKUP_CODE_LIMIT": 10**6, "DOSSIER_LOOKUP_ADDRESS_LIMIT": 10**6}


def kw(**names: str) -> Callable[[SecurityWorld], dict[str, Any]]:
    """URL parameters from world objects: ``kw(pk="dossier_a")``; ``attr`` after a dot."""

    def build(w: SecurityWorld) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, spec in names.items():
            name, _, attr = spec.partition(".")
            value = w.obj(name)
            out[key] = getattr(value, attr) if attr else value.pk
        return out

    return build


def upload(name: str = "to-khai.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content or PDF, content_type="application/pdf")


def future(days: int = 30) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).isoformat()


TODAY = dt.date.today().isoformat()


def future_day(days: int = 45) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


# --- pages: every URL pattern outside the API -----------------------------------------------

P = partial(Case, fmt="multipart")  # pages are forms
PAGES: dict[str, list[Case]] = {
    # web
    "web:home": [P(EVERYONE)],
    "web:calendar": [P(EVERYONE, query={"ngay": "2026-03-02", "so_ngay": "3"})],
    "web:workspace": [P(OFFICIAL)],
    "healthz": [P(EVERYONE)],
    "api-schema": [P(EVERYONE)],
    "api-docs": [P(EVERYONE)],
    # tasks (directives): see the API entries below for who sees what
    "tasks:list": [
        P(OFFICIAL, shows={"nv_x": TASK_X, "nv_y": TASK_Y, "nv_secret": own("leader")}),
        P(
            OFFICIAL,
            query={"nhom": "open_in_time"},
            shows={"nv_x": TASK_X, "nv_y": TASK_Y, "nv_secret": own("leader")},
        ),
    ],
    # citizen reports (feedback): public board, sender's lookup, officials' inbox
    "feedback:board": [
        P(
            EVERYONE,
            shows={"pa_pub": EVERYONE, "pa_name": NOBODY, "pa_words": NOBODY, "pa_x": NOBODY},
        ),
        P(EVERYONE, query={"q": "mkpacong"}, shows={"pa_pub": EVERYONE, "pa_name": NOBODY}),
    ],
    "feedback:submit": [P(EVERYONE)],
    "feedback:submitted": [P(NOBODY, kwargs=kw(code="pa_x.code"))],
    "feedback:public_detail": [
        P(
            EVERYONE,
            kwargs=kw(code="pa_pub.code"),
            shows={"pa_pub": EVERYONE, "pa_name": NOBODY, "pa_words": NOBODY},
        ),
        P(NOBODY, kwargs=kw(code="pa_x.code")),
    ],
    "feedback:lookup": [
        P(EVERYONE),
        P(
            EVERYONE,
            method="POST",
            body=lambda w: {"code": w.obj("pa_x").code, "pin": w.obj("pa_x_pin")},
            settings=LOOKUP_LIMITS_RAISED,
        ),
    ],
    "feedback:sender_detail": [
        P(S(CITIZEN), kwargs=kw(code="pa_x.code"), shows={"pa_x": S(CITIZEN)})
    ],
    "feedback:sender_action": [
        P(
            S(CITIZEN),
            method="POST",
            kwargs=lambda w: {"code": w.obj("pa_pub").code, "action": "rate"},
            body={"satisfied": "yes"},
        )
    ],
    "feedback:mine": [
        P(APPLICANT, shows={"pa_x": S(CITIZEN), "pa_y": S(CITIZEN_OTHER)}),
    ],
    "feedback:file": [
        P(FB_X | {CITIZEN}, kwargs=lambda w: {"pk": w.obj("pa_x").files.get().pk}),
        P(EVERYONE, kwargs=lambda w: {"pk": w.obj("pa_pub").files.get().pk}),
    ],
    # service-centre floor: kiosk, ticket page, hall display and rating tablet are public
    # devices; the counter and the statistics belong to the officials of the centre's desk
    "floor:kiosk": [
        P(EVERYONE, kwargs=kw(desk_id="floor_desk")),
        P(
            EVERYONE,
            method="POST",
            kwargs=kw(desk_id="floor_desk"),
            body=lambda w: {"area": w.pk("floor_area")},
        ),
    ],
    "floor:ticket": [P(EVERYONE, kwargs=kw(key="floor_ticket.key"))],
    "floor:display": [P(EVERYONE, kwargs=kw(desk_id="floor_desk"))],
    "floor:display_json": [P(EVERYONE, kwargs=kw(desk_id="floor_desk"))],
    "floor:stats": [P(own("desk_officer"), kwargs=kw(desk_id="floor_desk"))],
    "floor:counter": [
        P(own("desk_officer"), kwargs=kw(pk="floor_counter")),
        P(
            own("desk_officer"),
            method="POST",
            kwargs=kw(pk="floor_counter"),
            body={"action": "call"},
        ),
    ],
    "floor:rate": [
        P(EVERYONE, kwargs=kw(pk="floor_rated_counter")),
        P(EVERYONE, method="POST", kwargs=kw(pk="floor_rated_counter"), body={"score": "3"}),
    ],
    "feedback:inbox": [P(OFFICIAL, shows={"pa_x": FB_X, "pa_y": FB_Y})],
    "feedback:satisfaction": [P(OFFICIAL), P(OFFICIAL, query={"theo": "officer", "nam": "2026"})],
    "feedback:detail": [
        P(FB_X, kwargs=kw(pk="pa_x")),
        P(FB_Y, kwargs=kw(pk="pa_y")),
    ],
    "feedback:action": [
        P(
            FB_X,
            method="POST",
            kwargs=lambda w: {"pk": w.pk("pa_x"), "action": "return"},
            body={"reason": "Không thuộc thẩm quyền."},
            acts=FB_X_HEADS,
        )
    ],
    "tasks:todo": [P(OFFICIAL)],
    # work calendars: X's published online meeting (mklichx, chaired by X's leader, X's division
    # head invited), X's draft (mklichnhap), Y's published event (mklichy)
    "tasks_calendar:public_index": [P(EVERYONE)],
    "tasks_calendar:public_week": [
        P(
            EVERYONE,
            kwargs=lambda w: {"organisation": w.pk("dept")},
            query=lambda w: {"tuan": w.obj("calendar_day").isoformat()},
            shows={"cal_mklichx": EVERYONE, "cal_mklichnhap": NOBODY, "cal_mklichy": NOBODY},
        )
    ],
    "tasks_calendar:ical": [
        P(
            EVERYONE,
            kwargs=lambda w: {"organisation": w.pk("dept")},
            shows={"cal_mklichx": EVERYONE, "cal_mklichnhap": NOBODY, "cal_mklichy": NOBODY},
        )
    ],
    "tasks_calendar:join": [
        P(own("clerk", "leader", "unit_head"), kwargs=kw(uid="cal_mklichx.uid"))
    ],
    "tasks_calendar:sandbox_room": [
        P(own("clerk", "leader", "unit_head"), kwargs=kw(room="cal_mklichx.room"))
    ],
    "tasks_calendar:my_meetings": [
        P(
            OFFICIAL,
            shows={
                "cal_mklichx": own("leader", "unit_head"),
                "cal_mklichy": other("leader"),
                "cal_mklichnhap": NOBODY,
            },
        )
    ],
    "tasks_calendar:manage": [
        P(
            both("clerk", "leader", "unit_head"),
            query=lambda w: {"tuan": w.obj("calendar_day").isoformat()},
            shows={
                "cal_mklichx": own("clerk", "leader"),
                "cal_mklichnhap": own("clerk", "leader"),
                "cal_mklichy": other("clerk", "leader"),
            },
        )
    ],
    "tasks_calendar:event_create": [
        P(both("clerk", "unit_head")),
        # Y's clerk and the division heads may not choose X's calendar: the form says so
        P(
            both("clerk", "unit_head"),
            method="POST",
            body=lambda w: {
                "organisation": w.pk("dept"),
                "title": "Lịch thử",
                "day": future_day(3),
                "start_time": "08:00",
                "end_time": "09:00",
            },
            acts=own("clerk"),
        ),
    ],
    "tasks_calendar:event": [
        P(own("clerk", "leader"), kwargs=kw(pk="cal_mklichnhap")),
        P(other("clerk", "leader"), kwargs=kw(pk="cal_mklichy")),
    ],
    "tasks_calendar:event_edit": [P(own("clerk", "leader"), kwargs=kw(pk="cal_mklichnhap"))],
    "tasks_calendar:event_action": [
        # the leader may not submit the office's draft: the page says so, nothing changes
        P(
            own("clerk", "leader"),
            method="POST",
            kwargs=lambda w: {"pk": w.pk("cal_mklichnhap"), "action": "submit"},
            acts=own("clerk"),
        )
    ],
    # one occurrence of X's weekly series: whoever may re-publish X's calendar
    "tasks_calendar:occurrence": [
        P(
            own("clerk", "leader"),
            method="POST",
            kwargs=kw(pk="cal_mklichlap"),
            body=lambda w: {
                "original_start": w.obj("cal_mklichlap").start.isoformat(),
                "action": "cancel",
                "note": "Trùng lịch",
            },
        )
    ],
    "tasks_calendar:attendance": [
        P(
            own("clerk", "leader"),
            method="POST",
            kwargs=kw(pk="cal_mklichx"),
            body=lambda w: {f"status-{w.base.users['head'].pk}": "present"},
        )
    ],
    "tasks_calendar:conclude": [
        # only a leader gives tasks: the clerk is told so and nothing changes
        P(
            own("clerk", "leader"),
            method="POST",
            kwargs=kw(pk="cal_mklichx"),
            body=lambda w: {
                "document": w.pk("outgoing_x"),
                "content-0": "Việc sau cuộc họp",
                "lead_unit-0": w.pk("org_x"),
                "deadline-0": future_day(),
            },
            acts=own("leader"),
        )
    ],
    "tasks:statistics": [P(OFFICIAL, query={"ky": "year"})],
    "tasks:statistics_export": [P(OFFICIAL, query={"ky": "year"})],
    "tasks:directive_create": [
        P(both("leader")),
        # Y's leader opens the form but may not assign to a unit of X: the page says so
        P(
            both("leader"),
            method="POST",
            body=lambda w: {
                "title": "Chỉ đạo thử",
                "source_kind": "instruction",
                "content-0": "Việc thử",
                "lead_unit-0": w.pk("org_x"),
                "deadline_kind-0": "date",
                "deadline-0": future_day(),
            },
            acts=own("leader"),
        ),
    ],
    "tasks:detail": [
        P(TASK_X, kwargs=kw(pk="nv_x")),
        P(own("leader"), kwargs=kw(pk="nv_secret")),
    ],
    "tasks:action": [
        P(
            own("leader", "unit_head"),
            method="POST",
            kwargs=lambda w: {"pk": w.pk("nv_x"), "action": "report"},
            body={"percent": "40", "text": "Đang thực hiện."},
        ),
        P(
            own("leader"),
            method="POST",
            kwargs=lambda w: {"pk": w.pk("nv_submitted"), "action": "accept"},
            body={},
        ),
    ],
    # the sandbox identity provider answers only when OIDC_SANDBOX is on (never in production,
    # off in the tests): every endpoint is closed
    **{
        f"idp:oidc:{name}": [P(NOBODY), P(NOBODY, method="POST", body={})]
        for name in (
            "configuration",
            "jwks",
            "authorization",
            "device_authorization",
            "logout",
            "token",
            "revoke",
            "device_code",
            "userinfo",
        )
    },
    # allauth: sign-in, sign-up, password, e-mail, two-factor, social accounts
    "account_login": [
        P(EVERYONE),
        P(EVERYONE, method="POST", fmt="form", body={"login": "khong-co", "password": "sai"}),
    ],
    "account_logout": [P(EVERYONE), P(EVERYONE, method="POST", fmt="form")],
    "account_inactive": [P(EVERYONE)],
    "account_signup": [P(EVERYONE), P(EVERYONE, method="POST", fmt="form", body={})],
    "account_reauthenticate": [P(PEOPLE)],
    "account_email": [
        # allauth records the account's e-mail address as an EmailAddress row on first view
        P(PEOPLE, reads_may_add=frozenset({"account_emailaddress"})),
        P(PEOPLE, method="POST", fmt="form", body={}),
    ],
    "account_email_verification_sent": [P(EVERYONE)],
    "account_change_password": [P(PEOPLE), P(PEOPLE, method="POST", fmt="form", body={})],
    "account_set_password": [P(PEOPLE)],
    "account_reset_password": [P(EVERYONE), P(EVERYONE, method="POST", fmt="form", body={})],
    # no sign-in by code is pending: visitors go to the sign-in page, others are sent home
    "account_confirm_login_code": [P(PEOPLE)],
    "account_confirm_email": [P(EVERYONE, kwargs={"key": "khong-hop-le"})],
    "account_reset_password_from_key_done": [P(EVERYONE)],
    "account_reset_password_from_key": [P(EVERYONE, kwargs={"uidb36": "1", "key": "khong-hop-le"})],
    "account_reset_password_done": [P(EVERYONE)],
    "mfa_index": [P(PEOPLE)],
    # outside a sign-in's second step: visitors go to the sign-in page, others are sent home
    "mfa_authenticate": [P(PEOPLE)],
    "mfa_reauthenticate": [P(PEOPLE)],
    "mfa_activate_totp": [P(PEOPLE)],
    # officials must keep TOTP: once re-authenticated they see the page, but the form refuses
    # to remove the authenticator (nothing changes); people without TOTP have no such page
    "mfa_deactivate_totp": [
        P(OFFICIAL, prepare=lambda client, w, caller: _reauthenticated(client, caller)),
        P(
            OFFICIAL,
            method="POST",
            fmt="form",
            body={},
            prepare=lambda client, w, caller: _reauthenticated(client, caller),
            acts=NOBODY,
        ),
    ],
    "mfa_view_recovery_codes": [P(NOBODY)],
    "mfa_generate_recovery_codes": [P(PEOPLE)],
    "mfa_download_recovery_codes": [P(NOBODY)],
    "socialaccount_login_cancelled": [P(EVERYONE)],
    # allauth's social sign-in error page answers 401
    "socialaccount_login_error": [P(NOBODY)],
    # no social sign-in is pending: everybody is sent to the sign-in page
    "socialaccount_signup": [P(NOBODY)],
    "socialaccount_connections": [P(PEOPLE)],
    "tai-khoan/social/login/cancelled/": [P(EVERYONE)],
    "tai-khoan/social/login/error/": [P(EVERYONE)],
    "tai-khoan/social/signup/": [P(EVERYONE)],
    "tai-khoan/social/connections/": [P(EVERYONE)],
    # no identity provider is configured in the tests: the provider URLs do not exist
    "openid_connect_login": [P(NOBODY, kwargs={"provider_id": "vneid"})],
    "openid_connect_callback": [P(NOBODY, kwargs={"provider_id": "vneid"})],
    # accounts
    "accounts:profile": [P(PEOPLE)],
    "accounts:officials": [
        P(
            MANAGERS,
            shows={
                "official_x": own("it_admin", "leader", "unit_head") | {ROOT_ADMIN},
                "official_y": other("it_admin", "leader", "unit_head") | {ROOT_ADMIN},
            },
        )
    ],
    "accounts:official_create": [P(IT_ADMINS), P(IT_ADMINS, method="POST", body={})],
    "accounts:official_edit": [
        P(X_ADMINS, kwargs=kw(pk="official_x")),
        P(X_ADMINS, method="POST", kwargs=kw(pk="official_x"), body={"full_name": ""}),
    ],
    "accounts:official_deactivate": [P(X_ADMINS, method="POST", kwargs=kw(pk="official_x"))],
    "accounts:official_mfa_reset": [P(X_ADMINS, method="POST", kwargs=kw(pk="official_x"))],
    # the counter check of a citizen's CCCD: desk officers and IT administrators (finding #9)
    "accounts:citizen_id_verify": [
        P(
            both("desk_officer", "it_admin") | {ROOT_ADMIN},
            method="POST",
            kwargs=lambda w: {"pk": w.user(CITIZEN).pk},
        )
    ],
    # a citizen takes over their older local account by its password (finding #9)
    "accounts:citizen_merge": [P({CITIZEN, CITIZEN_OTHER})],
    "accounts:position_assign": [
        P(X_ADMINS, kwargs=kw(pk="official_x")),
        P(
            X_ADMINS,
            method="POST",
            kwargs=kw(pk="official_x"),
            body=lambda w: {"unit": w.pk("org_x"), "role": "clerk"},
        ),
    ],
    "accounts:position_end": [
        P(X_ADMINS, method="POST", kwargs=kw(pk="position_x"), body={"on": TODAY})
    ],
    "accounts:api_clients": [
        P(
            IT_ADMINS,
            shows={
                "api_client_x": own("it_admin") | {ROOT_ADMIN},
                "api_client_y": other("it_admin") | {ROOT_ADMIN},
            },
        ),
        P(
            IT_ADMINS,
            method="POST",
            body=lambda w: {"action": "create", "name": "Mới", "unit": w.pk("org_x")},
            acts=own("it_admin") | {ROOT_ADMIN},
        ),
    ],
    "accounts:api_token_issue": [
        P(X_ADMINS, method="POST", kwargs=kw(pk="api_client_x"), body={"name": "khoa"})
    ],
    "accounts:api_token_revoke": [P(X_ADMINS, method="POST", kwargs=kw(pk="token_x"))],
    # organisations
    "orgs:directory": [P(EVERYONE, query={"q": "xay dung"})],
    "orgs:detail": [P(EVERYONE, kwargs=kw(pk="org_x"))],
    "orgs:tree": [P(IT_ADMINS)],
    "orgs:create": [
        P(IT_ADMINS),
        P(
            IT_ADMINS,
            method="POST",
            body=lambda w: {"name": "Tổ mới", "kind": "unit", "parent": w.pk("org_x")},
            acts=X_ADMINS,
        ),
    ],
    "orgs:merge": [P(IT_ADMINS), P(IT_ADMINS, method="POST", body={})],
    "orgs:import": [P(IT_ADMINS), P(IT_ADMINS, method="POST", body={})],
    "orgs:export": [P(IT_ADMINS)],
    "orgs:edit": [
        P(X_ADMINS, kwargs=kw(pk="org_x")),
        P(X_ADMINS, method="POST", kwargs=kw(pk="org_x"), body={}),
    ],
    "orgs:move": [
        P(X_ADMINS, kwargs=kw(pk="org_x")),
        P(X_ADMINS, method="POST", kwargs=kw(pk="org_x"), body={}),
    ],
    "orgs:close": [
        P(X_ADMINS, kwargs=kw(pk="org_x")),
        P(X_ADMINS, method="POST", kwargs=kw(pk="org_x"), body={}),
    ],
    # audit trail and security events
    "audit:entries": [P(IT_ADMINS)],
    "audit:entries_export": [P(IT_ADMINS)],
    "audit:security_events": [P(IT_ADMINS)],
    "audit:security_events_export": [P(IT_ADMINS)],
    # security operations: the alert is about an account of X
    "secops:dashboard": [P(IT_ADMINS, shows={"alert_x": S("it_admin@own", ROOT_ADMIN)})],
    "secops:alert_acknowledge": [
        P(S("it_admin@own", ROOT_ADMIN), method="POST", kwargs=kw(pk="alert_x"), body={})
    ],
    "secops:alert_close": [
        P(
            S("it_admin@own", ROOT_ADMIN),
            method="POST",
            kwargs=kw(pk="alert_x"),
            body={"note": "Đã kiểm tra."},
        )
    ],
    # the level 3 evidence report names the officials without 2FA of the reader's subtree
    "secops:evidence": [P(IT_ADMINS, shows=NO_2FA)],
    "secops:evidence_export": [P(IT_ADMINS, shows=NO_2FA)],
    "secops:evidence_pdf": [P(IT_ADMINS)],
    # procedure catalogue
    "catalog:list": [P(EVERYONE, query={"q": "ly lich"})],
    "catalog:detail": [P(EVERYONE, kwargs=kw(code="procedure.code"))],
    "catalog:paper_template": [
        P(EVERYONE, kwargs=lambda w: {"code": w.obj("procedure").code, "paper_id": w.pk("paper")})
    ],
    "catalog:import": [P({ROOT_ADMIN}), P({ROOT_ADMIN}, method="POST", body={})],
    "catalog:export": [P({ROOT_ADMIN})],
    # signatures
    "signing:verify": [
        P(EVERYONE),
        P(EVERYONE, method="POST", body=lambda w: {"file": upload("van-ban.pdf", valid_pdf())}),
    ],
    "signing:confirm": [
        P(NOBODY, kwargs=kw(pk="remote_request")),  # sandbox off: no such page
        P(own("leader"), kwargs=kw(pk="remote_request"), settings={"SIGNING_SANDBOX": True}),
        P(
            own("leader"),
            method="POST",
            kwargs=kw(pk="remote_request"),
            body={},
            settings={"SIGNING_SANDBOX": True},
        ),
    ],
    # officials register the certificate of their USB token; IT administrators decide
    "signing:certificates": [
        P(OFFICIAL),
        P(OFFICIAL, method="POST", body={"action": "register"}),  # no file: the form's error
        P(IT_ADMINS, method="POST", body={"action": "approve", "certificate": "x"}),
    ],
    # remote signing (the official confirms on his phone): "Ký số từ xa" posts here; nothing
    # chosen is the page's own error (400) for any official, and nothing is prepared
    "signing:remote_start": [P(OFFICIAL, method="POST", body={})],
    # the status page of a transaction: only the official whose preparations it holds (no one
    # in the world: 404 for everybody, GET and "Kiểm tra lại")
    "signing:remote_status": [
        P(NOBODY, kwargs={"transaction_id": "khong-co"}),
        P(NOBODY, method="POST", kwargs={"transaction_id": "khong-co"}, body={}),
    ],
    # the sandbox "phone": off without the sandbox; only the remote account's owner otherwise
    "signing:sandbox_remote_confirm": [
        P(NOBODY, kwargs={"transaction_id": "khong-co"}),
        P(NOBODY, kwargs={"transaction_id": "khong-co"}, settings={"SIGNING_SANDBOX": True}),
        P(
            NOBODY,
            method="POST",
            kwargs={"transaction_id": "khong-co"},
            body={"decision": "approve"},
            settings={"SIGNING_SANDBOX": True},
        ),
    ],
    # the sandbox remote signing service (machine endpoints, SmartCA-style protocol)
    "signing:sandbox_remote_sign": [
        P(NOBODY, method="POST", body={}),  # sandbox off: no such service
        P(EVERYONE, method="POST", body={}, settings={"SIGNING_SANDBOX": True}),  # a 400
    ],
    "signing:sandbox_remote_transaction": [
        P(NOBODY, kwargs={"transaction_id": "khong-co"}, settings={"SIGNING_SANDBOX": True}),
    ],
    "signing:sandbox_tsa": [
        P(NOBODY, method="POST", fmt="raw", content_type="application/timestamp-query"),
        # the sandbox timestamp server is a machine endpoint: anyone may ask (bad request here)
        P(
            EVERYONE,
            method="POST",
            fmt="raw",
            content_type="application/timestamp-query",
            body={"raw": b"not a TimeStampReq"},
            settings={"SIGNING_SANDBOX": True},
        ),
    ],
    # payments
    "payments:return": [P(EVERYONE)],
    "payments:mine": [
        P(
            PEOPLE,
            shows={
                "payment_a": S(CITIZEN),
                "payment_b": S(CITIZEN_OTHER),
                "payment_paid": S(CITIZEN),
            },
        )
    ],
    "payments:reconciliation": [
        P(
            RECONCILERS,
            shows={
                "payment_a": own("leader", "it_admin") | {ROOT_ADMIN},
                "payment_b": other("leader", "it_admin") | {ROOT_ADMIN},
            },
        )
    ],
    "payments:reconciliation_export": [
        P(
            RECONCILERS,
            shows={
                "payment_a": own("leader", "it_admin") | {ROOT_ADMIN},
                "payment_b": other("leader", "it_admin") | {ROOT_ADMIN},
            },
        )
    ],
    # the sandbox gateway plays VNPay: public, it answers bad requests with 400
    "payments:sandbox_pay": [P(EVERYONE)],
    "payments:sandbox_process": [P(EVERYONE, method="POST", body={})],
    "payments:sandbox_querydr": [P(EVERYONE, method="POST", body={})],
    "payments:detail": [
        P(
            S(CITIZEN) | own("leader", "it_admin") | {ROOT_ADMIN},
            kwargs=kw(reference="payment_a.reference"),
        )
    ],
    "payments:pay": [P(S(CITIZEN), method="POST", kwargs=kw(reference="payment_a.reference"))],
    "payments:reconcile": [
        P(
            own("leader", "it_admin") | {ROOT_ADMIN},
            method="POST",
            kwargs=kw(reference="payment_a.reference"),
        )
    ],
    "payments:receipt": [
        P(
            S(CITIZEN) | own("leader", "it_admin") | {ROOT_ADMIN},
            kwargs=kw(reference="payment_paid.reference"),
        )
    ],
    # one-stop shop: public lookup, applicants, officials
    "dossiers:lookup": [
        P(EVERYONE),
        P(
            EVERYONE,
            method="POST",
            fmt="form",
            body=lambda w: {
                "code": w.obj("dossier_a_received").code,
                "pin": w.obj("dossier_a_received_pin"),
            },
            settings=LOOKUP_LIMITS_RAISED,
        ),
    ],
    "dossiers:lookup_result": [
        # without a lookup in this session nobody gets the file ...
        P(NOBODY, kwargs=kw(code="dossier_a_done.code", result_id="dossier_a_done_result")),
        # ... with one (the receipt's PIN is the secret) anybody does
        P(
            EVERYONE,
            kwargs=kw(code="dossier_a_done.code", result_id="dossier_a_done_result"),
            prepare=lambda client, w, caller: _lookup(client, w, "dossier_a_done"),
            # every caller looks the same code up from one address: above the per-code limit
            # (dossiers/lookup.py; its own tests are in dossiers/tests/test_lookup_limits.py)
            settings=LOOKUP_LIMITS_RAISED,
        ),
    ],
    "dossiers:my_list": [
        P(APPLICANT, shows={"dossier_a": S(CITIZEN), "dossier_b": S(CITIZEN_OTHER)})
    ],
    "dossiers:my_detail": [P(S(CITIZEN), kwargs=kw(pk="dossier_a"))],
    "dossiers:my_supplement": [
        P(
            S(CITIZEN),
            method="POST",
            kwargs=kw(pk="dossier_a_supplement"),
            body={"note": "Đã bổ sung."},
        )
    ],
    "dossiers:my_withdraw": [
        P(S(CITIZEN), method="POST", kwargs=kw(pk="dossier_a"), body={"reason": "Không cần nữa."})
    ],
    "dossiers:my_rate": [
        P(S(CITIZEN), method="POST", kwargs=kw(pk="dossier_a_done"), body={"score": "3"})
    ],
    # the fee of citizen A's dossier: off to the gateway (the payment becomes pending)
    "dossiers:my_pay": [P(S(CITIZEN), method="POST", kwargs=kw(pk="dossier_a"))],
    "dossiers:submit": [
        P(APPLICANT, kwargs=kw(code="procedure.code")),
        P(APPLICANT, method="POST", kwargs=kw(code="procedure.code"), body={}),
    ],
    "dossiers:attachment_download": [
        P(S(CITIZEN) | A_SEEN, kwargs=kw(pk="dossier_a", attachment_id="dossier_a_file"))
    ],
    "dossiers:result_download": [
        P(S(CITIZEN) | A_SEEN, kwargs=kw(pk="dossier_a_done", result_id="dossier_a_done_result"))
    ],
    "dossiers:inbox": [
        P(
            OFFICIAL,
            query={"trang_thai": ""},
            shows={"dossier_a": A_SEEN, "dossier_b": B_SEEN},
        )
    ],
    "dossiers:counter_intake": [
        P(both("desk_officer")),
        P(
            both("desk_officer"),
            method="POST",
            body=lambda w: {"thu_tuc": w.obj("procedure").code},
        ),
    ],
    "dossiers:bulk_transfer": [
        # the page reports refusals as messages: only the receiving desk transfers
        P(
            OFFICIAL,
            method="POST",
            body=lambda w: {"ids": str(w.pk("dossier_a_received"))},
            acts=own("desk_officer"),
        )
    ],
    "dossiers:register_export": [
        P(both("desk_officer")),
        P(
            both("desk_officer"),
            query={"date_from": "2026-01-01", "date_to": "2026-12-31"},
            shows={"dossier_a": own("desk_officer"), "dossier_b": other("desk_officer")},
        ),
    ],
    # the counter check of the applicant's CCCD (finding #9) is offered to the dossier's desk only
    "dossiers:detail": [
        P(
            A_SEEN,
            kwargs=kw(pk="dossier_a"),
            shows={"cccd_counter_action": own("desk_officer")},
        )
    ],
    "dossiers:receipt": [P(own("desk_officer"), kwargs=kw(pk="dossier_a"))],
    "dossiers:control_sheet": [P(A_SEEN, kwargs=kw(pk="dossier_a"))],
    "dossiers:my_receipt": [P(S(CITIZEN), kwargs=kw(pk="dossier_a"))],
    "dossiers:notice_download": [
        P(
            S(CITIZEN) | A_AT_DESK,
            kwargs=kw(pk="dossier_a_supplement", notice_id="dossier_a_supplement_notice"),
        )
    ],
    "dossiers:action": [
        # the dossier page reports a refused action inside the page (400): nothing changes
        P(
            A_SEEN,
            method="POST",
            kwargs=lambda w: {"pk": w.pk("dossier_a"), "action": "stop"},
            body={"reason": "Không đủ điều kiện."},
            acts=own("unit_head", "leader"),
        ),
        P(
            A_AT_DESK,
            method="POST",
            kwargs=lambda w: {"pk": w.pk("dossier_a_received"), "action": "transfer"},
            body={},
            acts=own("desk_officer"),
        ),
    ],
    # official documents (HTML)
    "documents:home": [P(EVERYONE)],  # a redirect to the incoming list
    "documents:incoming_list": [
        P(
            DOC_USERS,
            shows={
                "incoming_x": own("clerk", "leader", "unit_head", "specialist"),
                "incoming_y": other("clerk", "leader", "unit_head", "specialist"),
            },
        )
    ],
    "documents:incoming_register": [
        P(both("clerk")),
        P(both("clerk"), method="POST", body={}),
    ],
    "documents:sender_suggestions": [P(DOC_USERS, query={"q": "bo"})],
    "documents:incoming_detail": [
        P(own("clerk", "leader", "unit_head", "specialist"), kwargs=kw(pk="incoming_x"))
    ],
    "documents:incoming_action": [
        P(
            own("clerk", "leader", "unit_head", "specialist"),
            method="POST",
            kwargs=lambda w: {"pk": w.pk("incoming_x"), "action": "assign"},
            body=lambda w: {"phan-cong-lead_unit": w.pk("org_x")},
            acts=own("leader"),
        ),
        P(
            other("clerk", "leader"),
            method="POST",
            kwargs=lambda w: {"pk": w.pk("exchange_arrived"), "action": "accept"},
            acts=other("clerk"),
        ),
    ],
    "documents:incoming_file": [
        P(
            own("clerk", "leader", "unit_head", "specialist"),
            kwargs=kw(pk="incoming_x", file_id="incoming_x_file"),
        )
    ],
    "documents:processing_slip": [
        P(own("clerk", "leader", "unit_head", "specialist"), kwargs=kw(pk="incoming_x"))
    ],
    "documents:my_tasks": [
        P(DOC_USERS, shows={"incoming_x": own("specialist"), "incoming_y": other("specialist")})
    ],
    "documents:task_action": [
        P(
            own("specialist"),
            method="POST",
            kwargs=lambda w: {"pk": w.pk("task_x"), "action": "start"},
        )
    ],
    "documents:outgoing_list": [
        P(
            DOC_USERS,
            shows={
                "outgoing_x": own("clerk", "leader", "unit_head", "specialist"),
                "outgoing_y": other("clerk", "leader", "unit_head", "specialist"),
                "draft_x": own("unit_head", "specialist"),
            },
        )
    ],
    "documents:outgoing_create": [
        P(DOC_USERS),
        P(DOC_USERS, method="POST", body={}),
    ],
    "documents:outgoing_detail": [
        P(own("clerk", "leader", "unit_head", "specialist"), kwargs=kw(pk="outgoing_x"))
    ],
    "documents:outgoing_action": [
        P(
            own("clerk", "leader", "unit_head", "specialist"),
            method="POST",
            kwargs=lambda w: {"pk": w.pk("outgoing_x"), "action": "revoke"},
            body={"reason": "Ban hành nhầm."},
            acts=own("clerk", "leader"),
        )
    ],
    "documents:outgoing_file": [
        P(
            own("clerk", "leader", "unit_head", "specialist"),
            kwargs=lambda w: {"pk": w.pk("outgoing_x"), "kind": "pdf"},
        )
    ],
    "documents:registers": [
        P(both("clerk", "leader")),
        P(
            both("clerk", "leader"),
            query=lambda w: {
                "kind": "incoming",
                "organisation": w.base.orgs["dept"].pk,
                "year": str(dt.date.today().year),
                "output": "xlsx",
            },
            shows={"incoming_x": own("clerk", "leader")},
        ),
    ],
    # reports: leaders and unit heads, within their scope
    "reports:on_time": [P(REPORTERS)],
    "reports:on_time_export": [P(REPORTERS)],
    # integration: the operations page of the province's IT administrators
    "integration:operations": [P({ROOT_ADMIN})],
    # no dead letter in the world: 404 for the province's IT administrator, 403 for the others
    # (the retry itself is tested in chinhquyen/integration/tests/test_operations.py)
    "integration:retry": [P(NOBODY, method="POST", fmt="form", kwargs={"pk": 999999})],
    # integration: the national axis sandbox, only when INTEGRATION_AXIS_SANDBOX is on; a
    # machine endpoint (messages are signed and checked by their recipient), open to anyone then
    "integration:axis_send": [
        P(NOBODY, method="POST", fmt="raw", content_type="application/xml"),
        P(
            EVERYONE,
            method="POST",
            fmt="raw",
            content_type="application/xml",
            body={"raw": b"<not-edxml/>"},
            headers={"X-To-Organ-Id": "000.00.00.G12"},
            settings={"INTEGRATION_AXIS_SANDBOX": True},
        ),
    ],
    "integration:axis_inbox": [
        P(NOBODY, kwargs={"organ_id": "000.00.00.G12"}),
        P(
            EVERYONE,
            kwargs={"organ_id": "000.00.00.G12"},
            settings={"INTEGRATION_AXIS_SANDBOX": True},
        ),
    ],
    "integration:axis_ack": [
        P(NOBODY, method="POST", fmt="form", kwargs={"organ_id": "000.00.00.G12", "pk": 1}),
        P(
            EVERYONE,
            method="POST",
            fmt="form",
            kwargs={"organ_id": "000.00.00.G12", "pk": 999999},
            settings={"INTEGRATION_AXIS_SANDBOX": True},
        ),
    ],
    # statistics: the dashboard and the QĐ 766 index for leaders and unit heads (scoped by
    # their positions' subtrees), the public figures for everyone
    "stats:dashboard": [P(REPORTERS)],
    "stats:index766": [P(REPORTERS)],
    "stats:index766_export": [P(REPORTERS)],
    "stats:index766_pdf": [P(REPORTERS)],
    "stats:late_dossiers": [P(REPORTERS)],
    "stats:public": [P(EVERYONE)],
    "stats:public_csv": [P(EVERYONE)],
    # notifications: the SMS gateway sandbox, only when NOTIFY_SMS_SANDBOX is on, with its key
    "notifications:sms_sandbox": [
        P(NOBODY, method="POST", fmt="json", body={}),
        P(
            EVERYONE,
            method="POST",
            fmt="json",
            body={"to": "84912345678", "message": "Thu nghiem", "brandname": "CHINHQUYEN"},
            headers={"X-API-Key": "sandbox-sms-key"},
            settings={"NOTIFY_SMS_SANDBOX": True},
        ),
    ],
    # an official's own reminder preferences (no id in the URL: nobody reaches another's)
    "notifications:preferences": [
        P(OFFICIAL),
        P(
            OFFICIAL,
            method="POST",
            body={"email_enabled": "on", "quiet_start": "21:00", "quiet_end": "07:00"},
        ),
    ],
    # the Django admin (its per-model URLs are generated from ADMIN_MODELS below)
    "admin:index": [P({ROOT_ADMIN})],
    # no sign-in form of its own (accounts/admin_site.py): the admin's staff go on to the admin,
    # everyone else to the site's sign-in (TOTP for officials), which counts as a refusal
    "admin:login": [P({ROOT_ADMIN})],
    # signing out of the admin is harmless for anyone (non-staff are sent to the admin index)
    "admin:logout": [P(EVERYONE, method="POST", fmt="form")],
    "admin:password_change": [P({ROOT_ADMIN})],
    "admin:password_change_done": [P({ROOT_ADMIN})],
    "admin:autocomplete": [
        P(
            {ROOT_ADMIN},
            query={
                "app_label": "documents",
                "model_name": "issuerprofile",
                "field_name": "organisation",
                "term": "tu phap",
            },
        )
    ],
    "admin:jsi18n": [P({ROOT_ADMIN})],
    "admin:view_on_site": [
        P(
            NOBODY,  # no registered model has an absolute URL: 404 even for the staff
            kwargs=lambda w: {"content_type_id": "1", "object_id": "1"},
        )
    ],
    "admin:app_list": [P({ROOT_ADMIN}, kwargs={"app_label": "catalog"})],
    "quan-tri/(?P<url>.*)$": [P(NOBODY, kwargs={"url": "khong-co/"})],
}


def _reauthenticated(client: Any, caller: str) -> None:
    reauthenticate(client)


def _lookup(client: Any, w: SecurityWorld, name: str) -> None:
    pin_name = "dossier_a_done_pin" if name == "dossier_a_done" else f"{name}_pin"
    response = client.post(
        reverse("dossiers:lookup"), {"code": w.obj(name).code, "pin": w.obj(pin_name)}
    )
    assert response.status_code == 200, response.status_code


# --- the Django admin -----------------------------------------------------------------------

# For each registered model, what the province's IT administrator (staff, with the demo's
# "Quản trị hệ thống tỉnh" group: every permission of core, catalog, notifications, signing and
# documents) may do: v = list/view/history, a = add, c = change, d = delete. Nobody else is
# staff: every admin URL sends them to the admin's sign-in page.
ADMIN_MODELS: dict[str, str] = {
    "auth.group": "",
    "account.emailaddress": "",
    "mfa.authenticator": "",
    "socialaccount.socialapp": "",
    "socialaccount.socialtoken": "",
    "socialaccount.socialaccount": "",
    "allauth_idp_oidc.client": "",
    "allauth_idp_oidc.token": "",
    "axes.accessattempt": "",
    "axes.accesslog": "",
    "axes.accessfailurelog": "",
    "auditlog.logentry": "",
    "django_tasks_database.dbtaskresult": "",
    "core.calendarday": "vacd",
    "core.officehours": "vacd",
    "core.documenttemplate": "vacd",
    "orgs.organisation": "v",  # read-only: the admin's organisation pickers need it
    "audit.securityevent": "",
    "jobs.periodicjob": "",
    "jobs.heartbeat": "",
    "signing.signingcredential": "vacd",
    "signing.trustroot": "vacd",
    "signing.remotesigningrequest": "vd",
    "catalog.field": "vac",
    "catalog.procedure": "vac",
    "catalog.procedureversion": "vcd",  # a draft (published versions are read-only)
    "payments.payment": "",
    "payments.sandboxtransaction": "",
    "notifications.notificationtemplate": "vac",
    "notifications.notification": "v",
    "notifications.sandboxsms": "vd",
    "dossiers.dossier": "",
    "documents.documenttype": "vacd",
    "documents.issuerprofile": "vacd",
    "documents.unitabbreviation": "vacd",
    "documents.register": "vc",
    "tasks.reminderrule": "",  # superusers (the tasks app is not in the demo admin group yet)
    "integration.peer": "vacd",
    "integration.outboxmessage": "v",  # read-only; dead letters are retried by an action
    "integration.inboundmessage": "v",
    "integration.webhookendpoint": "vacd",
    "integration.webhookdelivery": "v",  # read-only; replayed by an action
    "feedback.feedbackcategory": "",  # superusers (not in the demo admin group yet)
    "feedback.feedbackclocks": "",
    "feedback.routingrule": "",
    "floor.servicearea": "",  # superusers (not in the demo admin group yet)
    "floor.counter": "",
}


# The object whose admin pages are opened, when not the model's first row.
ADMIN_OBJECTS: dict[str, Callable[[SecurityWorld], Any]] = {
    "catalog.procedureversion": lambda w: w.obj("draft_procedure").versions.get(),
}


def _admin_object(label: str) -> Callable[[SecurityWorld], str]:
    def first(w: SecurityWorld) -> str:
        from django.apps import apps

        if label in ADMIN_OBJECTS:
            return str(ADMIN_OBJECTS[label](w).pk)
        model = apps.get_model(label)
        obj = model._base_manager.order_by("pk").first()
        return str(obj.pk) if obj is not None else "999999"  # no row: a missing object

    return first


def admin_cases() -> dict[str, list[Case]]:
    out: dict[str, list[Case]] = {}
    for label, rights in ADMIN_MODELS.items():
        app, model = label.split(".")
        who = {letter: S(ROOT_ADMIN) if letter in rights else NOBODY for letter in "vacd"}
        obj = _admin_object(label)
        base = f"admin:{app}_{model}"
        out[f"{base}_changelist"] = [P(who["v"])]
        out[f"{base}_add"] = [P(who["a"]), P(who["a"], method="POST", body={}, acts=NOBODY)]
        out[f"{base}_history"] = [
            P(
                who["v"],
                kwargs=lambda w, obj=obj: {"object_id": obj(w)},
                index_redirect_refuses=True,
            )
        ]
        out[f"{base}_delete"] = [
            P(who["d"], kwargs=lambda w, obj=obj: {"object_id": obj(w)}),
            P(
                who["d"],
                method="POST",
                kwargs=lambda w, obj=obj: {"object_id": obj(w)},
                body={"post": "yes"},
            ),
        ]
        out[f"{base}_change"] = [
            P(who["v"], kwargs=lambda w, obj=obj: {"object_id": obj(w)}),
            P(
                who["c"],
                method="POST",
                kwargs=lambda w, obj=obj: {"object_id": obj(w)},
                body={},
                acts=NOBODY,
            ),
        ]
        # "<object_id>/" redirects staff to the change page, whatever their model rights
        out[f"quan-tri/{app}/{model}/<path:object_id>/"] = [
            P({ROOT_ADMIN}, kwargs=lambda w, obj=obj: {"object_id": obj(w)})
        ]
    return out


PAGES.update(admin_cases())


# --- the API: every operation of openapi.yaml -----------------------------------------------

A = Case
UNSIGNED_EDXML = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXML:edXMLEnvelope>'
    b"<edXML:edXMLHeader><edXML:MessageHeader/><edXML:Signature/></edXML:edXMLHeader>"
    b"</edXML:edXMLEnvelope></edXML:edXML>"
)
OWN_DOCS = own("clerk", "leader", "unit_head", "specialist")  # named on X's documents
OTHER_DOCS = other("clerk", "leader", "unit_head", "specialist")
X_PAYMENT = S(CITIZEN) | own("leader", "it_admin") | {ROOT_ADMIN}


def user_pk(username: str) -> Callable[[SecurityWorld], int]:
    return lambda w: w.base.users[username].pk


def action(name: str, dossier: str, allow: frozenset[str], body: Any = None) -> list[Case]:
    return [A(allow, method="POST", kwargs=kw(id=dossier), body=body or {})]


API: dict[str, list[Case]] = {
    # accounts
    "me_retrieve": [A(SIGNED_IN)],
    # notifications: an official's own reminder preferences (no id: nobody reaches another's)
    "notifications_reminder_preferences_retrieve": [A(OFFICIAL)],
    "notifications_reminder_preferences_update": [
        A(
            OFFICIAL,
            method="PUT",
            body={
                "email_enabled": True,
                "sms_enabled": False,
                "digest_enabled": True,
                "quiet_start": "21:00",
                "quiet_end": "07:00",
            },
        )
    ],
    "officials_list": [
        A(
            SIGNED_IN,
            query={"page_size": "100"},
            shows={
                "official_x": own("it_admin", "leader", "unit_head") | {ROOT_ADMIN},
                "official_y": other("it_admin", "leader", "unit_head") | {ROOT_ADMIN},
            },
        ),
        A(
            SIGNED_IN,
            query={"q": "muctieu"},
            shows={
                "official_x": own("it_admin", "leader", "unit_head") | {ROOT_ADMIN},
                "official_y": other("it_admin", "leader", "unit_head") | {ROOT_ADMIN},
            },
        ),
    ],
    "officials_create": [
        A(
            X_ADMINS,
            method="POST",
            body=lambda w: {
                "username": "can.bo.moi",
                "full_name": "Cán bộ mới",
                "email": "can.bo.moi@example.vn",
                "positions": [{"unit": w.pk("org_x"), "role": "specialist"}],
            },
        )
    ],
    "officials_retrieve": [
        A(own("it_admin", "leader", "unit_head") | {ROOT_ADMIN}, kwargs=kw(id="official_x"))
    ],
    "officials_partial_update": [
        A(X_ADMINS, method="PATCH", kwargs=kw(id="official_x"), body={"full_name": "Tên mới"})
    ],
    "officials_deactivate_create": [A(X_ADMINS, method="POST", kwargs=kw(id="official_x"))],
    "officials_positions_create": [
        A(
            X_ADMINS,
            method="POST",
            kwargs=kw(id="official_x"),
            body=lambda w: {"unit": w.pk("org_x"), "role": "clerk"},
        )
    ],
    "positions_end_create": [
        A(X_ADMINS, method="POST", kwargs=kw(id="position_x"), body={"on": TODAY})
    ],
    "api_clients_list": [
        A(
            SIGNED_IN,
            shows={
                "api_client_x": own("it_admin") | {ROOT_ADMIN},
                "api_client_y": other("it_admin") | {ROOT_ADMIN},
            },
        )
    ],
    "api_clients_create": [
        A(X_ADMINS, method="POST", body=lambda w: {"name": "Mới", "unit": w.pk("org_x")})
    ],
    "api_clients_tokens_create": [
        A(X_ADMINS, method="POST", kwargs=kw(id="api_client_x"), body={"name": "khoa"})
    ],
    "api_tokens_revoke_create": [A(X_ADMINS, method="POST", kwargs=kw(id="token_x"))],
    # audit
    "audit_entries_list": [A(IT_ADMINS)],
    "audit_security_events_list": [A(IT_ADMINS)],
    # legal calendar (public)
    "calendar_days_off": [A(EVERYONE, query={"year": "2026"})],
    "calendar_deadline": [
        A(EVERYONE, query={"start": "2026-03-02T09:00:00+07:00", "working_days": "3"})
    ],
    # catalogue
    "catalog_fields_list": [A(EVERYONE)],
    "catalog_procedures_list": [A(EVERYONE, query={"q": "ly lich"})],
    "catalog_procedures_retrieve": [A(EVERYONE, kwargs=kw(code="procedure.code"))],
    "catalog_procedures_create": [
        A(
            {ROOT_ADMIN},
            method="POST",
            body=lambda w: {
                "code": "9.999001",
                "field": w.obj("procedure").field.code,
                "level": "province",
                "name": "Thủ tục mới",
            },
        )
    ],
    "catalog_procedures_publish": [
        A({ROOT_ADMIN}, method="POST", kwargs=kw(code="draft_procedure.code"), body={})
    ],
    # organisations: the directory is public, writes need an IT administrator over both ends
    "organisations_list": [A(EVERYONE, query={"q": "xay dung"})],
    "organisations_retrieve": [A(EVERYONE, kwargs=kw(id="org_x"))],
    "organisations_by_code": [A(EVERYONE, kwargs=kw(agency_code="org_x.agency_code"))],
    "organisations_create": [
        A(
            X_ADMINS,
            method="POST",
            body=lambda w: {"name": "Tổ mới", "kind": "unit", "parent": w.pk("org_x")},
        )
    ],
    "organisations_partial_update": [
        A(X_ADMINS, method="PATCH", kwargs=kw(id="org_x"), body={"short_name": "HCTP"})
    ],
    "organisations_move": [
        A(
            X_ADMINS,
            method="POST",
            kwargs=kw(id="org_x"),
            body=lambda w: {"parent": w.base.orgs["dept"].pk},
        )
    ],
    "organisations_merge": [
        A(
            X_ADMINS,
            method="POST",
            body=lambda w: {
                "predecessors": [w.base.orgs["dept_unit2"].pk],
                "successor": w.pk("org_x"),
                "effective_date": TODAY,
            },
        )
    ],
    "organisations_import": [
        # an IT administrator elsewhere may import, but a row outside his scope is refused
        A(
            IT_ADMINS,
            method="POST",
            fmt="multipart",
            body=lambda w: {"file": _org_csv(w)},
            acts=X_ADMINS,
        )
    ],
    "organisations_export": [A(IT_ADMINS)],
    # integration: the exchange endpoint takes only messages signed by a registered peer; no
    # session or API key lets anyone in (an unsigned edXML message is refused for all)
    "integration_edxml_receive": [
        A(
            NOBODY,
            method="POST",
            fmt="raw",
            content_type="application/xml",
            body={"raw": UNSIGNED_EDXML},
        )
    ],
    # reports
    "reports_on_time": [
        A(
            REPORTERS,
            shows={
                # the month's on-time figures per competent organisation (A2 was returned)
                "dept": own("leader"),
                "dept2": other("leader"),
            },
        )
    ],
    "index766": [A(REPORTERS)],
    "statistics_public": [A(EVERYONE)],
    # payments
    "payments_list": [
        A(
            RECONCILERS,
            shows={
                "payment_a": own("leader", "it_admin") | {ROOT_ADMIN},
                "payment_b": other("leader", "it_admin") | {ROOT_ADMIN},
            },
        )
    ],
    "payments_export": [
        A(
            RECONCILERS,
            shows={
                "payment_a": own("leader", "it_admin") | {ROOT_ADMIN},
                "payment_b": other("leader", "it_admin") | {ROOT_ADMIN},
            },
        )
    ],
    "payments_mine": [
        A(
            SIGNED_IN,
            shows={
                "payment_a": S(CITIZEN),
                "payment_b": S(CITIZEN_OTHER),
                "payment_paid": S(CITIZEN),
            },
        )
    ],
    "payments_retrieve": [A(X_PAYMENT, kwargs=kw(reference="payment_a.reference"))],
    "payments_receipt": [A(X_PAYMENT, kwargs=kw(reference="payment_paid.reference"))],
    # the gateway's server-to-server call: no sign-in, a signed query (a bad one is answered)
    "payments_vnpay_ipn": [
        A(
            EVERYONE,
            query={
                "vnp_Amount": "100",
                "vnp_ResponseCode": "00",
                "vnp_SecureHash": "00",
                "vnp_TmnCode": "X",
                "vnp_TransactionStatus": "00",
                "vnp_TxnRef": "X",
            },
        )
    ],
    # signatures
    "signing_verify": [
        A(
            EVERYONE,
            method="POST",
            fmt="multipart",
            body=lambda w: {"file": upload("van-ban.pdf", valid_pdf())},
        )
    ],
    # officials sign with their own device (two-step signing)
    "signing_certificates_list": [A(OFFICIAL)],
    "signing_certificates_register": [
        A(OFFICIAL, method="POST", body={"certificate_pem": "không phải chứng thư"})
    ],
    # an IT administrator decides (a body without a decision: 400 for them, denied for others)
    "signing_certificates_decide": [A(IT_ADMINS, method="POST", kwargs={"id": 1}, body={})],
    "signing_deferred_prepare": [
        A(OFFICIAL, method="POST", body={"purpose": "documents.outgoing_sign", "target_ids": ["1"]})
    ],
    # remote signing: nothing prepared (404) / no such transaction (404) for every official
    "signing_deferred_remote_request": [
        A(NOBODY, method="POST", body={"ids": [999999], "description": "x"})
    ],
    "signing_deferred_remote_poll": [A(NOBODY, method="POST", body={"transaction_id": "x"})],
    "signing_deferred_complete": [
        A(OFFICIAL, method="POST", body={"items": [{"id": 1, "signature": "AA=="}]})
    ],
    # dossiers: public lookup
    "public_dossier_lookup": [
        A(
            EVERYONE,
            method="POST",
            body=lambda w: {
                "code": w.obj("dossier_a_received").code,
                "pin": w.obj("dossier_a_received_pin"),
            },
            settings=LOOKUP_LIMITS_RAISED,
        )
    ],
    # dossiers: applicants
    "my_dossiers_list": [
        A(APPLICANT, shows={"dossier_a": S(CITIZEN), "dossier_b": S(CITIZEN_OTHER)})
    ],
    "my_dossiers_submit": [
        # the required paper is missing: applicants get a 400, nobody else gets that far
        A(
            APPLICANT,
            method="POST",
            body=lambda w: {
                "procedure": w.obj("procedure").code,
                "form_data": {"ho_ten": "Nguyễn Văn An", "so_luong": 1},
            },
        )
    ],
    "my_dossiers_retrieve": [A(S(CITIZEN), kwargs=kw(id="dossier_a"))],
    "my_dossiers_attachment_download": [
        A(S(CITIZEN), kwargs=kw(id="dossier_a", attachment_id="dossier_a_file"))
    ],
    "my_dossiers_result_download": [
        A(S(CITIZEN), kwargs=kw(id="dossier_a_done", result_id="dossier_a_done_result"))
    ],
    "my_dossiers_reset_pin": [A(S(CITIZEN), method="POST", kwargs=kw(id="dossier_a"))],
    "my_dossiers_rate": [
        A(S(CITIZEN), method="POST", kwargs=kw(id="dossier_a_done"), body={"score": 3})
    ],
    "my_dossiers_supplement": [
        A(
            S(CITIZEN),
            method="POST",
            fmt="multipart",
            kwargs=kw(id="dossier_a_supplement"),
            body={"note": "Đã bổ sung bản sao."},
        )
    ],
    "my_dossiers_withdraw": [
        A(S(CITIZEN), method="POST", kwargs=kw(id="dossier_a"), body={"reason": "Không cần nữa."})
    ],
    # dossiers: officials
    "dossiers_inbox": [
        A(OFFICIAL, query={"status": "all"}, shows={"dossier_a": A_SEEN, "dossier_b": B_SEEN}),
        A(
            OFFICIAL,
            query={"status": "all", "q": "nguyen van an"},
            shows={"dossier_a": A_SEEN, "dossier_b": NOBODY},
        ),
    ],
    "dossiers_retrieve": [A(A_SEEN, kwargs=kw(id="dossier_a"))],
    "dossiers_tracking_register": [
        A(
            OFFICIAL,
            shows={"dossier_a": own("desk_officer"), "dossier_b": other("desk_officer")},
        )
    ],
    "dossiers_counter_intake": [
        A(
            both("desk_officer"),
            method="POST",
            body=lambda w: {
                "procedure": w.obj("procedure").code,
                "papers": [{"paper_id": w.pk("paper"), "original": 1}],
                "applicant": {"name": "Phạm Văn Dũng", "id_number": "001090000009"},
                "channel": 1,
                "set_count": 1,
            },
        )
    ],
    "dossiers_bulk_transfer": [
        A(
            own("desk_officer"),
            method="POST",
            body=lambda w: {"ids": [w.pk("dossier_a_received")]},
        )
    ],
    "dossiers_reset_pin": [A(own("desk_officer"), method="POST", kwargs=kw(id="dossier_a"))],
    "dossiers_attachment_upload": [
        A(
            A_SEEN,
            method="POST",
            fmt="multipart",
            kwargs=kw(id="dossier_a"),
            body=lambda w: {"file": upload("bien-ban.pdf")},
        )
    ],
    "dossiers_attachment_download": [
        A(A_SEEN, kwargs=kw(id="dossier_a", attachment_id="dossier_a_file"))
    ],
    "dossiers_result_download": [
        A(A_SEEN, kwargs=kw(id="dossier_a", result_id="dossier_a_result"))
    ],
    "dossiers_action_transfer": action("transfer", "dossier_a_received", own("desk_officer")),
    "dossiers_action_refuse": action(
        "refuse", "dossier_a_received", own("desk_officer"), {"reason": "Sai thủ tục."}
    ),
    "dossiers_action_assign": action(
        "assign",
        "dossier_a",
        own("unit_head", "leader"),
        lambda w: {"assignee": w.base.users["spec2"].pk},
    ),
    "dossiers_action_step_complete": action(
        "step_complete", "dossier_a", own("specialist", "unit_head", "leader")
    ),
    "dossiers_action_submit_for_approval": action(
        "submit_for_approval", "dossier_a_head", own("unit_head", "leader")
    ),
    "dossiers_action_approve": action("approve", "dossier_a_approval", own("leader")),
    "dossiers_action_send_back": action(
        "send_back", "dossier_a_approval", own("leader"), {"reason": "Cần xác minh thêm."}
    ),
    "dossiers_action_finish": action(
        "finish", "dossier_a_simple", own("specialist", "unit_head", "leader")
    ),
    "dossiers_action_attach_result": action(
        "attach_result", "dossier_a", own("specialist", "unit_head", "leader"), {"name": "KQ"}
    ),
    "dossiers_action_cancel_result": action(
        "cancel_result",
        "dossier_a",
        own("specialist", "unit_head", "leader"),
        lambda w: {"result": w.pk("dossier_a_result"), "reason": "Sai thông tin."},
    ),
    "dossiers_action_return_result": action(
        "return_result", "dossier_a_ready", own("desk_officer")
    ),
    "dossiers_action_request_supplement": action(
        "request_supplement",
        "dossier_a",
        own("specialist", "unit_head", "leader"),
        {"reason": "Thiếu giấy tờ."},
    ),
    "dossiers_action_supplement_answer": action(
        "supplement_answer", "dossier_a_supplement", own("desk_officer"), {"note": "Đã nhận."}
    ),
    "dossiers_action_stop": action(
        "stop", "dossier_a", own("unit_head", "leader"), {"reason": "Không đủ điều kiện."}
    ),
    "dossiers_action_withdraw": action(
        "withdraw", "dossier_a", own("desk_officer"), {"reason": "Theo đơn của người nộp."}
    ),
    "dossiers_action_apologise": action(
        "apologise",
        "dossier_a",
        own("unit_head", "leader"),
        lambda w: {"reason": "Chờ xác minh.", "new_appointment_at": future()},
    ),
    # documents
    "documents_types": [A(DOC_USERS)],
    "documents_incoming_list": [
        A(
            DOC_USERS,
            shows={
                "incoming_x": OWN_DOCS,
                "incoming_y": OTHER_DOCS,
                "exchange_arrived": other("clerk", "leader"),
            },
        ),
        A(DOC_USERS, query={"q": "mkvbdenx"}, shows={"incoming_x": OWN_DOCS, "incoming_y": NOBODY}),
    ],
    "documents_incoming_register": [
        A(
            own("clerk"),
            method="POST",
            fmt="multipart",
            body=lambda w: {
                "organisation": w.base.orgs["dept"].pk,
                "summary": "Về việc thử nghiệm vào sổ",
            },
        )
    ],
    "documents_incoming_detail": [A(OWN_DOCS, kwargs=kw(id="incoming_x"))],
    "documents_incoming_accept": [
        A(other("clerk"), method="POST", kwargs=kw(id="exchange_arrived"))
    ],
    "documents_incoming_submit": [
        A(
            other("clerk"),
            method="POST",
            kwargs=kw(id="exchange_arrived"),
            body=lambda w: {"leader": w.base.users["leader2"].pk},
        )
    ],
    "documents_incoming_return": [
        A(other("clerk"), method="POST", kwargs=kw(id="exchange_arrived"), body={"reason": "Nhầm."})
    ],
    "documents_incoming_assign": [
        A(
            own("leader"),
            method="POST",
            kwargs=kw(id="incoming_x"),
            body=lambda w: {"lead_unit": w.pk("org_x")},
        )
    ],
    "documents_incoming_complete": [
        A(own("leader", "unit_head"), method="POST", kwargs=kw(id="incoming_x"), body={})
    ],
    "documents_incoming_tasks": [A(OWN_DOCS, kwargs=kw(id="incoming_x"))],
    "documents_incoming_task_create": [
        A(
            own("leader", "unit_head"),
            method="POST",
            kwargs=kw(id="incoming_x"),
            body=lambda w: {"assignee": w.base.users["spec2"].pk},
        )
    ],
    "documents_incoming_file": [A(OWN_DOCS, kwargs=kw(id="incoming_x", file_id="incoming_x_file"))],
    "documents_incoming_processing_slip": [A(OWN_DOCS, kwargs=kw(id="incoming_x"))],
    "documents_my_tasks": [
        A(DOC_USERS, shows={"incoming_x": own("specialist"), "incoming_y": other("specialist")})
    ],
    "documents_task_start": [A(own("specialist"), method="POST", kwargs=kw(id="task_x"))],
    "documents_task_complete": [
        A(own("specialist"), method="POST", kwargs=kw(id="task_x"), body={"result": "Xong."})
    ],
    "documents_outgoing_list": [
        A(
            DOC_USERS,
            shows={
                "outgoing_x": OWN_DOCS,
                "outgoing_y": OTHER_DOCS,
                "draft_x": own("unit_head", "specialist"),
            },
        )
    ],
    "documents_outgoing_create": [
        A(
            OWN_DOCS,
            method="POST",
            body=lambda w: {
                "drafting_unit": w.pk("org_x"),
                "document_type": w.obj("outgoing_x").document_type_id,
                "summary": "Về việc thử nghiệm soạn thảo",
            },
        )
    ],
    "documents_outgoing_detail": [A(OWN_DOCS, kwargs=kw(id="outgoing_x"))],
    "documents_outgoing_submit": [
        A(
            own("specialist"),
            method="POST",
            kwargs=kw(id="draft_x"),
            body=lambda w: {"reviewers": [w.base.users["head"].pk]},
        )
    ],
    "documents_outgoing_review": [
        A(own("unit_head"), method="POST", kwargs=kw(id="review_x"), body={"decision": "approve"})
    ],
    "documents_outgoing_issue": [A(own("clerk"), method="POST", kwargs=kw(id="approved_x"))],
    "documents_outgoing_pdf": [A(OWN_DOCS, kwargs=kw(id="outgoing_x"))],
    "documents_outgoing_pdf_upload": [
        A(
            own("clerk", "specialist"),
            method="POST",
            fmt="multipart",
            kwargs=kw(id="issued_x"),
            body=lambda w: {"file": upload("ban-hanh.pdf", valid_pdf())},
        )
    ],
    "documents_outgoing_sign": [
        A(own("leader"), method="POST", kwargs=kw(id="issued_x"), body={"pin": "chinhquyen-demo"})
    ],
    "documents_outgoing_dispatch": [
        A(own("clerk"), method="POST", kwargs=kw(id="issued_x"), body={})
    ],
    "documents_outgoing_revoke": [
        A(
            own("clerk", "leader"),
            method="POST",
            kwargs=kw(id="outgoing_x"),
            body={"reason": "Nhầm."},
        )
    ],
    "documents_outgoing_recipients": [A(OWN_DOCS, kwargs=kw(id="outgoing_x"))],
    "documents_exchange_take_back": [
        A(
            own("clerk", "leader"),
            method="POST",
            kwargs=kw(id="exchange_message"),
            body={"reason": "Gửi nhầm."},
        )
    ],
    "documents_exchange_take_back_answer": [
        A(
            other("clerk", "leader"),
            method="POST",
            kwargs=kw(id="exchange_takeback"),
            body={"agree": False, "reason": "Đã xử lý."},
        )
    ],
    "documents_exchange_feedback": [
        A(own("clerk"), method="POST", kwargs=kw(id="exchange_external"), body={"code": "03"})
    ],
    "documents_register_export": [
        A(
            both("clerk", "leader"),
            query={"kind": "incoming", "output": "xlsx"},
            shows={"incoming_x": own("clerk", "leader"), "incoming_y": other("clerk", "leader")},
        )
    ],
    # tasks (directives): X's leader assigned to Phòng HCTP; the department's leader, clerk and
    # the division's head see X's tasks, Y's the same for Y; the confidential one only its
    # assigner (the people named on it)
    # citizen reports (feedback)
    "feedback_submit": [
        A(
            EVERYONE,
            method="POST",
            body=lambda w: {
                "kind": "field",
                "category": w.obj("pa_x").category_id,
                "title": "Phản ánh thử",
                "text": "Nội dung thử",
                "sender_name": "Người thử",
                "sender_contact": "0912000999",
            },
        )
    ],
    "feedback_contact_code": [A(EVERYONE, method="POST", body={"contact": "0912000888"})],
    "feedback_lookup": [
        A(
            EVERYONE,
            query=lambda w: {"code": w.obj("pa_x").code, "pin": w.obj("pa_x_pin")},
            settings=LOOKUP_LIMITS_RAISED,
            shows={"pa_x": EVERYONE, "pa_name": NOBODY},
        )
    ],
    "feedback_rate": [
        A(
            EVERYONE,
            method="POST",
            body=lambda w: {
                "code": w.obj("pa_pub").code,
                "pin": w.obj("pa_pub_pin"),
                "satisfied": True,
            },
            settings=LOOKUP_LIMITS_RAISED,
        )
    ],
    "feedback_public": [
        A(
            EVERYONE,
            shows={"pa_pub": EVERYONE, "pa_name": NOBODY, "pa_words": NOBODY, "pa_x": NOBODY},
        ),
        A(EVERYONE, query={"q": "mkpacong"}, shows={"pa_pub": EVERYONE, "pa_name": NOBODY}),
    ],
    "feedback_categories": [A(EVERYONE)],
    "feedback_items": [A(OFFICIAL, query={"group": "all"}, shows={"pa_x": FB_X, "pa_y": FB_Y})],
    "feedback_item": [A(FB_X, kwargs=kw(id="pa_x")), A(FB_Y, kwargs=kw(id="pa_y"))],
    "feedback_item_action": [
        A(
            FB_X_HEADS,  # the others who see it: 403
            method="POST",
            kwargs=kw(id="pa_x"),
            body={"action": "return", "reason": "Không thuộc thẩm quyền."},
        )
    ],
    "feedback_satisfaction": [A(OFFICIAL)],
    # service-centre floor: hall devices are public; counters and times are the desk's
    "floor_ticket_take": [A(EVERYONE, method="POST", kwargs=kw(id="floor_area"))],
    "floor_ticket": [A(EVERYONE, kwargs=kw(key="floor_ticket.key"))],
    "floor_display": [A(EVERYONE, kwargs=kw(id="floor_desk"))],
    "floor_counter_rate": [
        A(EVERYONE, method="POST", kwargs=kw(id="floor_rated_counter"), body={"score": 3})
    ],
    "floor_counter_action": [
        A(
            own("desk_officer"),
            method="POST",
            kwargs=lambda w: {"id": w.pk("floor_counter"), "action": "call"},
        )
    ],
    "floor_times": [A(own("desk_officer"), kwargs=kw(id="floor_desk"))],
    "tasks_list": [
        A(
            OFFICIAL,
            shows={
                "nv_x": TASK_X,
                "nv_y": TASK_Y,
                "nv_secret": own("leader"),
            },
        ),
        A(OFFICIAL, query={"category": "open_in_time", "q": "mknvx"}, shows={"nv_x": TASK_X}),
    ],
    "tasks_statistics": [A(OFFICIAL, query={"period": "year"})],
    # work calendars (see the pages above): X's published mklichx, X's draft mklichnhap,
    # Y's published mklichy; X's clerk and leader manage X's calendar, Y's Y's
    "calendar_public_week": [
        A(
            EVERYONE,
            query=lambda w: {
                "organisation": w.pk("dept"),
                "week": w.obj("calendar_day").isoformat(),
            },
            shows={"cal_mklichx": EVERYONE, "cal_mklichnhap": NOBODY, "cal_mklichy": NOBODY},
        )
    ],
    "calendar_manage_list": [
        A(
            OFFICIAL,
            query=lambda w: {"week": w.obj("calendar_day").isoformat()},
            shows={
                "cal_mklichx": own("clerk", "leader"),
                "cal_mklichnhap": own("clerk", "leader"),
                "cal_mklichy": other("clerk", "leader"),
            },
        )
    ],
    "calendar_manage_create": [
        A(
            own("clerk"),
            method="POST",
            body=lambda w: {
                "organisation": w.pk("dept"),
                "title": "Lịch thử",
                "start": future(3),
                "end": future(4),
            },
        )
    ],
    "calendar_manage_retrieve": [
        A(own("clerk", "leader"), kwargs=kw(id="cal_mklichnhap")),
        A(other("clerk", "leader"), kwargs=kw(id="cal_mklichy")),
    ],
    "calendar_manage_update": [
        A(
            own("clerk"),
            method="PUT",
            kwargs=kw(id="cal_mklichnhap"),
            body={"title": "Lịch đã sửa", "start": future(3), "end": future(4)},
        )
    ],
    "calendar_manage_occurrence": [
        A(
            own("clerk", "leader"),
            method="POST",
            kwargs=kw(id="cal_mklichlap"),
            body=lambda w: {
                "original_start": w.obj("cal_mklichlap").start.isoformat(),
                "action": "move",
                "start": (w.obj("cal_mklichlap").start + dt.timedelta(hours=5)).isoformat(),
                "end": (w.obj("cal_mklichlap").start + dt.timedelta(hours=6)).isoformat(),
            },
        )
    ],
    "calendar_manage_transition": [
        A(
            own("clerk"),
            method="POST",
            kwargs=lambda w: {"id": w.pk("cal_mklichnhap"), "action": "submit"},
            body={},
        ),
        A(
            own("clerk", "leader"),
            method="POST",
            kwargs=lambda w: {"id": w.pk("cal_mklichx"), "action": "cancel"},
            body={},
        ),
    ],
    "tasks_retrieve": [
        A(TASK_X, kwargs=kw(id="nv_x")),
        A(own("leader"), kwargs=kw(id="nv_secret")),
    ],
    "tasks_directive_create": [
        # Y's leader may assign, but not to a unit of X: refused (403)
        A(
            own("leader"),
            method="POST",
            body=lambda w: {
                "title": "Chỉ đạo thử",
                "source_kind": "instruction",
                "tasks": [
                    {"content": "Việc thử", "lead_unit": w.pk("org_x"), "deadline": future_day()}
                ],
            },
        )
    ],
    "tasks_delegate": [
        A(
            own("leader", "unit_head"),
            method="POST",
            kwargs=kw(id="nv_x"),
            body=lambda w: {"content": "Giao chuyên viên", "assignee": w.base.users["spec"].pk},
        )
    ],
    "tasks_report": [
        A(
            own("leader", "unit_head"),
            method="POST",
            fmt="multipart",
            kwargs=kw(id="nv_x"),
            body={"percent": 30, "text": "Đang thực hiện."},
        )
    ],
    "tasks_complete": [
        A(
            own("leader", "unit_head"),
            method="POST",
            kwargs=kw(id="nv_x"),
            body=lambda w: {"outgoing": w.pk("outgoing_x")},
        )
    ],
    "tasks_accept": [A(own("leader"), method="POST", kwargs=kw(id="nv_submitted"), body={})],
    "tasks_return": [
        A(
            own("leader"),
            method="POST",
            kwargs=kw(id="nv_submitted"),
            body={"reason": "Bổ sung số liệu."},
        )
    ],
    "tasks_extension_request": [
        A(
            own("leader", "unit_head"),
            method="POST",
            kwargs=kw(id="nv_x"),
            body={"requested_deadline": future_day(90), "reason": "Chờ số liệu."},
        )
    ],
    "tasks_extension_decide": [
        A(
            own("leader"),
            method="POST",
            kwargs=kw(id="nv_asking", extension_id="nv_extension"),
            body={"accept": True},
        )
    ],
}


def _org_csv(w: SecurityWorld) -> SimpleUploadedFile:
    parent = w.obj("org_x")
    content = (
        "ma_dinh_danh,ten,loai,ma_don_vi_cap_tren\n"
        f"000.99.98.H97,Tổ nhập,unit,{parent.agency_code}\n"
    )
    return SimpleUploadedFile("nhap.csv", content.encode(), content_type="text/csv")


# --- enumerating the endpoints --------------------------------------------------------------


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[tuple[str, str, Any]]:
    """(route, key, pattern) of every URL pattern: key = namespaced name, else the route."""
    for item in patterns:
        if isinstance(item, URLResolver):
            namespace = ns
            if item.namespace:
                namespace = f"{ns}:{item.namespace}" if ns else item.namespace
            yield from _walk(item.url_patterns, prefix + str(item.pattern), namespace)
        elif isinstance(item, URLPattern):
            route = prefix + str(item.pattern)
            name = f"{ns}:{item.name}" if ns and item.name else (item.name or route)
            yield route, name, item


def url_patterns() -> list[tuple[str, str, Any]]:
    return list(_walk(get_resolver().url_patterns))


def openapi_path(route: str) -> str:
    """The OpenAPI path of a Django route (drf-spectacular names ``pk`` ``id``)."""
    path = re.sub(
        r"<(?:\w+:)?(\w+)>", lambda m: "{" + ("id" if m[1] == "pk" else m[1]) + "}", route
    )
    return "/" + path


def operations() -> dict[str, tuple[str, str]]:
    """operationId -> (METHOD, path) of every operation of the committed file."""
    out: dict[str, tuple[str, str]] = {}
    for path, item in OPENAPI["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                out[op["operationId"]] = (method.upper(), path)
    return out


def test_every_page_has_an_entry_and_every_entry_a_page() -> None:
    keys = {key for route, key, _ in url_patterns() if not route.startswith(API_PREFIX)}
    missing = sorted(keys - set(PAGES))
    stale = sorted(set(PAGES) - keys)
    assert not missing, f"URL patterns without an entry in PAGES: {missing}"
    assert not stale, f"PAGES entries for URL patterns that no longer exist: {stale}"


def test_admin_table_covers_the_registered_models() -> None:
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}
    assert set(ADMIN_MODELS) == registered


def test_every_operation_has_an_entry_and_every_entry_an_operation() -> None:
    ops = operations()
    assert not sorted(set(ops) - set(API)), "operations without an entry in API"
    assert not sorted(set(API) - set(ops)), "API entries for operations that no longer exist"
    for op_id, cases in API.items():
        for case in cases:
            assert case.method == ops[op_id][0], (op_id, case.method, ops[op_id])


def test_every_api_route_is_documented_with_its_methods() -> None:
    """Every /api/v1/ URL pattern is a path of the OpenAPI file, with exactly the methods its
    view implements (an undocumented endpoint or method has no entry, so it would escape)."""
    documented = {
        path: {m.upper() for m in item if m in METHODS} for path, item in OPENAPI["paths"].items()
    }
    seen: set[str] = set()
    for route, key, pattern in url_patterns():
        if not route.startswith(API_PREFIX):
            continue
        path = openapi_path(route)
        assert path in documented, f"{key} ({route}) is not in openapi.yaml"
        view = getattr(pattern.callback, "cls", None)
        assert view is not None, key
        implemented = {m.upper() for m in METHODS if hasattr(view, m)}
        assert implemented == documented[path], (key, implemented, documented[path])
        seen.add(path)
    assert seen == set(documented), sorted(set(documented) - seen)


for _cases in (*PAGES.values(), *API.values()):
    for _case in _cases:
        assert _case.actors <= _case.allow, _case
        for _who in _case.shows.values():
            assert _who <= _case.allow, _case


# --- running the matrix ---------------------------------------------------------------------


def page_url(key: str, case: Case, world: SecurityWorld) -> str:
    kwargs = resolve(case.kwargs, world)
    if "/" not in key:  # a URL name; unnamed patterns are keyed by their route
        return reverse(key, kwargs=kwargs or None)
    route = key
    for name, value in kwargs.items():
        route = re.sub(r"<(?:\w+:)?" + name + ">", str(value), route)
        route = re.sub(r"\(\?P<" + name + r">[^)]*\)", str(value), route)
    return "/" + route.replace("^", "").replace("$", "")


def api_url(op_id: str, case: Case, world: SecurityWorld) -> str:
    _method, path = operations()[op_id]
    for name, value in resolve(case.kwargs, world).items():
        path = path.replace("{" + name + "}", str(value))
    assert "{" not in path, (op_id, path)
    return path


def run_case(world: SecurityWorld, case: Case, url: str, label: str) -> None:
    problems: list[str] = []
    with override_settings(**case.settings):
        allowed = [c for c in CALLERS if c in case.allow]
        denied = [c for c in CALLERS if c not in case.allow]
        # a refused write must change nothing; a read must not add or remove rows (its row
        # counts are compared around every request)
        before = table_digests() if case.writes else None
        counts = row_counts() if not case.writes else None
        for caller in denied:
            client = client_for(world, caller)
            if case.prepare:
                case.prepare(client, world, caller)
            response = send(client, case, url, world)
            if response.status_code >= 500 or not is_denied(response, case):
                problems.append(f"{caller}: expected a refusal, got {outcome(response)}")
            finish(response)
        if before is not None:
            touched = changed(before, table_digests())
            if touched:
                problems.append(f"refused callers changed the database: {touched}")
        if counts is not None:
            touched = sorted(set(changed(counts, row_counts())) - case.reads_may_add)
            if touched:
                problems.append(f"refused reads changed the row counts of {touched}")
        for caller in allowed:
            client = client_for(world, caller)
            with transaction.atomic():
                if case.prepare:
                    case.prepare(client, world, caller)
                check_unchanged = case.writes and caller not in case.actors
                start = table_digests() if check_unchanged else None
                start_counts = row_counts() if not case.writes else None
                response = send(client, case, url, world)
                if response.status_code >= 500 or is_denied(response):
                    problems.append(f"{caller}: expected access, got {outcome(response)}")
                    finish(response)
                elif case.shows:
                    text = body_text(response)
                    for name, viewers in case.shows.items():
                        marker = world.markers[name]
                        if (marker in text) != (caller in viewers):
                            seen = "shows" if marker in text else "does not show"
                            problems.append(f"{caller}: the answer {seen} {name} ({marker})")
                else:
                    finish(response)
                if start is not None:
                    touched = changed(start, table_digests())
                    if touched:
                        problems.append(f"{caller}: a refused action changed {touched}")
                if start_counts is not None:
                    touched = sorted(set(changed(start_counts, row_counts())) - case.reads_may_add)
                    if touched:
                        problems.append(f"{caller}: a read changed the row counts of {touched}")
                transaction.set_rollback(True)
    assert not problems, f"{label} {case.method} {url}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("key", sorted(PAGES))
def test_page(world: SecurityWorld, key: str) -> None:
    for case in PAGES[key]:
        run_case(world, case, page_url(key, case, world), key)


@pytest.mark.parametrize("op_id", sorted(API))
def test_api(world: SecurityWorld, op_id: str) -> None:
    for case in API[op_id]:
        run_case(world, case, api_url(op_id, case, world), op_id)
