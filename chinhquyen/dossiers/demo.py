"""Demo dossiers: about forty dossiers of the demo procedures in every status, made through the
services (so codes, clocks and history are real), for the demo accounts.

``load_demo_dossiers(context)`` is a demo loader (see ``chinhquyen/demo.py``): it uses the
context's ``orgs``, ``accounts`` and ``procedures`` (loading them when absent) and is
idempotent: each scenario is keyed by an idempotency key of its applicant (``demo-NN``) and is
skipped when that dossier exists. Times are in the past relative to now, on the legal calendar,
so that some dossiers are early, on time, late, overdue, paused or apologised for.

Who works on them (accounts demo): ``motcua`` (desk of the provincial service centre),
``truongphong`` (unit head) and ``chuyenvien`` (specialist) of Phòng Hành chính tư pháp,
``lanhdao`` (leader of Sở Tư pháp), ``motcua.xa`` and ``chuyenvien.xa`` (phường Hoa Lư); commune
dossiers are approved by ``lanhdao.tinh`` (the demo has no commune leader account).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.catalog.models import ProcedureVersion
from chinhquyen.catalog.selectors import procedure_version_current
from chinhquyen.core.calendar import VN_TZ, LegalCalendar, get_calendar
from chinhquyen.core.pdf import blank_pdf
from chinhquyen.orgs.models import Organisation

from . import services
from .models import Channel, Dossier, PaymentStatus

LLTP = "2.000488"  # Phiếu lý lịch tư pháp (Sở Tư pháp, 10 working days, inter-agency step)
BIRTH = "1.001193"  # Đăng ký khai sinh (every commune, same day)
BUILD = "1.013225"  # Giấy phép xây dựng nhà ở (every commune, 15 working days)
ENTERPRISE = "2.001610"  # Đăng ký doanh nghiệp tư nhân (Sở Tài chính, 3 working days)


# Uploads and results must be readable PDFs: results are sealed by the competent organisation.
SAMPLE_PDF = blank_pdf()


def _applicant_block(user: User) -> dict[str, Any]:
    return {
        "ho_ten": user.full_name,
        "so_dinh_danh": user.citizen_id or "037090001234",
        "dia_chi": user.address or "Phường Hoa Lư, tỉnh Ninh Bình",
    }


def form_for(code: str, user: User) -> dict[str, Any]:
    """Valid answers to the demo procedure's form for ``user``."""
    if code == LLTP:
        return {
            "ho_ten": user.full_name,
            "ngay_sinh": "1990-05-12",
            "so_dinh_danh": user.citizen_id or "037090001234",
            "noi_cu_tru": user.address or "Phường Hoa Lư, tỉnh Ninh Bình",
            "loai_phieu": 1,
            "so_luong": 1,
            "muc_dich": "Bổ sung hồ sơ xin việc",
            "cam_ket": True,
        }
    if code == BIRTH:
        return {
            "nguoi_yeu_cau": _applicant_block(user),
            "quan_he": "cha",
            "tre": {
                "ho_ten": "Nguyễn Minh Khôi",
                "ngay_sinh": "2026-10-20",
                "gioi_tinh": "nam",
                "noi_sinh": "Bệnh viện Sản Nhi Ninh Bình",
            },
            "cam_ket": True,
        }
    if code == BUILD:
        return {
            "chu_dau_tu": _applicant_block(user),
            "dia_diem": "Tổ dân phố 5, phường Hoa Lư",
            "dien_tich_xay_dung": 96.5,
            "so_tang": 3,
            "cam_ket": True,
        }
    if code == ENTERPRISE:
        return {
            "ten_doanh_nghiep": "Doanh nghiệp tư nhân Tràng An Xanh",
            "dia_chi_tru_so": "Xã Gia Viễn, tỉnh Ninh Bình",
            "nganh_nghe": "Kinh doanh dịch vụ lưu trú du lịch",
            "von_dau_tu": 500_000_000,
            "cam_ket": True,
        }
    return {}


