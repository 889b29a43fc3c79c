"""Pages and API of the sandbox gateway ("Cổng thanh toán thử nghiệm"), under
/thanh-toan/sandbox/. They answer 404 unless the active provider is ``vnpay_sandbox``."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from chinhquyen.payments.words import format_vnd

from . import gateway
from .models import SandboxTransaction


def _require_enabled() -> None:
    if not gateway.sandbox_enabled():
        raise Http404("Cổng thanh toán thử nghiệm không được bật.")


def _error(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "payments/sandbox/error.html", {"message": message}, status=status)


@require_GET
@never_cache
def pay(request: HttpRequest) -> HttpResponse:
    """The payment URL (``vpcpay.html``): check the signed request, show the bank page."""
    _require_enabled()
    params = {str(k): str(v) for k, v in request.GET.items()}
    try:
        txn = gateway.open_transaction(params, host=request.get_host())
    except gateway.SandboxError as exc:
        return _error(request, exc.message)
    return _pay_page(request, txn)


def _pay_page(
    request: HttpRequest, txn: SandboxTransaction, *, otp_error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "txn": txn,
        "amount": format_vnd(txn.amount // 100),
        "cards": gateway.TEST_CARDS,
        "expires_at": gateway.expires_at_display(txn),
        "merchant": txn.tmn_code,
        "otp_error": otp_error,
    }
    return render(request, "payments/sandbox/pay.html", context, status=status)


@require_POST
@never_cache
def process(request: HttpRequest) -> HttpResponse:
    """The "Thanh toán" / "Hủy" buttons: settle, notify the merchant (IPN), send the browser
    back to the merchant's return URL with the signed result."""
    _require_enabled()
    action = "cancel" if request.POST.get("action") == "cancel" else "pay"
    try:
        completion = gateway.complete_transaction(
            str(request.POST.get("token", "")),
            action=action,
            card_number=str(request.POST.get("card_number", "")),
            otp=str(request.POST.get("otp", "")),
            send_ipn=not request.POST.get("skip_ipn"),
        )
    except gateway.WrongOtp as exc:
        # one wrong OTP does not end the transaction: the bank page asks again
        txn = SandboxTransaction.objects.get(token=str(request.POST.get("token", "")))
        return _pay_page(request, txn, otp_error=exc.message, status=400)
    except gateway.SandboxError as exc:
        return _error(request, exc.message)
    return HttpResponseRedirect(completion.return_url)


@csrf_exempt
@require_POST
def querydr(request: HttpRequest) -> HttpResponse:
    """The merchant API (``merchant_webapi/api/transaction``), command ``querydr``."""
    _require_enabled()
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"vnp_ResponseCode": "03", "vnp_Message": "Invalid JSON"}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"vnp_ResponseCode": "03", "vnp_Message": "Invalid JSON"}, status=400)
    return JsonResponse(gateway.querydr(body))
