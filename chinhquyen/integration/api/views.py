"""The exchange endpoint: a peer posts one signed edXML message (application/xml).

Not authenticated by a session or a key: the XML signature is the sender's authentication,
checked against the peer registry (``services.receive``). The answer is a JSON receipt.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import services


class RawXMLParser(BaseParser):
    media_type = "application/xml"

    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        return stream.read() if stream is not None else b""


class TextXMLParser(RawXMLParser):
    media_type = "text/xml"


Receipt = inline_serializer(
    name="EdxmlReceipt",
    fields={
        "accepted": serializers.BooleanField(),
        "code": serializers.CharField(),
        "reason": serializers.CharField(required=False),
        "duplicate": serializers.BooleanField(required=False),
        "document_id": serializers.CharField(required=False),
        "message_id": serializers.CharField(required=False),
        "status": serializers.CharField(required=False),
    },
)


class EdxmlReceiveView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    parser_classes = [RawXMLParser, TextXMLParser]
    throttle_classes: list[type] = []

    @extend_schema(
        operation_id="integration_edxml_receive",
        tags=["integration"],
        summary="Nhận thông điệp edXML đã ký từ hệ thống liên thông",
        request={"application/xml": OpenApiTypes.BINARY},
        responses={
            200: Receipt,
            400: OpenApiResponse(Receipt, description="Không phải thông điệp edXML hợp lệ."),
            403: OpenApiResponse(Receipt, description="Chữ ký hoặc nơi gửi không hợp lệ."),
            409: OpenApiResponse(Receipt, description="Thông điệp gửi lại (replay)."),
            422: OpenApiResponse(Receipt, description="Nơi nhận không thuộc hệ thống."),
            425: OpenApiResponse(Receipt, description="Chưa có văn bản gốc: gửi lại sau."),
        },
    )
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, bytes) else b""
        outcome = services.receive(data, request=request._request)
        return Response(outcome.as_json(), status=outcome.http_status)