@dataclass
class Demo:
    orgs: dict[str, Organisation]
    users: dict[str, User]
    now: dt.datetime
    calendar: LegalCalendar

    # ---- time --------------------------------------------------------------------------------

    def days_ago(self, n: int, hour: int = 8, minute: int = 30) -> dt.datetime:
        """``hour:minute`` of the ``n``-th working day before today (today: never later than
        half an hour ago)."""
        day = self.now.astimezone(VN_TZ).date()
        count = 0
        while count < n:
            day -= dt.timedelta(days=1)
            if self.calendar.is_working_day(day):
                count += 1
        moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=VN_TZ)
        return min(moment, self.now - dt.timedelta(minutes=30))

    def version(self, code: str, at: dt.datetime) -> ProcedureVersion:
        """The version of procedure ``code`` in force at ``at``."""
        version = procedure_version_current(code, at.astimezone(VN_TZ).date())
        if version is None:
            raise LookupError(f"demo procedure {code} is not in force on {at:%d/%m/%Y}")
        return version

    def plus(self, start: dt.datetime, hours: float) -> dt.datetime:
        """``hours`` of working time after ``start`` (never later than now)."""
        moment = self.calendar.add_working_time(start, dt.timedelta(hours=hours))
        return min(moment, self.now - dt.timedelta(minutes=1))

    # ---- intake ------------------------------------------------------------------------------

    def exists(self, key: str, applicant: str) -> bool:
        return Dossier.objects.filter(applicant=self.users[applicant], idempotency_key=key).exists()

    def counter(
        self,
        key: str,
        code: str,
        at: dt.datetime,
        *,
        applicant: str = "congdan",
        desk: str = "motcua",
        competent: str | None = None,
    ) -> Dossier:
        version = self.version(code, at)
        papers = [
            services.PaperCount(paper_id=p.pk, original=max(p.original_count, 1))
            for p in version.papers.all()
            if p.required
        ]
        dossier = services.dossier_receive_at_counter(
            actor=self.users[desk],
            procedure=version,
            applicant=self.users[applicant],
            applicant_details={
                "id_number": self.users[applicant].citizen_id or self.users[applicant].tax_code
            },
            form_data=form_for(code, self.users[applicant]),
            papers=papers,
            competent_organisation=self.orgs[competent] if competent else None,
            idempotency_key=key,
            at=at,
        ).dossier
        if _pays(key) and dossier.fee_total > 0:
            dossier = services.dossier_set_payment_status(
                actor=self.users[desk],
                dossier=dossier,
                status=PaymentStatus.PAID,
                reference="Nộp tiền mặt tại Bộ phận một cửa",
                at=at,
            )
        return dossier

    def online(
        self,
        key: str,
        code: str,
        at: dt.datetime,
        *,
        applicant: str = "congdan",
        competent: str | None = None,
    ) -> Dossier:
        version = self.version(code, at)
        uploads = [
            services.Upload(
                file=ContentFile(SAMPLE_PDF, name=f"giay-to-{p.order}.pdf"), paper_id=p.pk
            )
            for p in version.papers.all()
            if p.required
        ]
        return services.dossier_submit_online(
            actor=self.users[applicant],
            procedure=version,
            form_data=form_for(code, self.users[applicant]),
            uploads=uploads,
            competent_organisation=self.orgs[competent] if competent else None,
            idempotency_key=key,
            at=at,
        ).dossier

    # ---- the Sở Tư pháp process (LLTP) ------------------------------------------------------

    LLTP_STAGES = (
        "transfer",
        "assign",
        "to_external",
        "from_external",
        "submit",
        "approve",
        "return",
    )

    def lltp(
        self,
        d: Dossier,
        start: dt.datetime,
        *,
        upto: str,
        hours: dict[str, float] | None = None,
        result_file: bool = False,
    ) -> Dossier:
        """Drive an LLTP dossier received at ``start`` through the stages up to ``upto``;
        ``hours`` gives the working hours after ``start`` of each stage."""
        plan: dict[str, float] = {
            "transfer": 1,
            "assign": 2,
            "to_external": 10,
            "from_external": 24,
            "submit": 30,
            "approve": 36,
            "return": 40,
        }
        plan.update(hours or {})
        u = self.users
        for stage in self.LLTP_STAGES:
            at = self.plus(start, plan[stage])
            if stage == "transfer":
                d = services.dossier_transfer(actor=u["motcua"], dossier=d, at=at)
            elif stage == "assign":
                d = services.dossier_assign(
                    actor=u["truongphong"], dossier=d, assignee=u["chuyenvien"], at=at
                )
            elif stage in ("to_external", "from_external"):
                d = services.dossier_step_complete(
                    actor=u["chuyenvien"],
                    dossier=d,
                    note="Đề nghị Công an tỉnh tra cứu"
                    if stage == "to_external"
                    else "Đã nhận kết quả tra cứu",
                    at=at,
                )
            elif stage == "submit":
                d = services.dossier_submit_for_approval(actor=u["truongphong"], dossier=d, at=at)
            elif stage == "approve":
                if result_file:
                    services.dossier_attach_result(
                        actor=u["lanhdao"],
                        dossier=d,
                        name="Phiếu lý lịch tư pháp số 1",
                        file=ContentFile(SAMPLE_PDF, name="phieu-lltp.pdf"),
                        at=at,
                    )
                d = services.dossier_approve(actor=u["lanhdao"], dossier=d, at=at)
            elif stage == "return":
                d = services.dossier_return_result(actor=u["motcua"], dossier=d, at=at)
            if stage == upto:
                break
        return d

    # ---- the commune process -----------------------------------------------------------------

    def commune(self, d: Dossier, start: dt.datetime, *, upto: str, desk: str) -> Dossier:
        u = self.users
        steps: list[tuple[str, Callable[[dt.datetime], Dossier]]] = [
            ("transfer", lambda at: services.dossier_transfer(actor=u[desk], dossier=d, at=at)),
            (
                "submit",
                lambda at: services.dossier_submit_for_approval(
                    actor=u["chuyenvien.xa"], dossier=d, at=at
                ),
            ),
            (
                "approve",
                lambda at: services.dossier_approve(actor=u["lanhdao.tinh"], dossier=d, at=at),
            ),
            (
                "return",
                lambda at: services.dossier_return_result(actor=u[desk], dossier=d, at=at),
            ),
        ]
        for index, (stage, act) in enumerate(steps, start=1):
            d = act(self.plus(start, 0.5 * index))
            if stage == upto:
                break
        return d


