"""Evidence for security level 3 (Nghị định 85/2016/NĐ-CP, TCVN 11930:2017): the platform's own
security controls that are in force, each measured live from the database and the settings.

Every function measures one control at the moment of the call and returns an :class:`Evidence`:
a status (đạt / chưa đạt / không xác định), the figures it read, the criterion applied and how
it was measured. The criteria are the platform's own thresholds, stated on each item; the report
shows which controls the platform enforces, it is not an assessment of the whole information
system (network, servers, people and procedures are outside what the platform can measure).

Scope follows the security dashboard (``selectors.alerts_visible_to``): an IT administrator at a
root organisation sees everything; another IT administrator sees the officials, audit rows,
security events and alerts of their subtree; nobody else may open the report. Settings and the
SIEM outbox are the deployment's, the same for every reader (counts only, no personal data).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allauth.mfa.models import Authenticator
from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from chinhquyen.accounts.models import Position, Role, User, UserKind
from chinhquyen.accounts.permissions import scope_filter, units_with_role
from chinhquyen.audit.models import SecurityEvent
from chinhquyen.audit.selectors import log_entries_visible_to, security_events_visible_to
from chinhquyen.jobs.models import Heartbeat, PeriodicJob

from . import selectors
from .forwarding import SyslogTarget
from .integrity import source_label
from .models import AlertRule, AlertStatus, ForwardItem, IntegrityCheck

IT_ROLES = (Role.IT_ADMIN,)

# The platform's own criteria (stated on the report next to each item).
MAX_FAILURE_LIMIT = 10  # failed sign-ins before the account is locked
MIN_PASSWORD_LENGTH = 8
WEAK_HASHERS = ("MD5", "SHA1", "Unsalted", "Crypt")
MAX_SESSION_AGE = dt.timedelta(hours=12)
MIN_HSTS_SECONDS = 180 * 24 * 3600
AUDIT_WINDOW = dt.timedelta(days=30)
MIN_RETENTION_DAYS = 90
FORWARD_MAX_DELAY = dt.timedelta(minutes=15)
ALERT_ACK_WITHIN = dt.timedelta(hours=24)
DRILL_MAX_AGE = dt.timedelta(days=92)  # one drill a quarter
MFA_LIST_LIMIT = 200  # officials without 2FA named on the page (the Excel file names all)


class Status:
    MET = "dat"
    NOT_MET = "chua_dat"
    UNKNOWN = "khong_xac_dinh"
    LABELS = {MET: "Đạt", NOT_MET: "Chưa đạt", UNKNOWN: "Không xác định"}
    ORDER = (MET, NOT_MET, UNKNOWN)


@dataclass(frozen=True)
class Figure:
    label: str
    value: str


@dataclass(frozen=True)
class OfficialRow:
    """An official in scope without a TOTP authenticator."""

    name: str
    username: str
    units: str


@dataclass(frozen=True)
class Evidence:
    key: str
    control: str
    criterion: str
    status: str
    figures: tuple[Figure, ...]
    method: str
    officials: tuple[OfficialRow, ...] = ()
    officials_more: int = 0

    @property
    def status_label(self) -> str:
        return Status.LABELS[self.status]


@dataclass(frozen=True)
class Report:
    generated_at: dt.datetime
    scope: str
    items: tuple[Evidence, ...]
    totals: dict[str, int] = field(default_factory=dict)

    def item(self, key: str) -> Evidence:
        return next(i for i in self.items if i.key == key)

    @property
    def summary(self) -> list[tuple[str, str, int]]:
        """(status, label, count) in the order đạt, chưa đạt, không xác định."""
        return [(s, Status.LABELS[s], self.totals.get(s, 0)) for s in Status.ORDER]


# --- scope ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    user: object
    root: bool
    label: str


def scope_of(user: object) -> Scope:
    """The reader's scope; PermissionDenied for anyone who is not an IT administrator."""
    units = units_with_role(user, IT_ROLES)
    if not units:
        raise PermissionDenied("Chỉ quản trị hệ thống được xem báo cáo bằng chứng an toàn.")
    root = any(unit.depth == 0 for unit in units)
    label = "Toàn hệ thống" if root else "; ".join(sorted({u.name for u in units}))
    return Scope(user=user, root=root, label=label)


