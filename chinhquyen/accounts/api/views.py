"""Accounts API: my profile, officials and their positions, API clients and their tokens.

Views only parse, call a selector or a service, and render. Objects the caller may not see
answer 404 (no leak of their existence); visible objects the caller may not change answer 403.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chinhquyen.core.schema import ERROR_SCHEMA
from chinhquyen.orgs.models import Organisation

from .. import selectors, services
from ..models import Role, User
from .serializers import (
    ApiClientCreateInputSerializer,
    ApiClientSerializer,
    IssuedTokenSerializer,
    MeSerializer,
    OfficialCreateInputSerializer,
    OfficialDetailSerializer,
    OfficialSerializer,
    OfficialUpdateInputSerializer,
    PositionEndInputSerializer,
    PositionInputSerializer,
    PositionSerializer,
    TokenIssueInputSerializer,
    TokenSerializer,
)

TAGS = ["Tài khoản"]

ERRORS = {400: ERROR_SCHEMA, 401: ERROR_SCHEMA, 403: ERROR_SCHEMA, 404: ERROR_SCHEMA}


class AccountsPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _visible_official(request: Request, pk: int) -> User:
    official = selectors.official_get(request.user, pk)
    if official is None:
        raise NotFound()
    return official


class MeView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Tài khoản của tôi",
        description="Hồ sơ, loại tài khoản, các vị trí công tác đang giữ và trạng thái 2FA.",
        responses={200: MeSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        context = {"mfa_enabled": selectors.is_mfa_enabled(user)}
        return Response(MeSerializer(user, context=context).data)


class OfficialListCreateView(GenericAPIView[User]):
    pagination_class = AccountsPagination
    serializer_class = OfficialSerializer
    queryset = User.objects.none()  # for the schema only: get() asks the selector

    @extend_schema(
        tags=TAGS,
        summary="Danh sách cán bộ",
        description=(
            "Chỉ gồm cán bộ người gọi được xem: quản trị hệ thống, lãnh đạo, lãnh đạo phòng "
            "thấy cán bộ thuộc phạm vi đơn vị mình; cán bộ khác chỉ thấy chính mình."
        ),
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.INT, description="Đơn vị (gồm đơn vị con)"),
            OpenApiParameter("role", OpenApiTypes.STR, enum=[r.value for r in Role]),
            OpenApiParameter("q", OpenApiTypes.STR, description="Tìm theo tên, không cần dấu"),
        ],
        responses={200: OfficialSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        unit = self._unit_param(request)
        role = request.query_params.get("role") or None
        if role is not None and role not in Role.values:
            raise ValidationError({"role": ["Vai trò không hợp lệ."]})
        qs = selectors.official_list(
            request.user, unit=unit, role=role, q=request.query_params.get("q")
        )
        page = self.paginate_queryset(qs)
        assert page is not None
        return self.get_paginated_response(OfficialSerializer(page, many=True).data)

    @staticmethod
    def _unit_param(request: Request) -> Organisation | None:
        raw = request.query_params.get("unit")
        if not raw:
            return None
        if not raw.isdigit():
            raise ValidationError({"unit": ["Mã đơn vị không hợp lệ."]})
        unit = Organisation.objects.filter(pk=int(raw)).first()
        if unit is None:
            raise ValidationError({"unit": ["Đơn vị không tồn tại."]})
        return unit

    @extend_schema(
        tags=TAGS,
        summary="Tạo cán bộ",
        description="Quản trị hệ thống tạo cán bộ với ít nhất một vị trí trong phạm vi của mình.",
        request=OfficialCreateInputSerializer,
        responses={201: OfficialDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = _validated(OfficialCreateInputSerializer, request.data)
        official = services.official_create(
            actor=_user(request),
            username=data["username"],
            full_name=data["full_name"],
            email=data["email"],
            phone=data["phone"],
            password=data["password"] or None,
            positions=data["positions"],
        )
        return Response(OfficialDetailSerializer(official).data, status=status.HTTP_201_CREATED)


class OfficialDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Chi tiết cán bộ",
        responses={200: OfficialDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(OfficialDetailSerializer(_visible_official(request, pk)).data)

    @extend_schema(
        tags=TAGS,
        summary="Sửa thông tin cán bộ",
        request=OfficialUpdateInputSerializer,
        responses={200: OfficialDetailSerializer, **ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        official = _visible_official(request, pk)
        data = _validated(OfficialUpdateInputSerializer, request.data)
        services.official_update(
            actor=_user(request),
            user=official,
            full_name=data.get("full_name", official.full_name),
            email=data.get("email", official.email),
            phone=data.get("phone", official.phone),
        )
        return Response(OfficialDetailSerializer(_visible_official(request, pk)).data)


class OfficialDeactivateView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Khóa tài khoản cán bộ",
        description="Tài khoản không đăng nhập được nữa; các khóa API của nó bị thu hồi.",
        request=None,
        responses={200: OfficialDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        official = _visible_official(request, pk)
        services.user_deactivate(actor=_user(request), user=official)
        return Response(OfficialDetailSerializer(_visible_official(request, pk)).data)


class OfficialPositionsView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Giao vị trí công tác",
        description="Giao cho cán bộ một vai trò tại một đơn vị (có thể là quyền, ủy quyền, "
        "có thời hạn). Chỉ quản trị hệ thống có phạm vi bao gồm đơn vị đó.",
        request=PositionInputSerializer,
        responses={201: PositionSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        official = _visible_official(request, pk)
        data = _validated(PositionInputSerializer, request.data)
        position = services.position_assign(actor=_user(request), user=official, **data)
        return Response(PositionSerializer(position).data, status=status.HTTP_201_CREATED)


class PositionEndView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Kết thúc vị trí công tác",
        request=PositionEndInputSerializer,
        responses={200: PositionSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        position = selectors.manageable_position(request.user, pk)
        if position is None:
            raise NotFound()
        data = _validated(PositionEndInputSerializer, request.data)
        position = services.position_end(actor=_user(request), position=position, on=data["on"])
        return Response(PositionSerializer(position).data)


class ApiClientListCreateView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Danh sách hệ thống kết nối",
        responses={200: ApiClientSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        clients = selectors.api_clients_visible_to(request.user)
        return Response(ApiClientSerializer(clients, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Tạo hệ thống kết nối",
        request=ApiClientCreateInputSerializer,
        responses={201: ApiClientSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = _validated(ApiClientCreateInputSerializer, request.data)
        client = services.api_client_create(
            actor=_user(request), name=data["name"], unit=data["unit"]
        )
        return Response(ApiClientSerializer(client).data, status=status.HTTP_201_CREATED)


class ApiClientTokensView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Cấp khóa API",
        description="Khóa đầy đủ (trường token) chỉ trả về một lần; hệ thống chỉ lưu mã băm.",
        request=TokenIssueInputSerializer,
        responses={201: IssuedTokenSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        client = selectors.api_clients_visible_to(request.user).filter(pk=pk).first()
        if client is None:
            raise NotFound()
        data = _validated(TokenIssueInputSerializer, request.data)
        token, raw = services.api_token_issue(
            actor=_user(request), user=client, name=data["name"], expires_at=data["expires_at"]
        )
        body = dict(TokenSerializer(token).data)
        body["token"] = raw
        return Response(body, status=status.HTTP_201_CREATED)


class ApiTokenRevokeView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Thu hồi khóa API",
        request=None,
        responses={200: TokenSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        token = selectors.manageable_token(request.user, pk)
        if token is None:
            raise NotFound()
        token = services.api_token_revoke(actor=_user(request), token=token)
        return Response(TokenSerializer(token).data)


def _validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
