"""Security finding #9, point 2: the one-stop desk sees on the dossier page whether the
applicant account's CCCD is verified and verifies it at the counter (audited)."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from chinhquyen.accounts.models import User

from .factories import World, submit

ACTION = "Xác thực CCCD tại quầy"


def test_the_desk_verifies_the_applicants_cccd_from_the_dossier_page(
    client: Client, world: World
) -> None:
    citizen = world.users["citizen"]
    assert not citizen.citizen_id_verified
    dossier = submit(world).dossier
    page_url = reverse("dossiers:detail", args=[dossier.pk])
    verify_url = reverse("accounts:citizen_id_verify", kwargs={"pk": citizen.pk})

    client.force_login(world.users["desk_centre"])
    page = client.get(page_url).content.decode()
    assert "CCCD chưa xác thực" in page and ACTION in page
    assert f'action="{verify_url}"' in page and 'name="confirm"' in page

    # without the confirmation nothing changes
    response = client.post(verify_url, {"next": page_url})
    assert response.status_code == 302 and response["Location"] == page_url
    citizen.refresh_from_db()
    assert not citizen.citizen_id_verified

    response = client.post(verify_url, {"next": page_url, "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == page_url
    citizen.refresh_from_db()
    assert citizen.citizen_id_verified
    assert citizen.citizen_id_verified_by.endswith("desk_centre")
    entry = LogEntry.objects.get_for_object(citizen).filter(actor=world.users["desk_centre"])
    assert entry.exists()
    page = client.get(page_url).content.decode()
    assert "CCCD đã xác thực" in page and ACTION not in page
    # a "next" to another site is not followed
    response = client.post(verify_url, {"next": "https://example.com/", "confirm": "1"})
    assert response["Location"] == reverse("accounts:profile")


def test_officials_outside_the_desk_see_no_counter_action(client: Client, world: World) -> None:
    dossier = submit(world).dossier
    page_url = reverse("dossiers:detail", args=[dossier.pk])
    seen = 0
    for username in ("spec", "head", "leader", "governor", "clerk", "it_admin", "desk_commune2"):
        client.force_login(world.users[username])
        response = client.get(page_url)
        if response.status_code == 200:
            seen += 1
            body = response.content.decode()
            assert ACTION not in body and "CCCD chưa xác thực" not in body, username
    assert seen >= 1
    # a specialist cannot verify through the endpoint either
    client.force_login(world.users["spec"])
    verify_url = reverse("accounts:citizen_id_verify", kwargs={"pk": world.users["citizen"].pk})
    assert client.post(verify_url, {"confirm": "1"}).status_code == 403
    assert not User.objects.get(pk=world.users["citizen"].pk).citizen_id_verified


def test_the_counter_intake_offers_the_check_for_the_chosen_account(
    client: Client, world: World
) -> None:
    citizen = world.users["citizen"]
    client.force_login(world.users["desk_centre"])
    url = reverse("dossiers:counter_intake")
    query = {"thu_tuc": world.versions["province"].procedure.code, "nguoi_nop_q": "037090001234"}
    listed = client.get(url, query).content.decode()
    assert "CCCD chưa xác thực" in listed and ACTION not in listed  # nobody chosen yet
    chosen = client.get(url, {**query, "nguoi": str(citizen.pk)})
    page = chosen.content.decode()
    verify_url = reverse("accounts:citizen_id_verify", kwargs={"pk": citizen.pk})
    assert ACTION in page and f'action="{verify_url}"' in page
    back = f"{url}?thu_tuc={query['thu_tuc']}&nguoi_nop_q=037090001234&nguoi={citizen.pk}"
    response = client.post(verify_url, {"next": back, "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == back
    citizen.refresh_from_db()
    assert citizen.citizen_id_verified
    page = client.get(back).content.decode()
    assert "CCCD đã xác thực" in page and ACTION not in page
