"""Signing API: verify a signed PDF (public, rate-limited); officials' certificates and
two-step signing with their own device (prepare, complete)."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from chinhquyen.accounts.models import User

from .serializers import (
    CertificateDecideSerializer,
    CertificateRegisterSerializer,
    CompleteRequestSerializer,
    CompleteResponseSerializer,
    OfficialCertificateSerializer,
    PrepareRequestSerializer,
    PrepareResponseSerializer,
    RemotePollResponseSerializer,
    RemotePollSerializer,
    RemoteRequestResponseSerializer,
    RemoteRequestSerializer,
    VerificationResultSerializer,
    VerifyRequestSerializer,
)

DEFAULT_VERIFY_RATE = "30/min"


class VerifyAnonThrottle(AnonRateThrottle):
    """Anonymous callers: ``DEFAULT_THROTTLE_RATES["signing_verify"]`` (default 30/min)."""

    scope = "signing_verify"

    def get_rate(self) -> str | None:
        return str(self.THROTTLE_RATES.get(self.scope) or DEFAULT_VERIFY_RATE)


class VerifyUserThrottle(UserRateThrottle):
    scope = "signing_verify_user"

    def get_rate(self) -> str | None:
        return str(self.THROTTLE_RATES.get(self.scope) or "120/min")


class VerifyView(APIView):
    permission_classes = [permissions.AllowAny]
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [VerifyAnonThrottle, VerifyUserThrottle]

    @extend_schema(
        operation_id="signing_verify",
        summary="Kiểm tra chữ ký số trên tệp PDF",
        description=(
            "Gửi một tệp PDF (multipart, trường «file», tối đa 20 MB; kiểm tra theo nội dung tệp). "
            "Kết quả cho biết tệp có chữ ký số hợp lệ không: dữ liệu còn nguyên vẹn, chữ ký "
            "bao trùm toàn bộ tệp hoặc chỉ có các thay đổi được phép sau khi ký, chứng thư số do "
            "tổ chức tin cậy cấp và còn hiệu lực. Không cần đăng nhập (người dân tự kiểm tra kết "
            "quả giải quyết thủ tục); giới hạn số lần gọi theo địa chỉ."
        ),
        request={"multipart/form-data": VerifyRequestSerializer},
        responses={
            200: VerificationResultSerializer,
            400: OpenApiResponse(description="Tệp không hợp lệ (không phải PDF, quá lớn)."),
            429: OpenApiResponse(description="Gọi quá nhiều lần."),
        },
        tags=["Chữ ký số"],
    )
    def post(self, request: Request) -> Response:
        serializer = VerifyRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        from chinhquyen.signing.verification import verify_pdf  # pyHanko: at the first check

        result = verify_pdf(serializer.validated_data["file"])
        return Response(VerificationResultSerializer(result.as_dict()).data)


# --- Two-step signing with the official's own device (USB token through the signing agent) --

TAG = "Chữ ký số"
ERROR = OpenApiResponse(description='Lỗi có cấu trúc: {"error": {"code", "message", "fields"}}.')


class IsOfficial(permissions.IsAuthenticated):
    message = "Chỉ cán bộ được dùng chức năng ký số."

    def has_permission(self, request: Request, view: Any) -> bool:
        from chinhquyen.accounts.permissions import is_official

        return super().has_permission(request, view) and is_official(request.user)


def _certificate_data(certificate: Any) -> dict[str, Any]:
    return dict(OfficialCertificateSerializer(certificate).data)


class CertificatesView(APIView):
    permission_classes = [IsOfficial]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="signing_certificates_list",
        summary="Chứng thư số của tôi (ký bằng thiết bị của cán bộ)",
        responses={200: OfficialCertificateSerializer(many=True)},
        tags=[TAG],
    )
    def get(self, request: Request) -> Response:
        from ..models import OfficialCertificate

        rows = OfficialCertificate.objects.filter(official=cast(User, request.user))
        return Response(OfficialCertificateSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="signing_certificates_register",
        summary="Đăng ký chứng thư số của USB token (chờ quản trị phê duyệt)",
        request=CertificateRegisterSerializer,
        responses={201: OfficialCertificateSerializer, 400: ERROR},
        tags=[TAG],
    )
    def post(self, request: Request) -> Response:
        from .. import deferred

        serializer = CertificateRegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = cast(User, request.user)
        certificate = deferred.certificate_register(
            actor=user, official=user, certificate_pem=serializer.validated_data["certificate_pem"]
        )
        return Response(_certificate_data(certificate), status=201)


class CertificateDecideView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="signing_certificates_decide",
        summary="Quản trị phê duyệt hoặc từ chối chứng thư số của cán bộ",
        request=CertificateDecideSerializer,
        responses={200: OfficialCertificateSerializer, 403: ERROR, 404: ERROR, 409: ERROR},
        tags=[TAG],
    )
    def post(self, request: Request, pk: int) -> Response:
        from django.shortcuts import get_object_or_404

        from .. import deferred
        from ..models import OfficialCertificate

        user = cast(User, request.user)
        if not deferred.may_decide_certificates(user):
            raise PermissionDenied("Chỉ quản trị hệ thống mới phê duyệt chứng thư số.")
        serializer = CertificateDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        get_object_or_404(OfficialCertificate, pk=pk)
        certificate = deferred.certificate_decide(
            actor=user,
            certificate_id=pk,
            approve=serializer.validated_data["approve"],
            note=serializer.validated_data["note"],
        )
        return Response(_certificate_data(certificate))


class DeferredThrottle(UserRateThrottle):
    scope = "signing_deferred"

    def get_rate(self) -> str | None:
        return str(self.THROTTLE_RATES.get(self.scope) or "60/min")


class PrepareView(APIView):
    permission_classes = [IsOfficial]
    parser_classes = [JSONParser]
    throttle_classes = [DeferredThrottle]

    @extend_schema(
        operation_id="signing_deferred_prepare",
        summary="Chuẩn bị ký bằng thiết bị của cán bộ (USB token): trả về giá trị băm cần ký",
        description=(
            "Chuẩn bị một hoặc nhiều văn bản (ký theo lô) để cán bộ ký bằng chứng thư số đã "
            "đăng ký và được phê duyệt. Mỗi văn bản có kết quả riêng: mã chuẩn bị `id` và giá "
            "trị băm `digest` (SHA-256 của các thuộc tính được ký, base64) gửi cho phần mềm ký "
            "(docs/signing-agent.md), hoặc `code`/`message` khi không chuẩn bị được. "
            "`purpose`: `documents.outgoing_sign` (văn bản đi chờ lãnh đạo ký)."
        ),
        request=PrepareRequestSerializer,
        responses={200: PrepareResponseSerializer, 400: ERROR},
        tags=[TAG],
    )
    def post(self, request: Request) -> Response:
        import base64

        from .. import deferred

        serializer = PrepareRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = cast(User, request.user)
        certificate = deferred.registered_certificate(
            user, remote=serializer.validated_data["remote"]
        )
        outcomes = deferred.prepare_targets(
            actor=user,
            purpose=serializer.validated_data["purpose"],
            target_ids=serializer.validated_data["target_ids"],
            remote=serializer.validated_data["remote"],
        )
        items = []
        for outcome in outcomes:
            prepared = outcome.prepared
            items.append(
                {
                    "target_id": outcome.target_id,
                    "id": prepared.pk if prepared else None,
                    "digest": base64.b64encode(bytes(prepared.digest)).decode()
                    if prepared
                    else None,
                    "algorithm": prepared.md_algorithm if prepared else None,
                    "expires_at": prepared.expires_at if prepared else None,
                    "description": prepared.description if prepared else None,
                    "code": outcome.code,
                    "message": outcome.message,
                }
            )
        return Response(
            PrepareResponseSerializer({"certificate": certificate, "items": items}).data
        )


class CompleteView(APIView):
    permission_classes = [IsOfficial]
    parser_classes = [JSONParser]
    throttle_classes = [DeferredThrottle]

    @extend_schema(
        operation_id="signing_deferred_complete",
        summary="Gửi chữ ký do thiết bị của cán bộ tạo: gắn vào văn bản, kiểm tra, chuyển bước",
        description=(
            "Mỗi mục: mã chuẩn bị và chữ ký (base64) trên giá trị băm đã nhận; "
            "`certificate_chain`: chứng thư của người ký rồi các chứng thư trung gian (PEM). "
            "Chữ ký bị từ chối (có lý do) khi phiên ký hết hạn, không ký đúng giá trị băm, "
            "không bằng chứng thư đã đăng ký, hoặc chứng thư không tin cậy, hết hạn, bị thu hồi."
        ),
        request=CompleteRequestSerializer,
        responses={200: CompleteResponseSerializer, 400: ERROR},
        tags=[TAG],
    )
    def post(self, request: Request) -> Response:
        import base64
        import binascii

        from .. import deferred

        serializer = CompleteRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        items: list[tuple[int, bytes]] = []
        for item in data["items"]:
            try:
                items.append((item["id"], base64.b64decode(item["signature"], validate=True)))
            except (binascii.Error, ValueError):
                items.append((item["id"], b""))
        outcomes = deferred.complete_batch(
            actor=cast(User, request.user),
            items=items,
            certificates=data["certificate_chain"],
            signature_format=data["signature_format"],
            request=request._request,
        )
        rows = [
            {"id": o.prepared_id, "ok": o.ok, "code": o.code, "message": o.message}
            for o in outcomes
        ]
        return Response(CompleteResponseSerializer({"items": rows}).data)


class RemoteRequestView(APIView):
    permission_classes = [IsOfficial]
    parser_classes = [JSONParser]
    throttle_classes = [DeferredThrottle]

    @extend_schema(
        operation_id="signing_deferred_remote_request",
        summary="Gửi các văn bản đã chuẩn bị tới dịch vụ ký số từ xa (xác nhận trên điện thoại)",
        description=(
            "Một yêu cầu cho cả lô: cán bộ xác nhận một lần trên điện thoại. Trả về mã giao "
            "dịch để hỏi trạng thái (signing_deferred_remote_poll)."
        ),
        request=RemoteRequestSerializer,
        responses={200: RemoteRequestResponseSerializer, 400: ERROR, 404: ERROR, 503: ERROR},
        tags=[TAG],
    )
    def post(self, request: Request) -> Response:
        from .. import remote_http

        serializer = RemoteRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        transaction_id = remote_http.remote_request(
            actor=cast(User, request.user),
            prepared_ids=serializer.validated_data["ids"],
            description=serializer.validated_data["description"],
        )
        return Response({"transaction_id": transaction_id})


class RemotePollView(APIView):
    permission_classes = [IsOfficial]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="signing_deferred_remote_poll",
        summary="Hỏi trạng thái giao dịch ký số từ xa; khi cán bộ đã xác nhận, hoàn tất ký",
        request=RemotePollSerializer,
        responses={200: RemotePollResponseSerializer, 404: ERROR, 503: ERROR},
        tags=[TAG],
    )
    def post(self, request: Request) -> Response:
        from .. import remote_http

        serializer = RemotePollSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome = remote_http.remote_poll(
            actor=cast(User, request.user),
            transaction_id=serializer.validated_data["transaction_id"],
            request=request._request,
        )
        rows = [
            {"id": o.prepared_id, "ok": o.ok, "code": o.code, "message": o.message}
            for o in outcome.items
        ]
        return Response(
            RemotePollResponseSerializer(
                {"status": outcome.status, "message": outcome.message, "items": rows}
            ).data
        )
