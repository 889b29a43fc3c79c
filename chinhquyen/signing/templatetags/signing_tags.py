from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def signing_agent_url() -> str:
    """Where the official's signing agent listens (``SIGNING_AGENT_URL``)."""
    return str(getattr(settings, "SIGNING_AGENT_URL", "") or "http://127.0.0.1:8765")
