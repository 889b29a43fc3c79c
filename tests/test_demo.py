"""The demo province loads completely and idempotently (what `make run` does)."""

import pytest
from django.contrib.auth.models import Group

from chinhquyen.accounts.demo import load_demo
from chinhquyen.accounts.models import User
from chinhquyen.demo import ADMIN_GROUP_NAME, DEMO_LOADERS


@pytest.mark.django_db
def test_demo_loads_twice_and_gives_the_it_admin_the_admin_site(client, settings, tmp_path):
    settings.SIGNING_PKI_DIR = tmp_path / "pki"
    first = load_demo(DEMO_LOADERS)
    counts = {model: model.objects.count() for model in (User, Group)}
    second = load_demo(DEMO_LOADERS)
    assert {model: model.objects.count() for model in (User, Group)} == counts
    assert len(first["procedures"]) == len(second["procedures"]) >= 30

    admin = User.objects.get(username="quantri")
    assert admin.is_staff and not admin.is_superuser
    assert admin.groups.filter(name=ADMIN_GROUP_NAME).exists()
    assert admin.has_perm("core.change_calendarday")
    specialist = User.objects.get(username="chuyenvien")
    assert not specialist.is_staff and not specialist.has_perm("core.change_calendarday")
