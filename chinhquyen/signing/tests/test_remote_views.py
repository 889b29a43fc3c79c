"""The officer's remote signing pages (``remote_views``): "Ký số từ xa" on the outgoing document
page prepares the document and sends one request to the remote service, the status page asks
the service and completes the signature once the official confirmed on his "phone" (the
sandbox confirmation page). The adapter talks HTTP to the sandbox service in the live server.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chinhquyen.accounts.models import Role
from chinhquyen.accounts.tests.factories import make_official, make_user
from chinhquyen.documents import files
from chinhquyen.documents.models import OutgoingStatus
from chinhquyen.documents.tests.conftest import World, build_world
from chinhquyen.documents.tests.helpers import issued
from chinhquyen.signing import deferred, pki
from chinhquyen.signing.models import (
    PreparedSignature,
    PreparedStatus,
    SandboxTransaction,
)
from chinhquyen.signing.tests.conftest import remote_account
from chinhquyen.signing.verification import verify_pdf

pytestmark = pytest.mark.django_db(transaction=True)
PURPOSE = "documents.outgoing_sign"
JSON = {"HTTP_ACCEPT": "application/json"}
BUTTON = "Ký số từ xa (xác nhận trên điện thoại)"


def _document_types() -> None:
    from django.apps import apps

    seed = importlib.import_module("chinhquyen.documents.migrations.0002_seed_document_types")
    seed.seed(apps, None)


def _province_admin(world: World) -> Any:
    return make_official(world.province, Role.IT_ADMIN, full_name="Quản trị tỉnh")


@pytest.fixture
def world(live_server, settings, pki_root, ca, person_pair, images) -> World:
    """The leader of the department has a remote signing account: its certificate is approved
    and the sandbox "phone" signs with its key."""
    settings.SIGNING_SANDBOX = True
    settings.SIGNING_REMOTE_URL = f"{live_server.url}/ky-so/sandbox/ky-tu-xa"
    settings.SIGNING_REMOTE_API_KEY = "khoa-thu-nghiem"
    _document_types()
    world = build_world()
    remote_account(
        pki_root,
        ca,
        person_pair,
        owner=world.leader,
        admin=_province_admin(world),
        user_id="lanhdao-so",
        image=images["signature"],
    )
    return world


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def start(client: Client, document: Any, **extra: Any) -> Any:
    return client.post(
        reverse("signing:remote_start"),
        {"purpose": PURPOSE, "targets": str(document.pk), "next": f"/van-ban/di/{document.pk}/"},
        **extra,
    )


def poll(client: Client, transaction_id: str, **extra: Any) -> Any:
    return client.post(reverse("signing:remote_status", args=[transaction_id]), **extra)


def test_page_offers_remote_signing_to_an_official_with_a_remote_certificate(world):
    document = issued(world)
    page = client_for(world.leader).get(reverse("documents:outgoing_detail", args=[document.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert BUTTON in html and "signing/remote.js" in html
    assert reverse("signing:remote_start") in html
    # without a remote certificate: only the USB token
    PreparedSignature.objects.all().delete()
    deferred.OfficialCertificate.objects.update(remote_provider="")
    html = (
        client_for(world.leader)
        .get(reverse("documents:outgoing_detail", args=[document.pk]))
        .content.decode()
    )
    assert "Ký bằng USB token" in html and BUTTON not in html


def test_leader_signs_remotely_without_javascript(world):
    document = issued(world)
    leader = client_for(world.leader)
    response = start(leader, document)
    assert response.status_code == 302, response.content.decode()[:500]
    tx = SandboxTransaction.objects.get()
    status_url = response["Location"]
    assert status_url.startswith(reverse("signing:remote_status", args=[tx.transaction_id]))
    page = leader.get(status_url)
    html = page.content.decode()
    assert "Đang chờ đồng chí xác nhận trên điện thoại" in html and "Kiểm tra lại" in html
    confirm_url = reverse("signing:sandbox_remote_confirm", args=[tx.transaction_id])
    assert confirm_url in html
    assert poll(leader, tx.transaction_id).status_code == 302  # still pending

    # the "phone": the official confirms
    assert "Đồng ý ký" in leader.get(confirm_url).content.decode()
    assert leader.post(confirm_url, {"decision": "approve"}).status_code == 302

    assert poll(leader, tx.transaction_id).status_code == 302
    html = leader.get(status_url).content.decode()
    assert "Đã ký số thành công" in html and "Kiểm tra lại" not in html
    assert f'href="/van-ban/di/{document.pk}/"' in html
    document.refresh_from_db()
    assert document.status == OutgoingStatus.SIGNED and document.signed_at
    result = verify_pdf(files.read_field(document.pdf_file))
    assert result.valid, result.reason
    assert result.signatures[-1].signer == "Nguyễn Văn An"


def test_leader_signs_remotely_with_the_page_script(world):
    document = issued(world)
    leader = client_for(world.leader)
    body = start(leader, document, **JSON).json()
    assert body["state"] == "pending" and not body["final"]
    assert body["message"] == "Đang chờ đồng chí xác nhận trên điện thoại…"
    assert body["confirm_url"] and body["poll_url"]
    assert leader.post(body["poll_url"], **JSON).json()["state"] == "pending"
    leader.post(body["confirm_url"], {"decision": "approve"})
    answer = leader.post(body["poll_url"], **JSON).json()
    assert answer["state"] == "done" and answer["final"], answer
    assert answer["message"].startswith("Đã ký số thành công")
    assert [item["ok"] for item in answer["items"]] == [True]
    # asking again changes nothing
    assert leader.post(body["poll_url"], **JSON).json()["state"] == "done"


def test_refused_on_the_phone(world):
    document = issued(world)
    leader = client_for(world.leader)
    body = start(leader, document, **JSON).json()
    assert leader.post(body["confirm_url"], {"decision": "reject"}).status_code == 302
    answer = leader.post(body["poll_url"], **JSON).json()
    assert answer["state"] == "rejected" and answer["final"]
    assert "từ chối" in answer["message"]
    html = leader.get(body["status_url"]).content.decode()
    assert "Đồng chí đã từ chối yêu cầu ký trên điện thoại" in html
    document.refresh_from_db()
    assert document.status == OutgoingStatus.ISSUED and document.signed_at is None
    assert PreparedSignature.objects.get().status == PreparedStatus.REFUSED


def test_expired_at_the_service_and_here(world):
    leader = client_for(world.leader)
    # the service's transaction expires
    body = start(leader, issued(world), **JSON).json()
    SandboxTransaction.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    answer = leader.post(body["poll_url"], **JSON).json()
    assert answer["state"] == "expired" and "Hết thời gian chờ" in answer["message"]
    # our preparation expires while the service still waits
    body = start(leader, issued(world), **JSON).json()
    PreparedSignature.objects.filter(status=PreparedStatus.PENDING).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    answer = leader.post(body["poll_url"], **JSON).json()
    assert answer["state"] == "expired" and answer["final"]
    assert "Hết thời gian chờ" in leader.get(body["status_url"]).content.decode()


def test_service_unavailable(world, settings):
    document = issued(world)
    leader = client_for(world.leader)
    body = start(leader, document, **JSON).json()
    settings.SIGNING_REMOTE_URL = "http://127.0.0.1:9/khong-co"
    answer = leader.post(body["poll_url"], **JSON)
    assert answer.status_code == 200
    assert answer.json()["state"] == "unavailable" and not answer.json()["final"]
    assert "không phản hồi" in answer.json()["message"]
    response = poll(leader, body["transaction_id"])
    assert response.status_code == 302
    html = leader.get(response["Location"]).content.decode()
    assert "không phản hồi" in html and "Kiểm tra lại" in html
    # sending a new request while the service is down: a clear message, no server error
    response = start(leader, document)
    assert response.status_code == 503
    assert "Dịch vụ ký số từ xa không phản hồi" in response.content.decode()
    response = start(leader, document, **JSON)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "remote_unavailable"


def test_not_the_officials_document_is_refused(world, pki_root, ca):
    # another organisation's leader, with a remote signing account of his own
    other_pair = pki.issue_certificate(ca, common_name="Lãnh đạo Sở Xây dựng")
    remote_account(
        pki_root,
        ca,
        other_pair,
        owner=world.leader_other,
        admin=_province_admin(world),
        user_id="lanhdao-sxd",
    )
    document = issued(world)
    other = client_for(world.leader_other)
    response = start(other, document)
    assert response.status_code == 403
    assert "Chỉ lãnh đạo đã phê duyệt văn bản được ký số" in response.content.decode()
    response = start(other, document, **JSON)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not SandboxTransaction.objects.exists()
    assert not PreparedSignature.objects.exists()
    # an official without a remote certificate
    response = start(client_for(world.head), document, **JSON)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "no_registered_certificate"


def test_another_official_cannot_see_or_poll_the_transaction(world):
    document = issued(world)
    body = start(client_for(world.leader), document, **JSON).json()
    tid = body["transaction_id"]
    for user in (world.head, world.leader_other):
        stranger = client_for(user)
        assert stranger.get(reverse("signing:remote_status", args=[tid])).status_code == 404
        assert poll(stranger, tid).status_code == 404
        assert poll(stranger, tid, **JSON).status_code == 404
        # nor confirm it on the sandbox "phone"
        assert stranger.get(body["confirm_url"]).status_code == 403
        assert stranger.post(body["confirm_url"], {"decision": "approve"}).status_code == 403
    assert SandboxTransaction.objects.get().status == "pending"
    citizen = client_for(make_user())
    assert citizen.get(reverse("signing:remote_status", args=[tid])).status_code == 403
    assert start(citizen, document).status_code == 403
    document.refresh_from_db()
    assert document.status == OutgoingStatus.ISSUED


def test_sandbox_confirmation_page_needs_the_sandbox(world, settings):
    body = start(client_for(world.leader), issued(world), **JSON).json()
    settings.SIGNING_SANDBOX = False
    assert client_for(world.leader).get(body["confirm_url"]).status_code == 404
