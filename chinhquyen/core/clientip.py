"""The client's address behind the deployment's trusted proxies (security finding #9, point 5).

``TRUSTED_PROXY_COUNT`` (environment variable of the same name, default 0) is how many proxies
this deployment runs behind (TLS terminator, load balancer); each appends the address it saw to
``X-Forwarded-For``. With 0 the client is ``REMOTE_ADDR``; with *n* it is the *n*-th address
from the right of ``X-Forwarded-For`` + ``REMOTE_ADDR``, so the addresses a client writes itself
(further left) are never believed. django-axes (``AXES_CLIENT_IP_CALLABLE``), allauth's rate
limits (``AccountAdapter.get_client_ip``), DRF throttles (``NUM_PROXIES``, the same rule) and
the dossier lookup limits all use this one rule.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR") or "unknown")
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    hops = [part.strip() for part in forwarded.split(",") if part.strip()]
    hops.append(remote)
    return hops[-(count + 1)] if len(hops) > count else hops[0]


def axes_client_ip(request: HttpRequest) -> str | None:
    """``client_ip`` for django-axes, which stores it in a GenericIPAddressField: None when the
    request carries no valid address (a test client's ``force_login``, a broken proxy header)."""
    import ipaddress

    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