Scenario = Callable[[Demo, str], None]


def _lltp_counter(upto: str | None, days: int, **kwargs: Any) -> Scenario:
    def run(demo: Demo, key: str) -> None:
        start = demo.days_ago(days)
        d = demo.counter(key, LLTP, start)
        if upto:
            demo.lltp(d, start, upto=upto, **kwargs)

    return run


def _lltp_online(upto: str | None, days: int, applicant: str = "congdan") -> Scenario:
    def run(demo: Demo, key: str) -> None:
        start = demo.days_ago(days, hour=10)
        d = demo.online(key, LLTP, start, applicant=applicant)
        if upto:
            demo.lltp(d, start, upto=upto)

    return run


def _supplement_waiting(demo: Demo, key: str) -> None:
    start = demo.days_ago(4)
    d = demo.lltp(demo.counter(key, LLTP, start), start, upto="assign")
    services.dossier_request_supplement(
        actor=demo.users["chuyenvien"],
        dossier=d,
        reason="Bản chụp giấy tờ tùy thân bị mờ, đề nghị nộp lại bản rõ nét.",
        requested_papers=[{"name": "Bản chụp giấy tờ tùy thân của người được cấp Phiếu"}],
        at=demo.plus(start, 6),
    )


def _supplement_answered(demo: Demo, key: str) -> None:
    start = demo.days_ago(9)
    d = demo.lltp(demo.counter(key, LLTP, start), start, upto="assign")
    services.dossier_request_supplement(
        actor=demo.users["chuyenvien"],
        dossier=d,
        reason="Thiếu văn bản ủy quyền có chứng thực.",
        at=demo.plus(start, 4),
    )
    services.dossier_supplement_answer(
        actor=demo.users["congdan"],
        dossier=d,
        uploads=[services.Upload(file=ContentFile(SAMPLE_PDF, name="uy-quyen.pdf"))],
        note="Đã nộp văn bản ủy quyền.",
        at=demo.plus(start, 20),
    )
    services.dossier_step_complete(
        actor=demo.users["chuyenvien"], dossier=d, at=demo.plus(start, 24)
    )


