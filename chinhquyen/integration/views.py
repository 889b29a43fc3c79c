"""A local sandbox of the national document axis (store and forward), on when
``INTEGRATION_AXIS_SANDBOX`` is set (404 otherwise). It speaks the protocol of
``transport.NationalAxisTransport``: a sender posts a signed message for an agency code, the
recipient lists its inbox and acknowledges what it took. It stores, never checks: the
recipient verifies the signature as for a direct delivery.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .models import AxisEnvelope
from .signature import MAX_MESSAGE_BYTES

MAX_INBOX_BATCH = 50


def _enabled() -> None:
    if not getattr(settings, "INTEGRATION_AXIS_SANDBOX", False):
        raise Http404


@csrf_exempt
@require_POST
def axis_send(request: HttpRequest) -> HttpResponse:
    _enabled()
    to_organ_id = request.headers.get("X-To-Organ-Id", "").strip()[:35]
    data = request.body
    if not to_organ_id or not data or len(data) > MAX_MESSAGE_BYTES:
        return JsonResponse(
            {"accepted": False, "reason": "Thiếu nơi nhận (X-To-Organ-Id) hoặc nội dung."},
            status=400,
        )
    from .signature import Rejected, parse, read_transport

    try:
        info = read_transport(parse(data))
    except Rejected as exc:
        return JsonResponse({"accepted": False, "reason": exc.reason}, status=400)
    envelope = AxisEnvelope.objects.create(
        to_organ_id=to_organ_id, from_organ_id=info.from_organ_id[:35], data=data
    )
    return JsonResponse({"accepted": True, "code": "queued", "axis_id": envelope.pk}, status=202)


@require_GET
def axis_inbox(request: HttpRequest, organ_id: str) -> HttpResponse:
    _enabled()
    rows = AxisEnvelope.objects.filter(to_organ_id=organ_id, fetched_at__isnull=True).order_by(
        "pk"
    )[:MAX_INBOX_BATCH]
    return JsonResponse(
        {
            "messages": [
                {"id": row.pk, "data": base64.b64encode(bytes(row.data)).decode("ascii")}
                for row in rows
            ]
        }
    )


@csrf_exempt
@require_POST
def axis_ack(request: HttpRequest, organ_id: str, pk: int) -> HttpResponse:
    _enabled()
    updated = AxisEnvelope.objects.filter(
        pk=pk, to_organ_id=organ_id, fetched_at__isnull=True
    ).update(fetched_at=timezone.now())
    return JsonResponse({"acknowledged": bool(updated)})
