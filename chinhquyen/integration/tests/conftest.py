"""Fixtures of the exchange tests: the documents' small province, where Sở Tư pháp (A) and Sở
Xây dựng (B) each hold an organisation certificate and know each other only as peers: B is a
recipient named by its agency code, so everything goes through signed edXML messages, the
outbox and the exchange endpoint (a transport that posts to the test client)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from chinhquyen.documents.tests.conftest import World, build_world
from chinhquyen.integration import transport
from chinhquyen.integration.models import Peer
from chinhquyen.integration.services import peer_save


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture(scope="session")
def pki_pairs() -> dict[str, Any]:
    from chinhquyen.signing import pki

    ca = pki.make_ca("CA kiểm thử liên thông")
    return {
        "ca": ca,
        "a": pki.issue_certificate(ca, common_name="Sở Tư pháp", organisation="Tỉnh A"),
        "b": pki.issue_certificate(ca, common_name="Sở Xây dựng", organisation="Tỉnh B"),
        "intruder": pki.issue_certificate(ca, common_name="Kẻ giả mạo"),
    }


@pytest.fixture
def orgs(world, settings, tmp_path, pki_pairs) -> Iterator[dict[str, Any]]:
    """Seals of A and B, and the peer registry on both sides."""
    from chinhquyen.signing.keys import signer_cache
    from chinhquyen.signing.tests.conftest import make_credential

    root = tmp_path / "pki"
    (root / "ca").mkdir(parents=True)
    (root / "ca" / "ca.cert.pem").write_text(pki_pairs["ca"].certificate_pem)
    settings.SIGNING_PKI_DIR = root
    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_SANDBOX = False
    settings.INTEGRATION_DELIVER_ON_COMMIT = False
    signer_cache.invalidate()
    ca = pki_pairs["ca"]
    make_credential(root, ca, pki_pairs["a"], organisation=world.justice)
    make_credential(root, ca, pki_pairs["b"], organisation=world.construction)
    peers = {
        "a": peer_save(
            actor=None,
            peer=Peer(
                agency_code=world.justice.agency_code,
                name=world.justice.name,
                endpoint_url="http://a.example/api/v1/integration/edxml/",
                certificate_pem=pki_pairs["a"].certificate_pem,
            ),
        ),
        "b": peer_save(
            actor=None,
            peer=Peer(
                agency_code=world.construction.agency_code,
                name=world.construction.name,
                endpoint_url="http://b.example/api/v1/integration/edxml/",
                certificate_pem=pki_pairs["b"].certificate_pem,
            ),
        ),
    }
    yield {"world": world, "peers": peers, **pki_pairs}
    signer_cache.invalidate()


class ClientTransport:
    """Posts to the exchange endpoint through the Django test client (no network)."""

    name = "direct"

    def __init__(self) -> None:
        self.client = Client()
        self.sent: list[bytes] = []

    def send(self, peer: Peer, message_bytes: bytes) -> transport.Receipt:
        self.sent.append(message_bytes)
        response = self.client.post(
            "/api/v1/integration/edxml/", data=message_bytes, content_type="application/xml"
        )
        detail = response.json()
        ok = 200 <= response.status_code < 300
        return transport.Receipt(
            ok=ok,
            http_status=response.status_code,
            retry=response.status_code >= 500 or response.status_code in (408, 425, 429),
            detail=detail,
            error="" if ok else str(detail.get("reason", "")),
        )


@pytest.fixture
def wire(monkeypatch) -> ClientTransport:
    fake = ClientTransport()
    monkeypatch.setitem(transport.TRANSPORTS, "direct", fake)
    return fake