def _two_supplements(demo: Demo, key: str) -> None:
    start = demo.days_ago(6)
    d = demo.lltp(demo.counter(key, LLTP, start), start, upto="assign")
    for n, (asked, answered) in enumerate(((3, 8), (12, 16)), start=1):
        services.dossier_request_supplement(
            actor=demo.users["chuyenvien"],
            dossier=d,
            reason=f"Yêu cầu bổ sung lần {n}.",
            at=demo.plus(start, asked),
        )
        services.dossier_supplement_answer(
            actor=demo.users["congdan"],
            dossier=d,
            note="Đã bổ sung.",
            at=demo.plus(start, answered),
        )


def _apologised(demo: Demo, key: str) -> None:
    start = demo.days_ago(11)
    d = demo.lltp(
        demo.counter(key, LLTP, start),
        start,
        upto="from_external",
        hours={"to_external": 8, "from_external": 60},
    )
    services.dossier_apologise(
        actor=demo.users["truongphong"],
        dossier=d,
        reason="Chờ kết quả xác minh án tích từ Công an tỉnh.",
        new_appointment_at=demo.calendar.add_working_time(d.due_at, dt.timedelta(hours=40)),
        at=demo.plus(start, 64),
    )


def _overdue(demo: Demo, key: str) -> None:
    start = demo.days_ago(14)
    demo.lltp(
        demo.counter(key, LLTP, start),
        start,
        upto="from_external",
        hours={"to_external": 16, "from_external": 70},
    )


def _refused(demo: Demo, key: str) -> None:
    start = demo.days_ago(3)
    d = demo.online(key, LLTP, start)
    services.dossier_refuse(
        actor=demo.users["motcua"],
        dossier=d,
        reason="Người yêu cầu không thuộc đối tượng được cấp Phiếu lý lịch tư pháp số 2.",
        at=demo.plus(start, 2),
    )


def _stopped(demo: Demo, key: str) -> None:
    start = demo.days_ago(7)
    d = demo.lltp(demo.counter(key, LLTP, start), start, upto="assign")
    services.dossier_stop(
        actor=demo.users["truongphong"],
        dossier=d,
        reason="Người yêu cầu đã được cấp Phiếu cùng mục đích trong tháng.",
        at=demo.plus(start, 12),
    )


def _withdrawn(demo: Demo, key: str) -> None:
    start = demo.days_ago(5)
    d = demo.online(key, LLTP, start)
    d = services.dossier_transfer(actor=demo.users["motcua"], dossier=d, at=demo.plus(start, 1))
    services.dossier_withdraw(
        actor=demo.users["congdan"],
        dossier=d,
        reason="Tôi không còn nhu cầu sử dụng Phiếu.",
        at=demo.plus(start, 5),
    )


def _rated(demo: Demo, key: str) -> None:
    start = demo.days_ago(20)
    d = demo.lltp(demo.counter(key, LLTP, start), start, upto="return", result_file=True)
    services.dossier_rate(
        actor=demo.users["congdan"],
        dossier=d,
        score=3,
        comment="Cán bộ hướng dẫn tận tình, trả kết quả sớm.",
        at=demo.plus(start, 44),
    )


