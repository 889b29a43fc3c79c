"""Versioning, publication rules, the steps' time rule, permissions and auditing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from chinhquyen.accounts.models import Role
from chinhquyen.accounts.tests.factories import make_official, make_user
from chinhquyen.catalog import services
from chinhquyen.catalog.models import (
    Fee,
    ProcedureVersion,
    ProcessStep,
    RequiredPaper,
    TimeUnit,
    VersionStatus,
)
from chinhquyen.catalog.permissions import can_manage_catalog
from chinhquyen.catalog.selectors import procedure_version_current
from chinhquyen.core.api import DomainError
from chinhquyen.orgs.models import OrganisationKind
from chinhquyen.orgs.tests.factories import make_org

from .factories import make_field, make_version

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def province():
    return make_org("UBND tỉnh thử nghiệm", kind=OrganisationKind.PROVINCIAL_COMMITTEE)


@pytest.fixture
def it_admin(province):
    return make_official(province, Role.IT_ADMIN)


# --- drafts, publication, immutability ------------------------------------------------------


def test_procedure_create_makes_draft_one():
    field = make_field("HT", "Hộ tịch")
    procedure = services.procedure_create(
        actor=None, code="1.001193", field=field, level="commune", name="  Đăng ký   khai sinh "
    )
    draft = procedure.versions.get()
    assert (draft.number, draft.status, draft.name) == (1, VersionStatus.DRAFT, "Đăng ký khai sinh")
    assert draft.search_text == "dang ky khai sinh 1.001193"
    procedure.refresh_from_db()
    assert "dang ky khai sinh" in procedure.search_text


def test_duplicate_procedure_code_is_refused():
    field = make_field()
    services.procedure_create(actor=None, code="1.000001", field=field, level="commune", name="A")
    with pytest.raises(DomainError) as exc:
        services.procedure_create(
            actor=None, code="1.000001", field=field, level="commune", name="B"
        )
    assert exc.value.status_code == 409
    assert "đã tồn tại" in str(exc.value.detail)


def test_publish_requires_papers_or_explicit_flag():
    version = make_version(papers=[], publish=False)
    with pytest.raises(DomainError) as exc:
        services.version_publish(actor=None, version=version)
    assert "thành phần hồ sơ" in str(exc.value.detail)
    services.version_update(actor=None, version=version, data={"no_papers_required": True})
    published = services.version_publish(actor=None, version=version, valid_from=TODAY)
    assert published.status == VersionStatus.PUBLISHED
    assert published.valid_from == TODAY
    assert published.published_at is not None


def test_publish_requires_competence_and_time():
    version = make_version(all_communes=False, publish=False, steps=[])
    services.version_update(actor=None, version=version, data={"processing_time": Decimal(0)})
    with pytest.raises(DomainError) as exc:
        services.version_publish(actor=None, version=version)
    message = str(exc.value.detail)
    assert "thời hạn giải quyết" in message
    assert "cơ quan có thẩm quyền" in message


def test_published_version_is_immutable():
    version = make_version()
    with pytest.raises(DomainError) as exc:
        services.version_update(actor=None, version=version, data={"name": "Tên mới"})
    assert exc.value.status_code == 409
    fee = version.fees.get()
    with pytest.raises(DomainError):
        services.fee_update(actor=None, fee=fee, data={"amount": 1})
    with pytest.raises(DomainError):
        services.fee_add(actor=None, version=version, amount=1000)
    with pytest.raises(DomainError):
        services.paper_delete(actor=None, paper=version.papers.get())
    with pytest.raises(DomainError):
        services.step_add(actor=None, version=version, name="Thêm", allotted_hours=1)
    with pytest.raises(DomainError):
        services.version_save_draft(actor=None, version=version, data={"name": "X"})
    version.refresh_from_db()
    assert version.name == "Thủ tục thử nghiệm"
    assert Fee.objects.get(pk=fee.pk).amount == 50000


def test_new_draft_copies_the_published_version():
    org = make_org()
    version = make_version(
        competent=[org],
        fees=[{"kind": "fee", "case_description": "Trực tiếp", "amount": 200000, "note": "n"}],
        papers=[{"name": "Tờ khai", "original_count": 1}, {"name": "Ảnh", "photocopy_count": 2}],
    )
    draft = services.version_create_draft(actor=None, procedure=version.procedure)
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT
    assert draft.name == version.name
    assert list(draft.competent_organisations.all()) == [org]
    assert [(f.case_description, f.amount) for f in draft.fees.all()] == [("Trực tiếp", 200000)]
    assert [p.name for p in draft.papers.order_by("order")] == ["Tờ khai", "Ảnh"]
    assert draft.steps.count() == 2
    # Editing the draft leaves the published version alone.
    services.fee_update(actor=None, fee=draft.fees.get(), data={"amount": 100000})
    assert version.fees.get().amount == 200000


def test_only_one_draft_at_a_time():
    version = make_version()
    services.version_create_draft(actor=None, procedure=version.procedure)
    with pytest.raises(DomainError) as exc:
        services.version_create_draft(actor=None, procedure=version.procedure)
    assert exc.value.error_code == "draft_exists"


def test_database_refuses_two_drafts():
    version = make_version(publish=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcedureVersion.objects.create(
            procedure=version.procedure, number=2, status=VersionStatus.DRAFT, name="x"
        )


def test_database_refuses_two_open_published_versions():
    version = make_version(valid_from=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcedureVersion.objects.create(
            procedure=version.procedure,
            number=2,
            status=VersionStatus.PUBLISHED,
            name="x",
            valid_from=TODAY,
        )


def test_publishing_closes_the_previous_version_the_day_before():
    first = make_version(valid_from=dt.date(2025, 7, 1))
    draft = services.version_create_draft(actor=None, procedure=first.procedure)
    services.version_update(actor=None, version=draft, data={"name": "Tên theo luật mới"})
    second = services.version_publish(actor=None, version=draft, valid_from=dt.date(2026, 1, 1))
    first.refresh_from_db()
    assert first.status == VersionStatus.PUBLISHED
    assert first.valid_to == dt.date(2025, 12, 31)
    assert second.valid_to is None
    procedure = first.procedure
    assert procedure_version_current(procedure, dt.date(2025, 12, 31)) == first
    assert procedure_version_current(procedure, dt.date(2026, 1, 1)) == second
    assert procedure_version_current(procedure, dt.date(2025, 6, 30)) is None


def test_publishing_over_a_version_that_never_took_effect_retires_it():
    first = make_version(valid_from=dt.date(2026, 9, 1))
    draft = services.version_create_draft(actor=None, procedure=first.procedure)
    services.version_publish(actor=None, version=draft, valid_from=dt.date(2026, 9, 1))
    first.refresh_from_db()
    assert first.status == VersionStatus.RETIRED
    assert first.retired_at is not None
    on = dt.date(2026, 9, 1)
    assert list(ProcedureVersion.objects.valid_on(on).filter(procedure=first.procedure)) == [
        first.procedure.versions.get(number=2)
    ]


def test_retire_withdraws_a_published_version():
    version = make_version(valid_from=dt.date(2025, 1, 1))
    retired = services.version_retire(actor=None, version=version, last_day=dt.date(2026, 1, 31))
    assert retired.status == VersionStatus.RETIRED
    assert retired.valid_to == dt.date(2026, 1, 31)
    assert procedure_version_current(version.procedure, dt.date(2025, 6, 1)) is None
    with pytest.raises(DomainError):
        services.version_retire(actor=None, version=retired)


def test_delete_draft_removes_a_procedure_without_versions():
    version = make_version(publish=False)
    procedure_pk = version.procedure_id
    services.version_delete_draft(actor=None, version=version)
    assert not ProcedureVersion.objects.filter(procedure_id=procedure_pk).exists()
    published = make_version()
    with pytest.raises(DomainError):
        services.version_delete_draft(actor=None, version=published)


# --- the steps' total against the statutory time --------------------------------------------


def test_steps_total_may_not_exceed_statutory_time():
    version = make_version(processing_time=2, steps=[], publish=False)  # 2 days = 16 hours
    services.step_add(actor=None, version=version, name="Tiếp nhận", allotted_hours=4)
    services.step_add(actor=None, version=version, name="Xử lý", allotted_hours=12)
    with pytest.raises(DomainError) as exc:
        services.step_add(actor=None, version=version, name="Ký", allotted_hours="0.5")
    assert str(exc.value.detail) == (
        "Tổng thời gian các bước (16,5 giờ) vượt quá thời hạn giải quyết theo quy định "
        "(16 giờ = 2 ngày làm việc × 8 giờ)."
    )
    assert version.steps.count() == 2


def test_step_update_checks_the_total_without_the_old_value():
    version = make_version(processing_time=1, steps=[], publish=False)
    step = services.step_add(actor=None, version=version, name="Xử lý", allotted_hours=8)
    services.step_update(actor=None, step=step, data={"allotted_hours": "7.5"})
    with pytest.raises(DomainError):
        services.step_update(actor=None, step=step, data={"allotted_hours": 9})
    step.refresh_from_db()
    assert step.allotted_hours == Decimal("7.50")


def test_lowering_the_statutory_time_below_the_steps_is_refused():
    version = make_version(processing_time=3, publish=False)  # steps: 10 hours
    with pytest.raises(DomainError):
        services.version_update(actor=None, version=version, data={"processing_time": 1})
    services.version_update(
        actor=None,
        version=version,
        data={"processing_time": 12, "processing_time_unit": TimeUnit.WORKING_HOURS},
    )
    version.refresh_from_db()
    assert version.statutory_hours() == Decimal(12)


def test_save_draft_validates_the_final_state_as_a_whole():
    version = make_version(processing_time=1, steps=[], publish=False)
    with pytest.raises(ValidationError) as exc:
        services.version_save_draft(
            actor=None,
            version=version,
            steps=[{"name": "A", "allotted_hours": 5}, {"name": "B", "allotted_hours": 4}],
            fees=[{"kind": "fee", "amount": -5}],
        )
    errors = exc.value.message_dict
    assert errors["steps"] == [
        "Tổng thời gian các bước (9 giờ) vượt quá thời hạn giải quyết theo quy định "
        "(8 giờ = 1 ngày làm việc × 8 giờ)."
    ]
    assert "fees.0" in errors
    assert version.steps.count() == 0
    # Lowering one step and raising the time in the same save is fine.
    services.version_save_draft(
        actor=None,
        version=version,
        data={"processing_time": Decimal(2)},
        steps=[{"name": "A", "allotted_hours": 10}, {"name": "B", "allotted_hours": 6}],
    )
    assert sorted(s.allotted_hours for s in version.steps.all()) == [Decimal(6), Decimal(10)]


def test_external_step_needs_its_organisation():
    version = make_version(steps=[], publish=False)
    with pytest.raises(ValidationError) as exc:
        services.step_add(
            actor=None, version=version, name="Liên thông", allotted_hours=1, is_external=True
        )
    assert "cơ quan liên thông" in str(exc.value)
    step = services.step_add(
        actor=None,
        version=version,
        name="Liên thông",
        allotted_hours=1,
        is_external=True,
        external_organisation_name="Cơ quan thuế",
    )
    assert step.responsible_display == "Cơ quan thuế"


def test_invalid_form_schema_is_refused_on_save():
    version = make_version(publish=False)
    with pytest.raises(ValidationError) as exc:
        services.version_update(
            actor=None, version=version, data={"form_schema": {"type": "object", "properties": 3}}
        )
    assert "JSON Schema không hợp lệ" in " ".join(exc.value.messages)


# --- permissions and audit -------------------------------------------------------------------


def test_only_top_level_it_admins_manage_the_catalogue(province, it_admin):
    commune = make_org(parent=province, kind=OrganisationKind.COMMUNE_COMMITTEE)
    commune_admin = make_official(commune, Role.IT_ADMIN)
    specialist = make_official(province, Role.SPECIALIST)
    citizen = make_user()
    assert can_manage_catalog(it_admin)
    assert not can_manage_catalog(commune_admin)
    assert not can_manage_catalog(specialist)
    assert not can_manage_catalog(citizen)
    field = make_field()
    for user in (commune_admin, specialist, citizen):
        with pytest.raises(DomainError) as exc:
            services.procedure_create(
                actor=user, code="1.000777", field=field, level="commune", name="X"
            )
        assert exc.value.status_code == 403
    procedure = services.procedure_create(
        actor=it_admin, code="1.000777", field=field, level="commune", name="X"
    )
    assert procedure.versions.get().created_by == it_admin


def test_writes_are_audited_with_the_actor(it_admin):
    version = make_version(publish=False)
    services.version_update(actor=it_admin, version=version, data={"name": "Tên đã sửa"})
    entry = LogEntry.objects.get_for_object(version).order_by("-timestamp").first()
    assert entry is not None
    assert entry.actor == it_admin
    assert "Tên đã sửa" in str(entry.changes)
    paper = services.paper_add(actor=it_admin, version=version, name="Giấy mới", original_count=1)
    assert LogEntry.objects.get_for_object(paper).get().actor == it_admin
    assert RequiredPaper.objects.filter(version=version).count() == 2
    assert ProcessStep.objects.filter(version=version).count() == 2
