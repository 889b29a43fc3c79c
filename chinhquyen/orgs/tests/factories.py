"""Test data builders for the organisation tree (go through the service, so paths are right)."""

from __future__ import annotations

import itertools

from chinhquyen.orgs.models import Organisation, OrganisationKind
from chinhquyen.orgs.services import organisation_create

_seq = itertools.count(1)


def make_org(
    name: str | None = None,
    *,
    parent: Organisation | None = None,
    kind: str = OrganisationKind.DEPARTMENT,
    agency_code: str | None = None,
    **kwargs: object,
) -> Organisation:
    n = next(_seq)
    if agency_code is None:
        agency_code = f"000.{n // 100:02d}.{n % 100:02d}.H99"
    return organisation_create(
        actor=None,
        name=name or f"Đơn vị thử nghiệm {n}",
        kind=kind,
        parent=parent,
        agency_code=agency_code,
        **kwargs,  # type: ignore[arg-type]
    )
