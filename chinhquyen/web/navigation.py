"""The officer workspace navigation: one registry, so every app adds its entries here.

An entry names a URL (``app:name``), an icon from the vendored Bootstrap Icons font and the
roles that may see it (``None`` = any official). An entry whose URL does not reverse (the app
that provides it is not installed or not built yet) is left out of the menu, never a 500.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from chinhquyen.accounts.models import Position, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    roles: frozenset[str] | None = None

    def allows(self, roles: Iterable[str]) -> bool:
        return self.roles is None or bool(self.roles & set(roles))

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


def _roles(*roles: Role) -> frozenset[str]:
    return frozenset(r.value for r in roles)


NAV_ITEMS: list[NavItem] = [
    NavItem("Trang làm việc", "web:workspace", "house-door"),
    NavItem("Danh bạ cơ quan", "orgs:directory", "journal-text"),
    NavItem("Thủ tục hành chính", "catalog:list", "list-check"),
    NavItem("Kiểm tra chữ ký số", "signing:verify", "patch-check"),
    NavItem("Quản lý cơ quan, đơn vị", "orgs:tree", "diagram-3", _roles(Role.IT_ADMIN)),
    NavItem(
        "Cán bộ, công chức",
        "accounts:officials",
        "people",
        _roles(Role.IT_ADMIN, Role.LEADER, Role.UNIT_HEAD),
    ),
    NavItem("Hệ thống kết nối API", "accounts:api_clients", "plug", _roles(Role.IT_ADMIN)),
    NavItem("Nhật ký hệ thống", "audit:entries", "clock-history", _roles(Role.IT_ADMIN)),
    NavItem(
        "Sự kiện an ninh", "audit:security_events", "shield-exclamation", _roles(Role.IT_ADMIN)
    ),
    NavItem("Giám sát an ninh", "secops:dashboard", "shield-check", _roles(Role.IT_ADMIN)),
    NavItem(
        "Bằng chứng an toàn hệ thống",
        "secops:evidence",
        "clipboard-check",
        _roles(Role.IT_ADMIN),
    ),
    NavItem(
        "Lịch làm việc, ngày nghỉ",
        "admin:core_calendarday_changelist",
        "calendar3",
        _roles(Role.IT_ADMIN),
    ),
    NavItem(
        "Đối soát thanh toán",
        "payments:reconciliation",
        "cash-coin",
        _roles(Role.LEADER, Role.IT_ADMIN),
    ),
    NavItem("Tài liệu API", "api-docs", "braces", _roles(Role.IT_ADMIN)),
    NavItem(
        "Hồ sơ một cửa",
        "dossiers:inbox",
        "inboxes",
        _roles(Role.DESK_OFFICER, Role.SPECIALIST, Role.UNIT_HEAD, Role.LEADER),
    ),
    NavItem(
        "Tiếp nhận hồ sơ", "dossiers:counter_intake", "box-arrow-in-down", _roles(Role.DESK_OFFICER)
    ),
    NavItem(
        "Bảng điều hành", "stats:dashboard", "speedometer2", _roles(Role.UNIT_HEAD, Role.LEADER)
    ),
    NavItem(
        "Thống kê đúng hạn",
        "reports:on_time",
        "bar-chart-line",
        _roles(Role.UNIT_HEAD, Role.LEADER),
    ),
    NavItem("Nhiệm vụ", "tasks:list", "clipboard-check"),
    NavItem("Cuộc họp của tôi", "tasks_calendar:my_meetings", "camera-video"),
    NavItem(
        "Lịch công tác",
        "tasks_calendar:manage",
        "calendar-week",
        _roles(Role.CLERK, Role.LEADER, Role.UNIT_HEAD),
    ),
    NavItem(
        "Chỉ số QĐ 766", "stats:index766", "clipboard-data", _roles(Role.UNIT_HEAD, Role.LEADER)
    ),
    NavItem("Hồ sơ cá nhân", "accounts:profile", "person-circle"),
    NavItem("Cài đặt nhắc việc", "notifications:preferences", "bell"),
    NavItem("Bảo mật hai lớp", "mfa_index", "shield-lock"),
    NavItem(
        "Văn bản đến",
        "documents:incoming_list",
        "inbox",
        _roles(Role.CLERK, Role.LEADER, Role.UNIT_HEAD, Role.SPECIALIST),
    ),
    NavItem(
        "Vào sổ văn bản đến", "documents:incoming_register", "journal-plus", _roles(Role.CLERK)
    ),
    NavItem(
        "Việc của tôi",
        "documents:my_tasks",
        "list-check",
        _roles(Role.SPECIALIST, Role.UNIT_HEAD, Role.LEADER, Role.CLERK),
    ),
    NavItem(
        "Văn bản đi",
        "documents:outgoing_list",
        "send",
        _roles(Role.CLERK, Role.LEADER, Role.UNIT_HEAD, Role.SPECIALIST),
    ),
    NavItem(
        "Sổ đăng ký văn bản",
        "documents:registers",
        "journal-bookmark",
        _roles(Role.CLERK, Role.LEADER),
    ),
]


@dataclass(frozen=True)
class NavLink:
    """A menu entry ready to render: the item, its URL and whether it is the current page."""

    item: NavItem
    url: str
    current: bool

    @property
    def label(self) -> str:
        return self.item.label

    @property
    def icon(self) -> str:
        return self.item.icon


@dataclass(frozen=True)
class NavSection:
    title: str
    links: list[NavLink]
    position: Position | None = None


def reversible_items(items: Sequence[NavItem] | None = None) -> dict[str, bool]:
    """URL name -> whether it reverses now (shows which entries are not wired yet)."""
    return {item.url_name: item.url() is not None for item in (items or NAV_ITEMS)}


def _current_url(urls: Iterable[str], path: str | None) -> str | None:
    """The longest URL that is ``path`` or a parent of it (so sub-pages mark their entry)."""
    if not path:
        return None
    best: str | None = None
    for url in urls:
        matches = path == url or (url.endswith("/") and url != "/" and path.startswith(url))
        if matches and (best is None or len(url) > len(best)):
            best = url
    return best


def _links(items: Iterable[NavItem]) -> list[tuple[NavItem, str]]:
    resolved = []
    for item in items:
        url = item.url()
        if url is not None:
            resolved.append((item, url))
    return resolved


def workspace_sections(
    positions: Sequence[Position],
    *,
    path: str | None = None,
    items: Sequence[NavItem] | None = None,
) -> list[NavSection]:
    """The side navigation: the entries every official has, then one section per position
    with the entries its role adds (each entry listed once, under the first position that
    grants it). Sections without entries are left out."""
    registry = list(items if items is not None else NAV_ITEMS)
    resolved = _links(registry)
    current = _current_url((url for _, url in resolved), path)

    def link(item: NavItem, url: str) -> NavLink:
        return NavLink(item=item, url=url, current=url == current)

    sections = [
        NavSection("Chung", [link(item, url) for item, url in resolved if item.roles is None])
    ]
    shown: set[str] = set()
    for position in positions:
        links = [
            link(item, url)
            for item, url in resolved
            if item.roles is not None and position.role in item.roles and url not in shown
        ]
        shown.update(nav.url for nav in links)
        if links:
            sections.append(NavSection(str(position), links, position))
    return [section for section in sections if section.links]


def position_links(position: Position, *, items: Sequence[NavItem] | None = None) -> list[NavLink]:
    """Every entry a position's role gives (for the workspace home's per-position cards)."""
    registry = list(items if items is not None else NAV_ITEMS)
    return [
        NavLink(item=item, url=url, current=False)
        for item, url in _links(registry)
        if item.roles is not None and position.role in item.roles
    ]


def visible_items(roles: Iterable[str], *, items: Sequence[NavItem] | None = None) -> list[NavItem]:
    """Entries a user with ``roles`` may see whose URL reverses."""
    role_set = set(roles)
    return [item for item, _ in _links(items or NAV_ITEMS) if item.allows(role_set)]
