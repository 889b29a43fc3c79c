from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def signing_agent_url() -> str:
    """Where the official's signing agent listens (``SIGNING_AGENT_URL``)."""
    return str(getattr(settings, "SIGNING_AGENT_URL", "") or "http://127.0.0.1:8765")


@register.simple_tag(takes_context=True)
def remote_signing_available(context: template.Context) -> bool:
    """Whether the signed-in official has an approved, valid certificate of a remote signing
    service (SmartCA-style): then pages offer "Ký số từ xa"."""
    from chinhquyen.accounts.permissions import is_official
    from chinhquyen.core.api import DomainError

    from ..deferred import registered_certificate

    request = context.get("request")
    user = getattr(request, "user", None)
    if not is_official(user):
        return False
    try:
        certificate = registered_certificate(user, remote=True)  # type: ignore[arg-type]
    except DomainError:
        return False
    return bool(certificate.remote_user_id)
