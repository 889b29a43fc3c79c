"""Signing API: verify a signed PDF (public, rate-limited)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from .serializers import VerificationResultSerializer, VerifyRequestSerializer

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
