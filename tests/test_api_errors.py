"""Structured Vietnamese error bodies for every API failure."""

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from chinhquyen.core.api import DomainError

factory = APIRequestFactory()


class _Input(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


@api_view(["POST"])
@permission_classes([AllowAny])
def validating_view(request):
    _Input(data=request.data).is_valid(raise_exception=True)
    return Response({})


@api_view(["GET"])
@permission_classes([AllowAny])
def domain_view(request):
    raise DomainError("Hồ sơ đã được trả kết quả, không thể yêu cầu bổ sung.", code="bad_state")


@api_view(["GET"])
@permission_classes([AllowAny])
def django_validation_view(request):
    raise DjangoValidationError({"agency_code": ["Mã định danh không hợp lệ."]})


@api_view(["GET"])
@permission_classes([IsAuthenticated])
def private_view(request):
    return Response({})


@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes([])
def throttled_view(request):
    raise Throttled(wait=12.2)


def test_validation_error_has_fields_in_vietnamese():
    response = validating_view(factory.post("/x", {"year": "abc"}, format="json"))
    assert response.status_code == 400
    assert response.data["error"]["code"] == "validation_error"
    assert response.data["error"]["message"] == "Dữ liệu gửi lên không hợp lệ."
    assert list(response.data["error"]["fields"]) == ["year"]


def test_malformed_json_is_a_parse_error_not_a_500():
    request = factory.post("/x", b"{not json", content_type="application/json")
    response = validating_view(request)
    assert response.status_code == 400
    assert response.data["error"]["code"] == "parse_error"


def test_domain_error_keeps_its_code_and_message():
    response = domain_view(factory.get("/x"))
    assert response.status_code == 400
    assert response.data == {
        "error": {
            "code": "bad_state",
            "message": "Hồ sơ đã được trả kết quả, không thể yêu cầu bổ sung.",
        }
    }


def test_django_validation_error_becomes_400():
    response = django_validation_view(factory.get("/x"))
    assert response.status_code == 400
    assert response.data["error"]["fields"] == {"agency_code": ["Mã định danh không hợp lệ."]}


@pytest.mark.django_db
def test_unauthenticated_is_401_with_vietnamese_message():
    response = private_view(factory.get("/x"))
    assert response.status_code == 401
    assert response.data["error"]["code"] == "not_authenticated"
    assert "đăng nhập" in response.data["error"]["message"]


@pytest.mark.django_db
def test_bad_bearer_token_is_rejected():
    response = private_view(factory.get("/x", HTTP_AUTHORIZATION="Bearer cq_nope"))
    assert response.status_code == 401
    assert response.data["error"]["code"] == "authentication_failed"


def test_throttled_tells_when_to_retry():
    response = throttled_view(factory.get("/x"))
    assert response.status_code == 429
    assert response.data["error"]["code"] == "throttled"
    assert "13 giây" in response.data["error"]["message"]
