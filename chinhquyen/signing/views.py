"""HTML pages: verify a signed PDF (public), confirm a sandbox remote signature (the official),
and the sandbox RFC 3161 timestamp endpoint."""

from __future__ import annotations

import logging

from asn1crypto import tsp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from chinhquyen.core.api import DomainError

from .forms import DecisionForm, VerifyForm
from .models import RemoteRequestStatus, RemoteSigningRequest

logger = logging.getLogger(__name__)

VERIFY_RATE = 30  # verifications per minute per address (HTML page)


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def _rate_limited(request: HttpRequest) -> bool:
    key = f"signing:verify:{_client_ip(request)}:{timezone.now():%Y%m%d%H%M}"
    if cache.add(key, 1, timeout=70):
        return False
    try:
        count = cache.incr(key)
    except ValueError:
        return False
    return count > VERIFY_RATE


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone (citizens first) uploads a PDF and reads the verdict in Vietnamese."""
    from .verification import verify_pdf  # pyHanko: loaded with the first check

    result = None
    status = 200
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if _rate_limited(request):
            form.add_error(None, "Bạn kiểm tra quá nhiều tệp, vui lòng thử lại sau một phút.")
            status = 429
        elif form.is_valid():
            result = verify_pdf(form.pdf_bytes)
        else:
            status = 400
    else:
        form = VerifyForm()
    return render(request, "signing/verify.html", {"form": form, "result": result}, status=status)


def _sandbox_request(request: HttpRequest, pk: int) -> RemoteSigningRequest:
    from .remote import SandboxProvider, may_confirm
    from .services import sandbox_enabled

    if not sandbox_enabled():
        raise Http404
    remote = get_object_or_404(
        RemoteSigningRequest.objects.select_related("credential", "requested_by"),
        pk=pk,
        provider=SandboxProvider.name,
    )
    if not may_confirm(request.user, remote):
        raise PermissionDenied
    return remote


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The sandbox stand-in for the signing app on the official's phone."""
    from .remote import sandbox_decide

    remote = _sandbox_request(request, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            sandbox_decide(actor=request.user, request_id=remote.pk, approve=approve)
        except DomainError as exc:
            form.add_error(None, str(exc.detail))
        else:
            messages.success(
                request, "Đã xác nhận ký số." if approve else "Đã từ chối yêu cầu ký số."
            )
            return HttpResponseRedirect(reverse("signing:confirm", args=[remote.pk]))
    expired = remote.status == RemoteRequestStatus.PENDING and remote.expires_at < timezone.now()
    return render(
        request,
        "signing/confirm.html",
        {"remote": remote, "form": form, "expired": expired},
        status=400 if form.errors else 200,
    )


@csrf_exempt
@require_POST
def sandbox_tsa(request: HttpRequest) -> HttpResponse:
    """RFC 3161 over HTTP: application/timestamp-query in, application/timestamp-reply out."""
    from .services import sandbox_enabled, sandbox_timestamper

    if not sandbox_enabled():
        raise Http404
    if request.content_type != "application/timestamp-query":
        return HttpResponse(
            "Cần gửi yêu cầu dạng application/timestamp-query.",
            status=415,
            content_type="text/plain; charset=utf-8",
        )
    try:
        query = tsp.TimeStampReq.load(request.body)
        query.native  # noqa: B018 (parse everything now, so a bad request fails here)
    except (ValueError, TypeError):
        return HttpResponse(
            "Yêu cầu cấp dấu thời gian không hợp lệ.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    try:
        timestamper = sandbox_timestamper()
    except DomainError:
        return HttpResponse(
            "Chưa có chứng thư của dịch vụ cấp dấu thời gian thử nghiệm.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    reply = timestamper.request_tsa_response(query)  # type: ignore[attr-defined]
    return HttpResponse(reply.dump(), content_type="application/timestamp-reply")


@login_required
@require_http_methods(["GET", "POST"])
def certificates(request: HttpRequest) -> HttpResponse:
    """ "Chứng thư số của tôi": an official registers the certificate of his USB token; an IT
    administrator sees the certificates waiting for approval and decides (both audited)."""
    from chinhquyen.accounts.permissions import is_official

    from . import deferred
    from .models import CertificateStatus, OfficialCertificate

    user = request.user
    if not is_official(user):
        raise PermissionDenied
    is_admin = deferred.may_decide_certificates(user)
    error = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "register")
        try:
            if action == "register":
                upload = request.FILES.get("certificate")
                data: str | bytes = (
                    upload.read(20001) if upload is not None else request.POST.get("pem", "")
                )
                if not data or len(data) > 20000:
                    raise DomainError("Vui lòng chọn tệp chứng thư số (PEM hoặc DER).")
                deferred.certificate_register(actor=user, official=user, certificate_pem=data)  # type: ignore[arg-type]
                messages.success(request, "Đã đăng ký chứng thư số; chờ quản trị phê duyệt.")
            elif action in ("approve", "reject") and is_admin:
                pk = int(request.POST.get("certificate") or 0)
                get_object_or_404(OfficialCertificate, pk=pk)
                deferred.certificate_decide(
                    actor=user,  # type: ignore[arg-type]
                    certificate_id=pk,
                    approve=action == "approve",
                    note=request.POST.get("note", "")[:500],
                )
                messages.success(request, "Đã phê duyệt." if action == "approve" else "Đã từ chối.")
            else:
                raise PermissionDenied
        except DomainError as exc:
            error = str(exc.detail)
            status = 400
        except ValueError:
            error = "Yêu cầu không hợp lệ."
            status = 400
        else:
            return HttpResponseRedirect(reverse("signing:certificates"))
    own = OfficialCertificate.objects.filter(official_id=user.pk)
    pending = (
        [
            cert
            for cert in OfficialCertificate.objects.filter(
                status=CertificateStatus.PENDING
            ).select_related("official")[:200]
            if deferred.may_decide_for(user, cert.official)  # type: ignore[arg-type]
        ]
        if is_admin
        else []
    )
    return render(
        request,
        "signing/certificates.html",
        {"own": own, "pending": pending, "is_admin": is_admin, "error": error},
        status=status,
    )


# --- The sandbox remote signing service over HTTP (the protocol of ``remote_http``) ---------


def _sandbox_json(status: int, body: dict) -> HttpResponse:
    import json

    return HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def _sandbox_gate(request: HttpRequest) -> HttpResponse | None:
    from .remote_http import sandbox_api_key_ok
    from .services import sandbox_enabled

    if not sandbox_enabled():
        raise Http404
    if not sandbox_api_key_ok(request.headers.get("Authorization", "")):
        return _sandbox_json(
            401, {"error": {"code": "unauthorized", "message": "Khóa truy cập không đúng."}}
        )
    return None


@csrf_exempt
@require_POST
def sandbox_remote_sign(request: HttpRequest) -> HttpResponse:
    """The sandbox SmartCA-style service: a signing request (machine endpoint)."""
    import json

    from .remote_http import sandbox_create

    refused = _sandbox_gate(request)
    if refused is not None:
        return refused
    try:
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict):
            raise ValueError
        tx = sandbox_create(body=body)
    except ValueError:
        return _sandbox_json(
            400, {"error": {"code": "bad_request", "message": "Nội dung không phải JSON."}}
        )
    except DomainError as exc:
        return _sandbox_json(400, {"error": {"code": exc.error_code, "message": str(exc.detail)}})
    return _sandbox_json(
        201,
        {
            "transaction_id": tx.transaction_id,
            "status": "pending",
            "expires_at": tx.expires_at.isoformat(),
        },
    )


@require_http_methods(["GET"])
def sandbox_remote_transaction(request: HttpRequest, transaction_id: str) -> HttpResponse:
    from .models import SandboxTransaction
    from .remote_http import sandbox_view

    refused = _sandbox_gate(request)
    if refused is not None:
        return refused
    tx = SandboxTransaction.objects.filter(transaction_id=transaction_id).first()
    if tx is None:
        return _sandbox_json(
            404, {"error": {"code": "not_found", "message": "Không có giao dịch này."}}
        )
    return _sandbox_json(200, sandbox_view(tx))