# --- small helpers --------------------------------------------------------------------------


def _yes(value: bool) -> str:
    return "có" if value else "không"


def _on(value: bool) -> str:
    return "bật" if value else "tắt"


def _when(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else "chưa có"


def _age(value: dt.datetime, now: dt.datetime) -> str:
    seconds = max(int((now - value).total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{days} ngày {hours} giờ"
    if hours:
        return f"{hours} giờ {rest // 60} phút"
    return f"{rest // 60} phút"


def _middleware(dotted: str) -> bool:
    return dotted in getattr(settings, "MIDDLEWARE", [])


def _status(checks: Iterable[bool]) -> str:
    return Status.MET if all(checks) else Status.NOT_MET


# --- 1. two-factor authentication of officials ----------------------------------------------


def _positions_in_scope(scope: Scope) -> QuerySet[Position]:
    positions = Position.objects.active()
    if not scope.root:
        positions = positions.filter(scope_filter(scope.user, "unit", IT_ROLES))
    return positions


def mfa_coverage(scope: Scope, *, limit: int | None = MFA_LIST_LIMIT) -> Evidence:
    in_scope = _positions_in_scope(scope)
    officials = User.objects.filter(
        is_active=True, kind=UserKind.OFFICIAL, pk__in=in_scope.values("user_id")
    ).annotate(
        has_totp=Exists(
            Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)
        )
    )
    total = officials.count()
    without_qs = officials.filter(has_totp=False).order_by("full_name", "username")
    missing = without_qs.count()
    rows = list(without_qs[:limit] if limit is not None else without_qs)
    units: dict[int, list[str]] = {}
    positions = in_scope.filter(user__in=rows).select_related("unit")  # units in scope only
    for position in positions.order_by("unit__path"):
        names = units.setdefault(position.user_id, [])
        if position.unit.name not in names:
            names.append(position.unit.name)
    officials_rows = tuple(
        OfficialRow(name=str(u), username=u.username, units=", ".join(units.get(u.pk, [])))
        for u in rows
    )
    enforced = _middleware("chinhquyen.accounts.middleware.OfficialMFARequiredMiddleware")
    covered = total - missing
    # nobody to measure: unknown, not met
    status = Status.UNKNOWN if total == 0 else _status((missing == 0, enforced))
    percent = f" ({covered * 100 // total}%)" if total else ""
    return Evidence(
        key="mfa",
        control="Xác thực hai lớp (TOTP) của cán bộ",
        criterion="Mọi cán bộ đang giữ chức vụ có ứng dụng xác thực TOTP; hệ thống buộc cán bộ "
        "chưa có phải kích hoạt trước khi sử dụng.",
        status=status,
        figures=(
            Figure("Cán bộ đang giữ chức vụ (trong phạm vi)", str(total)),
            Figure("Đã có TOTP", f"{covered}/{total}{percent}"),
            Figure("Chưa có TOTP", str(missing)),
            Figure("Bắt buộc kích hoạt khi đăng nhập", _yes(enforced)),
        ),
        method="Đếm tài khoản cán bộ đang hoạt động có chức vụ còn hiệu lực trong phạm vi quản "
        "trị, và trong đó số tài khoản có khóa TOTP (allauth.mfa); đọc danh sách middleware.",
        officials=officials_rows,
        officials_more=max(missing - len(officials_rows), 0),
    )


# --- 2. sign-in lockout and lookup limits ---------------------------------------------------


def _cooloff_minutes() -> float | None:
    value: Any = getattr(settings, "AXES_COOLOFF_TIME", None)
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 60
    if isinstance(value, int | float):
        return float(value) * 60  # django-axes reads a number as hours
    return None


def lockout() -> Evidence:
    from chinhquyen.dossiers import lookup

    enabled = bool(getattr(settings, "AXES_ENABLED", True)) and _middleware(
        "axes.middleware.AxesMiddleware"
    )
    limit = int(getattr(settings, "AXES_FAILURE_LIMIT", 3))
    cooloff = _cooloff_minutes()
    rates = getattr(settings, "ACCOUNT_RATE_LIMITS", {}) or {}
    lookup_limits = (
        lookup.address_limit(),
        lookup.code_limit(),
        lookup.lock_failures(),
        lookup.lock_seconds(),
    )
    status = _status(
        (
            enabled,
            1 <= limit <= MAX_FAILURE_LIMIT,
            cooloff is not None and cooloff > 0,
            all(n > 0 for n in lookup_limits),
        )
    )
    cooloff_text = f"{cooloff:g} phút" if cooloff is not None else "không xác định"
    return Evidence(
        key="lockout",
        control="Khóa tài khoản khi đăng nhập sai, giới hạn tra cứu",
        criterion=f"Khóa tài khoản sau tối đa {MAX_FAILURE_LIMIT} lần đăng nhập sai, có thời "
        "gian khóa; tra cứu hồ sơ bằng mã và PIN có giới hạn số lần.",
        status=status,
        figures=(
            Figure("Khóa theo tài khoản (django-axes)", _on(enabled)),
            Figure("Số lần sai trước khi khóa", str(limit)),
            Figure("Thời gian khóa", cooloff_text),
            Figure("Giới hạn đăng nhập sai theo địa chỉ", str(rates.get("login_failed", "không"))),
            Figure("Tra cứu hồ sơ: lượt/phút mỗi địa chỉ", str(lookup_limits[0])),
            Figure("Tra cứu hồ sơ: lượt/phút mỗi mã hồ sơ", str(lookup_limits[1])),
            Figure(
                "Tra cứu hồ sơ: khóa mã sau số lần sai PIN / trong",
                f"{lookup_limits[2]} lần / {lookup_limits[3] // 3600} giờ",
            ),
        ),
        method="Đọc cấu hình đang chạy: AXES_FAILURE_LIMIT, AXES_COOLOFF_TIME, "
        "ACCOUNT_RATE_LIMITS, DOSSIER_LOOKUP_* và danh sách middleware.",
    )


# --- 3. password policy ---------------------------------------------------------------------


def password_policy() -> Evidence:
    validators = getattr(settings, "AUTH_PASSWORD_VALIDATORS", []) or []
    names = [str(v.get("NAME", "")).rsplit(".", 1)[-1] for v in validators]
    min_length = 0
    for v in validators:
        if str(v.get("NAME", "")).endswith("MinimumLengthValidator"):
            min_length = int((v.get("OPTIONS") or {}).get("min_length", 8))
    hashers = getattr(settings, "PASSWORD_HASHERS", []) or []
    hasher = str(hashers[0]).rsplit(".", 1)[-1] if hashers else "không xác định"
    weak = any(w in hasher for w in WEAK_HASHERS)
    status = _status(
        (
            min_length >= MIN_PASSWORD_LENGTH,
            "CommonPasswordValidator" in names,
            "NumericPasswordValidator" in names,
            bool(hashers) and not weak,
        )
    )
    return Evidence(
        key="password",
        control="Chính sách mật khẩu",
        criterion=f"Mật khẩu dài tối thiểu {MIN_PASSWORD_LENGTH} ký tự, không là mật khẩu phổ "
        "biến hoặc toàn chữ số; lưu bằng hàm băm có muối, lặp nhiều vòng.",
        status=status,
        figures=(
            Figure("Độ dài tối thiểu", str(min_length) if min_length else "không đặt"),
            Figure("Quy tắc kiểm tra", ", ".join(names) or "không có"),
            Figure("Hàm băm mật khẩu", hasher + (" (yếu)" if weak else "")),
        ),
        method="Đọc cấu hình đang chạy: AUTH_PASSWORD_VALIDATORS, PASSWORD_HASHERS.",
    )


# --- 4. sessions ----------------------------------------------------------------------------


def sessions() -> Evidence:
    secure = bool(getattr(settings, "SESSION_COOKIE_SECURE", False))
    http_only = bool(getattr(settings, "SESSION_COOKIE_HTTPONLY", True))
    csrf_secure = bool(getattr(settings, "CSRF_COOKIE_SECURE", False))
    age = int(getattr(settings, "SESSION_COOKIE_AGE", 1209600))
    same_site = getattr(settings, "SESSION_COOKIE_SAMESITE", "Lax") or "không đặt"
    status = _status((secure, http_only, csrf_secure, dt.timedelta(seconds=age) <= MAX_SESSION_AGE))
    hours = MAX_SESSION_AGE.total_seconds() / 3600
    return Evidence(
        key="sessions",
        control="Phiên đăng nhập",
        criterion="Cookie phiên chỉ gửi qua HTTPS (Secure), không đọc được từ JavaScript "
        f"(HttpOnly); cookie CSRF chỉ qua HTTPS; phiên hết hạn sau tối đa {hours:g} giờ.",
        status=status,
        figures=(
            Figure("SESSION_COOKIE_SECURE", _on(secure)),
            Figure("SESSION_COOKIE_HTTPONLY", _on(http_only)),
            Figure("CSRF_COOKIE_SECURE", _on(csrf_secure)),
            Figure("SESSION_COOKIE_SAMESITE", str(same_site)),
            Figure("Thời hạn phiên", f"{age / 3600:g} giờ"),
        ),
        method="Đọc cấu hình đang chạy (SESSION_COOKIE_*, CSRF_COOKIE_SECURE).",
    )


# --- 5. TLS, HSTS and security headers ------------------------------------------------------


def transport() -> Evidence:
    from chinhquyen.core.middleware import DEFAULT_CSP

    debug = bool(getattr(settings, "DEBUG", False))
    redirect = bool(getattr(settings, "SECURE_SSL_REDIRECT", False))
    hsts = int(getattr(settings, "SECURE_HSTS_SECONDS", 0) or 0)
    csp_on = _middleware("chinhquyen.core.middleware.SecurityHeadersMiddleware")
    policy = {**DEFAULT_CSP, **(getattr(settings, "CSP_OVERRIDES", {}) or {})}
    inline = "'unsafe-inline'" in policy.get("script-src", "")
    nosniff = bool(getattr(settings, "SECURE_CONTENT_TYPE_NOSNIFF", True))
    frames = str(getattr(settings, "X_FRAME_OPTIONS", "DENY"))
    status = _status(
        (
            not debug,
            redirect,
            hsts >= MIN_HSTS_SECONDS,
            csp_on and not inline,
            nosniff,
            frames == "DENY",
            _middleware("django.middleware.security.SecurityMiddleware"),
        )
    )
    return Evidence(
        key="transport",
        control="Mã hóa đường truyền (HTTPS, HSTS) và tiêu đề bảo mật",
        criterion="Mọi truy cập chuyển sang HTTPS, HSTS tối thiểu 180 ngày, có chính sách "
        "Content-Security-Policy không cho phép mã nhúng trực tiếp, nosniff, chống nhúng khung; "
        "chế độ gỡ lỗi tắt.",
        status=status,
        figures=(
            Figure("Chế độ gỡ lỗi (DEBUG)", _on(debug)),
            Figure("Chuyển HTTP sang HTTPS (SECURE_SSL_REDIRECT)", _on(redirect)),
            Figure("HSTS (SECURE_HSTS_SECONDS)", f"{hsts // 86400} ngày" if hsts else "tắt"),
            Figure(
                "Content-Security-Policy",
                ("có" if csp_on else "không") + (", cho phép 'unsafe-inline'" if inline else ""),
            ),
            Figure("X-Content-Type-Options: nosniff", _on(nosniff)),
            Figure("X-Frame-Options", frames),
        ),
        method="Đọc cấu hình đang chạy (DEBUG, SECURE_*, X_FRAME_OPTIONS, CSP_OVERRIDES, "
        "middleware). Nếu việc chuyển sang HTTPS do máy chủ phía trước đảm nhiệm và "
        "SECURE_SSL_REDIRECT tắt, nền tảng không tự kiểm chứng được nên ghi chưa đạt.",
    )


# --- 6. audit coverage and retention --------------------------------------------------------


def _last_enqueued(name: str) -> dt.datetime | None:
    return PeriodicJob.objects.filter(name=name).values_list("last_enqueued_at", flat=True).first()


def audit_coverage(scope: Scope, *, now: dt.datetime) -> Evidence:
    since = now - AUDIT_WINDOW
    entries: QuerySet[LogEntry] = log_entries_visible_to(scope.user)
    events: QuerySet[SecurityEvent] = security_events_visible_to(scope.user)
    n_entries = entries.filter(timestamp__gte=since).count()
    n_events = events.filter(created_at__gte=since).count()
    retention = int(getattr(settings, "SECURITY_EVENT_RETENTION_DAYS", 365))
    oldest = events.order_by().aggregate(oldest=Min("created_at"))["oldest"]
    logging_on = _middleware("auditlog.middleware.AuditlogMiddleware")
    if retention < MIN_RETENTION_DAYS or not logging_on:
        status = Status.NOT_MET
    elif n_entries + n_events == 0:
        status = Status.UNKNOWN  # nothing happened, or nothing was recorded: cannot tell
    else:
        status = Status.MET
    days = AUDIT_WINDOW.days
    return Evidence(
        key="audit",
        control="Nhật ký thay đổi và sự kiện an ninh",
        criterion="Thay đổi dữ liệu và sự kiện an ninh được ghi nhật ký; sự kiện an ninh được "
        f"lưu giữ tối thiểu {MIN_RETENTION_DAYS} ngày.",
        status=status,
        figures=(
            Figure(f"Dòng nhật ký thay đổi trong {days} ngày", str(n_entries)),
            Figure(f"Sự kiện an ninh trong {days} ngày", str(n_events)),
            Figure("Thời hạn lưu giữ sự kiện an ninh", f"{retention} ngày"),
            Figure(
                "Sự kiện an ninh cũ nhất còn lưu",
                f"{_when(oldest)} ({_age(oldest, now)} trước)" if oldest else "chưa có",
            ),
            Figure(
                "Lần xóa sự kiện quá hạn gần nhất",
                _when(_last_enqueued("audit.prune_security_events")),
            ),
        ),
        method=f"Đếm dòng nhật ký (django-auditlog) và sự kiện an ninh trong {days} ngày trong "
        "phạm vi quản trị; đọc SECURITY_EVENT_RETENTION_DAYS và lịch tác vụ định kỳ. Không có "
        "dòng nào thì không xác định được việc ghi nhật ký.",
    )


# --- 7. SIEM forwarding ---------------------------------------------------------------------


def siem_forwarding(*, now: dt.datetime) -> Evidence:
    target = SyslogTarget.configured()
    jsonl = str(getattr(settings, "SECOPS_JSONL_PATH", "") or "").strip()
    pending_q = Q(pk__in=[])
    if target is not None:
        pending_q |= Q(syslog_sent_at__isnull=True)
    if jsonl:
        pending_q |= Q(jsonl_sent_at__isnull=True)
    pending = ForwardItem.objects.filter(pending_q)
    n_pending = pending.count()
    n_failing = pending.filter(attempts__gt=0).count()
    oldest = pending.order_by("id").values_list("created_at", flat=True).first()
    beat = Heartbeat.objects.filter(name=Heartbeat.WORKER).values_list("beat_at", flat=True)
    worker = beat.first()
    targets = []
    if target is not None:
        targets.append(
            f"syslog {target.host}:{target.port} ({'TLS' if target.tls else 'không mã hóa'})"
        )
    if jsonl:
        targets.append(f"JSON lines {jsonl}")
    if not targets:
        status = Status.NOT_MET
    else:
        status = _status((oldest is None or now - oldest <= FORWARD_MAX_DELAY,))
    minutes = int(FORWARD_MAX_DELAY.total_seconds() // 60)
    return Evidence(
        key="siem",
        control="Chuyển sự kiện an ninh sang hệ thống giám sát (SIEM)",
        criterion="Có đích nhận (syslog hoặc JSON lines); không sự kiện nào chờ chuyển quá "
        f"{minutes} phút.",
        status=status,
        figures=(
            Figure("Đích nhận", "; ".join(targets) or "chưa cấu hình"),
            Figure("Đang chờ chuyển", str(n_pending)),
            Figure("Đang chờ sau lần chuyển lỗi", str(n_failing)),
            Figure(
                "Mục chờ lâu nhất",
                f"{_when(oldest)} ({_age(oldest, now)} trước)" if oldest else "không có",
            ),
            Figure("Tiến trình nền hoạt động gần nhất", _when(worker)),
        ),
        method="Đọc SECOPS_SYSLOG_HOST, SECOPS_JSONL_PATH; đếm hàng đợi chuyển SIEM chưa gửi tới "
        "các đích đã cấu hình (số liệu toàn hệ thống); đọc tín hiệu hoạt động của tiến trình nền.",
    )


# --- 8. alerts ------------------------------------------------------------------------------


def alerts(scope: Scope, *, now: dt.datetime) -> Evidence:
    visible = selectors.alerts_visible_to(scope.user)
    n_open = visible.filter(status=AlertStatus.OPEN).count()
    n_ack = visible.filter(status=AlertStatus.ACKNOWLEDGED).count()
    oldest = (
        visible.filter(status=AlertStatus.OPEN)
        .order_by("created_at", "id")
        .values_list("created_at", flat=True)
        .first()
    )
    rules = AlertRule.objects.filter(enabled=True).count()
    hours = int(ALERT_ACK_WITHIN.total_seconds() // 3600)
    status = _status((rules > 0, oldest is None or now - oldest <= ALERT_ACK_WITHIN))
    return Evidence(
        key="alerts",
        control="Cảnh báo an ninh và việc tiếp nhận",
        criterion=f"Có quy tắc cảnh báo đang áp dụng; cảnh báo được tiếp nhận trong {hours} giờ.",
        status=status,
        figures=(
            Figure("Quy tắc cảnh báo đang áp dụng", str(rules)),
            Figure("Cảnh báo mới, chưa tiếp nhận", str(n_open)),
            Figure("Cảnh báo đã tiếp nhận, chưa đóng", str(n_ack)),
            Figure(
                "Cảnh báo chưa tiếp nhận lâu nhất",
                f"{_when(oldest)} ({_age(oldest, now)} trước)" if oldest else "không có",
            ),
        ),
        method="Đếm cảnh báo trong phạm vi quản trị theo trạng thái; đọc quy tắc cảnh báo.",
    )


# --- 9. backups and restore drills ----------------------------------------------------------


def read_drill_status(path: Path) -> dict[str, Any] | None:
    """The JSON written by scripts/backup-restore-drill.py, or None (missing, unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _step(status: dict[str, Any] | None, name: str) -> tuple[dt.datetime | None, bool, str]:
    entry = (status or {}).get(name)
    if not isinstance(entry, dict):
        return None, False, ""
    at = parse_datetime(str(entry.get("at", "")))
    if at is not None and timezone.is_naive(at):
        at = timezone.make_aware(at, dt.UTC)
    return at, entry.get("ok") is True, str(entry.get("summary", ""))[:500]


def backups(*, now: dt.datetime) -> Evidence:
    path = Path(getattr(settings, "BACKUP_DRILL_STATUS_FILE", ""))
    status_file = read_drill_status(path)
    backup_at, backup_ok, backup_summary = _step(status_file, "backup")
    drill_at, drill_ok, drill_summary = _step(status_file, "drill")
    if drill_at is None:
        status = Status.UNKNOWN
    else:
        status = _status((drill_ok, now - drill_at <= DRILL_MAX_AGE))

    def describe(at: dt.datetime | None, ok: bool, summary: str) -> str:
        if at is None:
            return "chưa có bản ghi"
        outcome = "thành công" if ok else "không thành công"
        return f"{_when(at)}, {outcome}" + (f" — {summary}" if summary else "")

    return Evidence(
        key="backup",
        control="Sao lưu và diễn tập khôi phục",
        criterion="Diễn tập khôi phục (sao lưu, khôi phục vào cơ sở dữ liệu mới, đối chiếu số "
        f"dòng và SHA-256 từng tệp) thành công trong {DRILL_MAX_AGE.days} ngày gần nhất.",
        status=status,
        figures=(
            Figure(
                "Sao lưu gần nhất (bằng công cụ diễn tập)",
                describe(backup_at, backup_ok, backup_summary),
            ),
            Figure("Diễn tập khôi phục gần nhất", describe(drill_at, drill_ok, drill_summary)),
        ),
        method="Đọc tệp trạng thái do scripts/backup-restore-drill.py ghi "
        "(BACKUP_DRILL_STATUS_FILE). Sao lưu bằng công cụ khác không được ghi nhận ở đây; "
        "không có bản ghi thì không xác định.",
    )


# --- 10. integrity checks -------------------------------------------------------------------


INTEGRITY_RUN_MAX_AGE = dt.timedelta(days=1)  # the hourly job must have run within a day
INTEGRITY_EXAMPLES = 5  # findings named on the report


def integrity(*, now: dt.datetime) -> Evidence:
    """The periodic integrity check of stored files (:mod:`.integrity`), read from its runs."""
    pass_days = settings.SECOPS_INTEGRITY_PASS_DAYS
    criterion = (
        "Tác vụ định kỳ đọc lại toàn bộ tệp lưu trữ (mã băm SHA-256 ghi lúc lưu, chữ ký số của "
        f"văn bản đi đã ký) ít nhất {pass_days} ngày một lượt, lần chạy gần nhất trong "
        f"{INTEGRITY_RUN_MAX_AGE.days} ngày, và không phát hiện tệp bị thay đổi hay mất từ đầu "
        "lượt trọn vẹn gần nhất."
    )
    method = (
        "Đọc các lần chạy của tác vụ «secops.integrity_check» (mỗi giờ; manage.py "
        "integrity_check): mỗi lần đọc lại một phần tệp từ kho lưu trữ, tiếp tục từ chỗ lần "
        "trước dừng, tính lại SHA-256 và kiểm tra lại chữ ký số; mỗi sai lệch là một sự kiện an "
        "ninh «integrity_mismatch» và một cảnh báo. Số liệu của toàn hệ thống."
    )
    last = IntegrityCheck.objects.order_by("-finished_at", "-pk").first()
    if last is None:
        return Evidence(
            key="integrity",
            control="Kiểm tra toàn vẹn dữ liệu định kỳ",
            criterion=criterion,
            status=Status.UNKNOWN,
            figures=(Figure("Lần kiểm tra gần nhất", "chưa có bản ghi"),),
            method=method,
        )
    done = (
        IntegrityCheck.objects.filter(pass_completed=True).order_by("-finished_at", "-pk").first()
    )
    since = done.pass_started_at if done is not None else last.pass_started_at
    runs = IntegrityCheck.objects.filter(finished_at__gte=since).order_by("finished_at", "pk")
    failures = 0
    examples: list[str] = []
    for run in runs.only("failures", "findings"):
        failures += run.failures
        for finding in run.findings[: INTEGRITY_EXAMPLES - len(examples)]:
            examples.append(
                f"{source_label(finding['source'])} #{finding['id']}: {finding['problem']}"
            )
    if failures:
        status = Status.NOT_MET
    elif done is None:
        status = Status.UNKNOWN
    elif (
        now - done.finished_at > dt.timedelta(days=pass_days)
        or now - last.finished_at > INTEGRITY_RUN_MAX_AGE
    ):
        status = Status.NOT_MET
    else:
        status = Status.MET
    figures = [
        Figure(
            "Lần kiểm tra gần nhất",
            f"{_when(last.finished_at)}: {last.files_checked} tệp, {last.failures} sai lệch",
        ),
        Figure(
            "Lượt kiểm tra trọn vẹn gần nhất",
            f"từ {_when(done.pass_started_at)} đến {_when(done.finished_at)}"
            if done is not None
            else "lượt đầu tiên chưa xong",
        ),
        Figure("Tệp sai lệch từ đầu lượt trọn vẹn gần nhất", str(failures)),
    ]
    figures += [Figure("Sai lệch", example) for example in examples]
    return Evidence(
        key="integrity",
        control="Kiểm tra toàn vẹn dữ liệu định kỳ",
        criterion=criterion,
        status=status,
        figures=tuple(figures),
        method=method,
    )


# --- the report -----------------------------------------------------------------------------


def report(user: object, *, now: dt.datetime | None = None, all_officials: bool = False) -> Report:
    """Every item, measured now, for ``user`` (PermissionDenied unless an IT administrator).
    ``all_officials`` names every official without 2FA (the Excel file), not only the first
    ``MFA_LIST_LIMIT``."""
    scope = scope_of(user)
    now = now or timezone.now()
    items = (
        mfa_coverage(scope, limit=None if all_officials else MFA_LIST_LIMIT),
        lockout(),
        password_policy(),
        sessions(),
        transport(),
        audit_coverage(scope, now=now),
        siem_forwarding(now=now),
        alerts(scope, now=now),
        backups(now=now),
        integrity(now=now),
    )
    totals = {s: sum(1 for i in items if i.status == s) for s in Status.ORDER}
    return Report(generated_at=now, scope=scope.label, items=items, totals=totals)
