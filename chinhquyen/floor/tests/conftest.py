"""A desk with two areas and two counters, its officers, and an officer of another desk."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from chinhquyen.accounts.models import Role, User
from chinhquyen.dossiers.tests.factories import make_official, make_org
from chinhquyen.orgs.models import Organisation, OrganisationKind

from ..models import Counter, ServiceArea

K = OrganisationKind


@dataclass
class Floor:
    orgs: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    areas: dict[str, ServiceArea] = field(default_factory=dict)
    counters: dict[str, Counter] = field(default_factory=dict)


def build_floor() -> Floor:
    f = Floor()
    f.orgs["province"] = make_org("UBND tỉnh Thử", kind=K.PROVINCIAL_COMMITTEE)
    f.orgs["centre"] = make_org(
        "Trung tâm PVHCC tỉnh Thử", parent=f.orgs["province"], kind=K.SERVICE_CENTRE
    )
    f.orgs["desk2"] = make_org(
        "Bộ phận một cửa xã Thử", parent=f.orgs["province"], kind=K.ONE_STOP_DESK
    )
    f.users["officer1"] = make_official(f.orgs["centre"], Role.DESK_OFFICER, username="quay1")
    f.users["officer2"] = make_official(f.orgs["centre"], Role.DESK_OFFICER, username="quay2")
    f.users["stranger"] = make_official(f.orgs["desk2"], Role.DESK_OFFICER, username="quayxa")
    f.areas["A"] = ServiceArea.objects.create(desk=f.orgs["centre"], name="Tư pháp", prefix="A")
    f.areas["B"] = ServiceArea.objects.create(desk=f.orgs["centre"], name="Xây dựng", prefix="B")
    f.areas["X"] = ServiceArea.objects.create(desk=f.orgs["desk2"], name="Hộ tịch", prefix="A")
    for number in (1, 2):
        counter = Counter.objects.create(desk=f.orgs["centre"], number=number)
        counter.areas.set([f.areas["A"], f.areas["B"]])
        f.counters[f"c{number}"] = counter
    f.counters["x1"] = Counter.objects.create(desk=f.orgs["desk2"], number=1)
    f.counters["x1"].areas.set([f.areas["X"]])
    return f


@pytest.fixture
def floor(db: Any) -> Floor:
    return build_floor()