def _birth(upto: str | None, days: int, *, online: bool = False) -> Scenario:
    def run(demo: Demo, key: str) -> None:
        start = demo.days_ago(days, hour=8)
        if online:
            d = demo.online(key, BIRTH, start, competent="commune")
        else:
            d = demo.counter(key, BIRTH, start, desk="motcua.xa")
        if upto:
            demo.commune(d, start, upto=upto, desk="motcua.xa")

    return run


def _birth_at_centre(demo: Demo, key: str) -> None:
    """Phi địa giới: received at the provincial centre, decided by phường Hoa Lư."""
    start = demo.days_ago(1, hour=9)
    d = demo.counter(key, BIRTH, start, competent="commune")
    services.dossier_transfer(actor=demo.users["motcua"], dossier=d, at=demo.plus(start, 0.5))


def _building(upto: str | None, days: int) -> Scenario:
    def run(demo: Demo, key: str) -> None:
        start = demo.days_ago(days, hour=9)
        d = demo.counter(key, BUILD, start, applicant="doanhnghiep", desk="motcua.xa")
        if upto:
            demo.commune(d, start, upto=upto, desk="motcua.xa")

    return run


def _enterprise(upto: str | None, days: int) -> Scenario:
    def run(demo: Demo, key: str) -> None:
        start = demo.days_ago(days, hour=14)
        d = demo.online(key, ENTERPRISE, start, applicant="doanhnghiep")
        if upto == "transfer":
            services.dossier_transfer(actor=demo.users["motcua"], dossier=d, at=demo.plus(start, 1))

    return run


def _pays(key: str) -> bool:
    """Two dossiers in three with a fee are paid (deterministic by key), the rest stay unpaid."""
    return int(key.rsplit("-", 1)[1]) % 3 != 0


def _pay_online(demo: Demo, key: str, applicant: str) -> None:
    """Pay an online dossier's fee through the sandbox gateway (counter dossiers are paid in
    cash at reception, ``Demo.counter``)."""
    from chinhquyen.payments.demo import pay_in_sandbox
    from chinhquyen.payments.providers import active_provider_name

    from .integrations import can_pay_fee_online, dossier_fee_payment

    if not _pays(key) or active_provider_name() != "vnpay_sandbox":
        return
    d = Dossier.objects.get(applicant=demo.users[applicant], idempotency_key=key)
    if d.channel == Channel.ONLINE and can_pay_fee_online(d.applicant, d):
        pay_in_sandbox(dossier_fee_payment(actor=demo.users[applicant], dossier=d))


