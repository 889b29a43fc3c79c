"""OpenAPI generation shared by every app: the error answers an operation may give.

Every API error has the body of ``chinhquyen.core.api.error_body``. Views document the answers
of their own logic; the ones the framework gives on its own are added here, so that the
committed openapi.yaml lists every status code a client can receive:

- 400 when the operation reads a body or query parameters (validation, unreadable body);
- 401 when the view authenticates (no credentials, a bad or expired token);
- 403 on every path: ``OfficialMFARequiredMiddleware`` refuses every /api/ request of an
  official signed in without two-factor authentication, and permissions refuse others;
- 404 when the path has parameters (an unknown id, an id that is not a number) or the list is
  paginated by page number (a page past the end);
- 415 when the operation reads a body (DRF refuses a body in a media type its parsers do not
  read, e.g. a multipart part list it cannot parse);
- 429 when the view throttles.

An error answer a view documented without a body gets the error body schema. A read-only
string with a format (an e-mail, a URL) or choices, read from a model field that may be blank,
is documented as possibly empty: "" is neither an e-mail address nor one of the choices, the
schema alone would reject what the API returns for an organisation without e-mail.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

ERROR_SCHEMA = inline_serializer(
    name="ErrorResponse",
    fields={
        "error": inline_serializer(
            name="ErrorBody",
            fields={
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "fields": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField()), required=False
                ),
            },
        )
    },
)

# Query parameters whose bad values answer 404: a page past the end, and DRF's ``format``
# override naming a representation the view does not have.
NOT_FOUND_PARAMETERS = frozenset({"page", "format"})
BLANKABLE_FORMATS = frozenset({"email", "uri", "url"})
OUTER_KEYS = frozenset({"readOnly", "writeOnly", "nullable", "deprecated", "description", "title"})


def _from_blank_model_field(field: Any) -> bool:
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or "." in (field.source or ""):
        return False
    try:
        return bool(model._meta.get_field(field.source).blank)
    except FieldDoesNotExist:
        return False


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses: dict[str, Any] = operation.setdefault("responses", {})
        for implied in sorted(self._implied_error_codes(operation)):
            responses.setdefault(str(implied), {"description": ""})
        for code, response in responses.items():
            if code.isdigit() and int(code) >= 400 and not response.get("content"):
                response["content"] = self._get_response_for_code(ERROR_SCHEMA, code)["content"]
        return operation

    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # drf-spectacular adds the "" option to writable blank fields with a format or choices;
        # a read-only field built from a blank model field (an organisation without e-mail, a
        # message without status yet) needs it too
        constrained = isinstance(field, serializers.ChoiceField) and "" not in field.choices
        if (
            getattr(field, "read_only", False)
            and isinstance(schema, dict)
            and (constrained or schema.get("format") in BLANKABLE_FORMATS)
            and _from_blank_model_field(field)
        ):
            outer = {k: schema.pop(k) for k in list(schema) if k in OUTER_KEYS}
            schema = {**outer, "oneOf": [schema, {"type": "string", "maxLength": 0}]}
        return schema

    def _implied_error_codes(self, operation: dict[str, Any]) -> set[int]:
        parameters = [p for p in operation.get("parameters", []) if isinstance(p, dict)]
        codes = {403}
        if self.view.get_authenticators():
            codes.add(401)
        if "requestBody" in operation or any(p.get("in") == "query" for p in parameters):
            codes.add(400)
        if "requestBody" in operation:
            codes.add(415)
        if any(p.get("in") == "path" for p in parameters) or any(
            p.get("in") == "query" and p.get("name") in NOT_FOUND_PARAMETERS for p in parameters
        ):
            codes.add(404)
        if self.view.get_throttles():
            codes.add(429)
        return codes


def api_paths_only(endpoints: list[Any], **_: Any) -> list[Any]:
    """drf-spectacular preprocessing hook: the open API is what lives under ``/api/``; the
    Wagtail admin's internal API (the portals' editing screens) is not part of it."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
