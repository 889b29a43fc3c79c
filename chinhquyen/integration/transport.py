"""Transports of signed edXML messages: the interface, the direct peer-to-peer transport and
the adapter of the national document axis (store and forward), with a registry.

``Transport.send(peer, message_bytes) -> Receipt``. A receipt says whether the peer (or the
axis) took the message; ``retry`` says whether trying again later can help (network errors,
5xx) or not (the peer refused the message: 4xx, with its reason).

The national axis (Trục liên thông văn bản quốc gia) is store and forward: the sender posts to
the axis (``INTEGRATION_AXIS_URL``), each recipient polls its inbox and acknowledges what it
took. ``NationalAxisTransport`` speaks that protocol; ``views`` has a local sandbox of the axis
that speaks it too (used by the demo and the tests); ``poll_axis`` is the recipient's side.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings

from .models import Peer, TransportKind

logger = logging.getLogger(__name__)
CONTENT_TYPE = "application/xml; charset=utf-8"


@dataclass
class Receipt:
    ok: bool
    http_status: int = 0
    retry: bool = False
    detail: dict[str, Any] = field(default_factory=dict)
    error: str = ""


class Transport(Protocol):
    name: str

    def send(self, peer: Peer, message_bytes: bytes) -> Receipt: ...


def _timeout() -> float:
    return float(getattr(settings, "INTEGRATION_HTTP_TIMEOUT", 30))


def _post(url: str, data: bytes, headers: dict[str, str]) -> Receipt:
    request = urllib.request.Request(url, data=data, method="POST", headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=_timeout()) as response:  # noqa: S310
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        body = exc.read()
        status = exc.code
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        return Receipt(ok=False, retry=True, error=f"Không kết nối được: {exc}")
    try:
        detail = json.loads(body.decode("utf-8")) if body else {}
    except (UnicodeDecodeError, ValueError):
        detail = {}
    if not isinstance(detail, dict):
        detail = {}
    if 200 <= status < 300:
        return Receipt(ok=True, http_status=status, detail=detail)
    reason = str(detail.get("reason") or detail.get("detail") or f"HTTP {status}")
    # 4xx: the peer refused this message (a retry sends the same content again: no use),
    # except 408/425/429 (try later: 425 = the original has not arrived yet); 5xx: try later
    retry = status >= 500 or status in (408, 425, 429)
    return Receipt(ok=False, http_status=status, retry=retry, detail=detail, error=reason)


class DirectTransport:
    """POST to the peer's exchange endpoint; the XML signature authenticates the sender."""

    name: str = "direct"

    def send(self, peer: Peer, message_bytes: bytes) -> Receipt:
        return _post(peer.endpoint_url, message_bytes, {"Content-Type": CONTENT_TYPE})


def axis_url() -> str:
    return str(getattr(settings, "INTEGRATION_AXIS_URL", "")).rstrip("/")


class NationalAxisTransport:
    """Post to the national axis: ``POST {axis}/messages/`` with the recipient's agency code
    in ``X-To-Organ-Id``; the axis answers 202 with its tracking id."""

    name: str = "axis"

    def send(self, peer: Peer, message_bytes: bytes) -> Receipt:
        base = axis_url()
        if not base:
            return Receipt(ok=False, retry=True, error="Chưa cấu hình địa chỉ trục liên thông.")
        return _post(
            f"{base}/messages/",
            message_bytes,
            {"Content-Type": CONTENT_TYPE, "X-To-Organ-Id": peer.agency_code},
        )


def _get_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=_timeout()) as response:  # noqa: S310
        data = json.loads(response.read().decode("utf-8"))
    return data if isinstance(data, dict) else {}


def axis_fetch(organ_id: str) -> list[tuple[str, bytes]]:
    """The messages waiting on the axis for ``organ_id``: (axis id, signed bytes)."""
    import base64

    data = _get_json(f"{axis_url()}/inbox/{organ_id}/")
    return [
        (str(item["id"]), base64.b64decode(item["data"]))
        for item in data.get("messages", [])
        if isinstance(item, dict)
    ]


def axis_ack(organ_id: str, axis_id: str) -> None:
    request = urllib.request.Request(  # noqa: S310
        f"{axis_url()}/inbox/{organ_id}/{axis_id}/ack/", data=b"", method="POST"
    )
    with urllib.request.urlopen(request, timeout=_timeout()):  # noqa: S310
        pass


TRANSPORTS: dict[str, Transport] = {
    str(TransportKind.DIRECT): DirectTransport(),
    str(TransportKind.AXIS): NationalAxisTransport(),
}


def transport_for(peer: Peer) -> Transport:
    return TRANSPORTS[peer.transport]
