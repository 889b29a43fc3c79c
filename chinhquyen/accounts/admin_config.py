"""The Django admin, installed with our site class (``admin_site.SecureAdminSite``).

Kept apart from ``admin_site`` because app configs are imported before the models are ready.
"""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "chinhquyen.accounts.admin_site.SecureAdminSite"
