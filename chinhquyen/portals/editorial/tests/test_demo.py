"""The demo editors: accounts with TOTP, in the main portal's and a commune portal's groups."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator

from chinhquyen.accounts.models import User
from chinhquyen.dossiers.tests.factories import make_official
from chinhquyen.portals.editorial.demo import COMMUNE_WRITER, DEMO_EDITORS, load_demo_editors
from chinhquyen.portals.models import PortalKind

from .conftest import Portals

pytestmark = pytest.mark.django_db


def test_demo_editors_join_their_portals_groups(portals: Portals) -> None:
    org = portals.y.specific.organisation
    portals.y.specific.__class__.objects.filter(pk=portals.y.pk).update(kind=PortalKind.COMMUNE)
    writer = make_official(org, "specialist", username=COMMUNE_WRITER)
    province = portals.main.specific.organisation
    for _ in range(2):  # idempotent
        accounts = load_demo_editors({"orgs": {"province": province}})["portal_editors"]
    main = portals.editorial["main"]
    for spec in DEMO_EDITORS:
        user = accounts[spec.username]
        assert list(user.groups.all()) == [getattr(main, spec.group)]
        assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert portals.editorial["y"].writers in User.objects.get(pk=writer.pk).groups.all()
