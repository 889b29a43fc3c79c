"""Fixtures for the documents tests: a small province with two departments, their units and
one official per role, issuer profiles and unit abbreviations."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from chinhquyen.accounts.models import Role, User
from chinhquyen.documents.models import IssuerProfile, UnitAbbreviation
from chinhquyen.orgs.models import Organisation, OrganisationKind
from chinhquyen.orgs.tests.factories import make_org
from chinhquyen.orgs.tests.users import official

K = OrganisationKind


@dataclass
class World:
    province: Organisation
    justice: Organisation  # Sở Tư pháp (STP)
    office: Organisation  # Văn phòng Sở (the clerk's unit)
    admin_unit: Organisation  # Phòng Hành chính tư pháp (HCTP)
    support_unit: Organisation  # Phòng Bổ trợ tư pháp (BTTP)
    construction: Organisation  # Sở Xây dựng (SXD): another organisation
    construction_unit: Organisation
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> User:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def build_world() -> World:
    province = make_org("UBND tỉnh Thử Nghiệm", kind=K.PROVINCIAL_COMMITTEE)
    justice = make_org("Sở Tư pháp", parent=province, short_name="STP")
    office = make_org("Văn phòng Sở", parent=justice, kind=K.UNIT)
    admin_unit = make_org("Phòng Hành chính tư pháp", parent=justice, kind=K.UNIT)
    support_unit = make_org("Phòng Bổ trợ tư pháp", parent=justice, kind=K.UNIT)
    construction = make_org("Sở Xây dựng", parent=province, short_name="SXD")
    construction_unit = make_org("Phòng Quản lý xây dựng", parent=construction, kind=K.UNIT)
    IssuerProfile.objects.create(
        organisation=province, abbreviation="UBND", parent_name="", place_name="Thử Nghiệm"
    )
    IssuerProfile.objects.create(
        organisation=justice,
        abbreviation="STP",
        parent_name="UBND TỈNH THỬ NGHIỆM",
        place_name="Thử Nghiệm",
    )
    IssuerProfile.objects.create(organisation=construction, abbreviation="SXD")
    UnitAbbreviation.objects.create(unit=admin_unit, abbreviation="HCTP")
    UnitAbbreviation.objects.create(unit=support_unit, abbreviation="BTTP")
    world = World(
        province, justice, office, admin_unit, support_unit, construction, construction_unit
    )
    people = {
        "clerk": (office, Role.CLERK),
        "leader": (justice, Role.LEADER),
        "head": (admin_unit, Role.UNIT_HEAD),
        "specialist": (admin_unit, Role.SPECIALIST),
        "head_support": (support_unit, Role.UNIT_HEAD),
        "specialist_support": (support_unit, Role.SPECIALIST),
        "clerk_other": (construction, Role.CLERK),
        "leader_other": (construction, Role.LEADER),
        "head_other": (construction_unit, Role.UNIT_HEAD),
        "specialist_other": (construction_unit, Role.SPECIALIST),
        "province_clerk": (province, Role.CLERK),
        "province_leader": (province, Role.LEADER),
        "it_admin": (justice, Role.IT_ADMIN),
    }
    for key, (unit, role) in people.items():
        world.users[key] = official(unit, role)
    return world


@pytest.fixture
def world(db) -> World:
    return build_world()


# --- signing: a test CA, the leader's personal credential and the department's seal --------


@pytest.fixture(scope="session")
def test_ca():
    from chinhquyen.signing import pki

    return pki.make_ca("CA kiểm thử văn bản")


@pytest.fixture(scope="session")
def signer_pairs(test_ca):
    from chinhquyen.signing import pki

    return {
        "person": pki.issue_certificate(test_ca, common_name="Lãnh đạo Sở", email="ld@example.vn"),
        "org": pki.issue_certificate(
            test_ca, common_name="Sở Tư pháp", organisation="UBND tỉnh Thử Nghiệm"
        ),
    }


@pytest.fixture(scope="session")
def signing_images():
    from chinhquyen.signing import pki

    return {
        "signature": pki.signature_image_png("Lãnh đạo Sở"),
        "seal": pki.seal_image_png("Sở Tư pháp", "UBND tỉnh Thử Nghiệm"),
    }


@pytest.fixture
def credentials(world, settings, tmp_path, test_ca, signer_pairs, signing_images):
    """The leader can sign and the department can seal; the test CA is trusted (as the demo
    CA of a temporary PKI directory)."""
    from chinhquyen.signing import pki
    from chinhquyen.signing.keys import signer_cache
    from chinhquyen.signing.tests.conftest import make_credential

    root = tmp_path / "pki"
    (root / "ca").mkdir(parents=True)
    (root / "ca" / "ca.cert.pem").write_text(test_ca.certificate_pem)
    settings.SIGNING_PKI_DIR = root
    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_SANDBOX = False
    signer_cache.invalidate()
    personal = make_credential(
        root,
        test_ca,
        signer_pairs["person"],
        owner=world.leader,
        image=signing_images["signature"],
    )
    seal = make_credential(
        root,
        test_ca,
        signer_pairs["org"],
        organisation=world.justice,
        image=signing_images["seal"],
    )
    assert pki.pki_dir() == root
    yield {"personal": personal, "seal": seal}
    signer_cache.invalidate()
