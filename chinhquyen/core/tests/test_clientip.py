"""Security finding #9, point 5: one client-address rule behind the trusted proxies, used the
same way by django-axes, allauth's sign-in limits, DRF throttles and the lookup limits."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle

from chinhquyen.accounts.adapters import AccountAdapter
from chinhquyen.core.clientip import axes_client_ip, client_ip

PEER = "10.0.0.1"
CASES = [
    # (proxies, X-Forwarded-For, the client)
    (0, None, PEER),
    (0, "203.0.113.5", PEER),  # without a proxy setting the header is never believed
    (1, None, PEER),
    (1, "198.51.100.7", "198.51.100.7"),
    (1, "203.0.113.5, 198.51.100.7", "198.51.100.7"),  # a forged left-most entry
    (2, "203.0.113.5, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
    (2, "198.51.100.7", "198.51.100.7"),
]


def _request(forwarded: str | None) -> Any:
    extra: dict[str, Any] = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=PEER, **extra)


@pytest.mark.parametrize(("proxies", "forwarded", "client"), CASES)
def test_every_limit_sees_the_same_client(proxies: int, forwarded: str | None, client: str) -> None:
    rest = dict(settings.REST_FRAMEWORK, NUM_PROXIES=proxies)
    with override_settings(TRUSTED_PROXY_COUNT=proxies, REST_FRAMEWORK=rest):
        request = _request(forwarded)
        assert client_ip(request) == client  # the lookup limits
        assert axes_client_ip(request) == client  # django-axes
        assert AccountAdapter(request).get_client_ip(request) == client  # allauth
        assert AnonRateThrottle().get_ident(Request(request)) == client  # DRF throttles


def test_the_settings_tie_drf_to_the_same_count() -> None:
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.TRUSTED_PROXY_COUNT
    assert settings.AXES_CLIENT_IP_CALLABLE == "chinhquyen.core.clientip.axes_client_ip"


def test_axes_gets_none_for_an_address_that_is_not_one() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="unknown")
    assert axes_client_ip(request) is None
