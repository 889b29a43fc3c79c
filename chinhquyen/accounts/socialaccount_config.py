"""allauth's social accounts, with the provider registry loaded on first use.

allauth loads every provider module in ``ready()``; the OpenID Connect provider imports
``requests`` (and urllib3, charset_normalizer…) at module level, a fifth of the start-up time
of every management command, although only the sign-in pages and the OIDC callbacks need it.
The registry is loaded when it is first asked for a provider: the allauth URLs ask for the list
when the URLconf is imported, and ``get_class`` (the only accessor that does not load by
itself) loads it here first.
"""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.apps import SocialAccountConfig as AllauthSocialAccountConfig
from allauth.socialaccount.providers import ProviderRegistry


class LazyProviderRegistry(ProviderRegistry):
    def get_class(self, id: str) -> Any:
        self.load()
        return super().get_class(id)


class SocialAccountConfig(AllauthSocialAccountConfig):
    def ready(self) -> None:
        from allauth.socialaccount import checks  # noqa: F401  (registers allauth's check)
        from allauth.socialaccount.providers import registry

        registry.__class__ = LazyProviderRegistry