# (key, applicant, scenario)
SCENARIOS: tuple[tuple[str, str, Scenario], ...] = (
    # Phiếu lý lịch tư pháp — every stage of the Sở Tư pháp process
    ("demo-01", "congdan", _lltp_online(None, 0)),
    ("demo-02", "congdan", _lltp_online(None, 1)),
    ("demo-03", "congdan", _lltp_counter(None, 0)),
    ("demo-04", "congdan", _lltp_counter(None, 1)),
    ("demo-05", "congdan", _lltp_counter("transfer", 1)),
    ("demo-06", "congdan", _lltp_online("transfer", 2)),
    ("demo-07", "congdan", _lltp_counter("transfer", 2)),
    ("demo-08", "congdan", _lltp_counter("assign", 2)),
    ("demo-09", "congdan", _lltp_counter("assign", 3)),
    ("demo-10", "congdan", _lltp_online("assign", 3)),
    ("demo-11", "congdan", _lltp_counter("to_external", 4)),
    ("demo-12", "congdan", _lltp_counter("to_external", 5)),
    ("demo-13", "congdan", _lltp_counter("from_external", 5)),
    ("demo-14", "congdan", _lltp_counter("from_external", 6)),
    ("demo-15", "congdan", _lltp_counter("submit", 6)),
    ("demo-16", "congdan", _lltp_counter("submit", 7)),
    ("demo-17", "congdan", _lltp_online("submit", 7)),
    ("demo-18", "congdan", _lltp_counter("approve", 8, result_file=True)),
    ("demo-19", "congdan", _lltp_counter("approve", 8)),
    ("demo-20", "congdan", _lltp_online("approve", 9)),
    # returned: early, on time, late
    ("demo-21", "congdan", _lltp_counter("return", 15, result_file=True)),
    ("demo-22", "congdan", _lltp_counter("return", 16)),
    (
        "demo-23",
        "congdan",
        _lltp_counter(
            "return",
            14,
            hours={
                "to_external": 20,
                "from_external": 50,
                "submit": 70,
                "approve": 78,
                "return": 82,
            },
        ),
    ),
    (
        "demo-24",
        "congdan",
        _lltp_counter(
            "return",
            16,
            hours={
                "to_external": 30,
                "from_external": 70,
                "submit": 84,
                "approve": 92,
                "return": 96,
            },
        ),
    ),
    ("demo-25", "congdan", _rated),
    # side paths
    ("demo-26", "congdan", _supplement_waiting),
    ("demo-27", "congdan", _supplement_answered),
    ("demo-28", "congdan", _two_supplements),
    ("demo-29", "congdan", _apologised),
    ("demo-30", "congdan", _overdue),
    ("demo-31", "congdan", _refused),
    ("demo-32", "congdan", _stopped),
    ("demo-33", "congdan", _withdrawn),
    # Đăng ký khai sinh at phường Hoa Lư (same day)
    ("demo-34", "congdan", _birth(None, 0)),
    ("demo-35", "congdan", _birth("transfer", 0, online=True)),
    ("demo-36", "congdan", _birth("submit", 1)),
    ("demo-37", "congdan", _birth("return", 3)),
    ("demo-38", "congdan", _birth_at_centre),
    # businesses
    ("demo-39", "doanhnghiep", _building("transfer", 4)),
    ("demo-40", "doanhnghiep", _building("submit", 10)),
    ("demo-41", "doanhnghiep", _enterprise(None, 0)),
    ("demo-42", "doanhnghiep", _enterprise("transfer", 1)),
)


def _context_part(context: dict[str, Any], key: str, load: Callable[[], Any]) -> Any:
    value = context.get(key)
    if value is None:
        value = load()
        context[key] = value
    return value


@transaction.atomic
def load_demo_dossiers(
    context: dict[str, Any] | None = None, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Create the demo dossiers that do not exist yet; returns ``{"dossiers": [...],
    "demo_dossiers_created": [keys]}``. ``now`` (tests) is the moment the demo is built for."""
    context = context if context is not None else {}

    def load_orgs() -> Any:
        from chinhquyen.orgs.demo import load_demo_organisations

        return load_demo_organisations()

    def load_accounts() -> Any:
        from chinhquyen.accounts.demo import load_demo_accounts

        return load_demo_accounts(context)["accounts"]

    def load_procedures() -> Any:
        from chinhquyen.catalog.demo import load_demo_catalog

        return load_demo_catalog(context.get("orgs"))

    orgs = _context_part(context, "orgs", load_orgs)
    users = _context_part(context, "accounts", load_accounts)
    _context_part(context, "procedures", load_procedures)
    demo = Demo(
        orgs=orgs,
        users=users,
        now=now or timezone.now(),
        calendar=get_calendar(orgs["dept_justice"].agency_code),
    )
    created: list[str] = []
    for key, applicant, scenario in SCENARIOS:
        if demo.exists(key, applicant):
            continue
        scenario(demo, key)
        created.append(key)
        _pay_online(demo, key, applicant)
    dossiers = list(
        Dossier.objects.filter(idempotency_key__startswith="demo-").order_by("received_at", "id")
    )
    return {"dossiers": dossiers, "demo_dossiers_created": created}
