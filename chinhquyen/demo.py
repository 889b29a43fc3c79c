"""The demo province: every app's demo loader, in dependency order (project-level wiring).

``manage.py load_demo`` walks ``DEMO_LOADERS``. Each loader takes the shared context dict
(what earlier loaders returned) and returns a dict to merge into it, or None; every loader is
idempotent because ``make run`` runs them all on every start.
"""

from __future__ import annotations

from typing import Any

from chinhquyen.accounts.demo import (
    DemoLoader,
    load_demo_accounts,
    load_oidc_sandbox,
    load_orgs,
)


def load_catalog(context: dict[str, Any]) -> dict[str, Any]:
    from chinhquyen.catalog.demo import load_demo_catalog

    return {"procedures": load_demo_catalog(context.get("orgs"))}


def load_signing(context: dict[str, Any]) -> dict[str, Any]:
    from chinhquyen.signing.demo import load_demo_signing

    return load_demo_signing(context)


# Apps whose data the provincial IT administrator edits in the Django admin (legal parameters
# as data: calendar exceptions, office hours, procedures, notification templates, trust roots).
ADMIN_GROUP_NAME = "Quản trị hệ thống tỉnh"
ADMIN_GROUP_APPS = ("core", "catalog", "notifications", "signing", "documents", "integration")
# Read-only rights the group needs besides: the admin's organisation pickers (autocomplete of
# a step's unit, a procedure's competent organisations, an issuer profile) need the view
# permission of the organisation admin. Units themselves are managed in the app's pages.
ADMIN_GROUP_EXTRA_PERMISSIONS = (("orgs", "view_organisation"),)


def admin_group() -> Any:
    """The "Quản trị hệ thống tỉnh" group with its permissions (created or brought up to date)."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group, _ = Group.objects.get_or_create(name=ADMIN_GROUP_NAME)
    wanted = Q(content_type__app_label__in=ADMIN_GROUP_APPS)
    for app_label, codename in ADMIN_GROUP_EXTRA_PERMISSIONS:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.set(Permission.objects.filter(wanted))
    return group


def load_admin_group(context: dict[str, Any]) -> dict[str, Any]:
    """Give the demo IT administrator access to the Django admin for the legal parameters."""
    from chinhquyen.accounts.models import User

    group = admin_group()
    admin = User.objects.filter(username="quantri").first()
    if admin is not None:
        if not admin.is_staff:
            User.objects.filter(pk=admin.pk).update(is_staff=True)
        admin.groups.add(group)
    return {"admin_group": group}


def load_dossiers(context: dict[str, Any]) -> dict[str, Any]:
    from chinhquyen.dossiers.demo import load_demo_dossiers

    return load_demo_dossiers(context)


def load_documents(context: dict[str, Any]) -> dict[str, Any]:
    from chinhquyen.documents.demo import load_demo_documents

    return load_demo_documents(context)


def load_payments(context: dict[str, Any]) -> dict[str, Any] | None:
    from chinhquyen.payments.demo import load_demo_payments

    return load_demo_payments(context)


def load_tasks(context: dict[str, Any]) -> dict[str, Any] | None:
    from chinhquyen.tasks.demo import load_demo_tasks

    return load_demo_tasks(context)


def load_feedback(context: dict[str, Any]) -> dict[str, Any] | None:
    from chinhquyen.feedback.demo import load_demo_feedback

    return load_demo_feedback(context)


def load_floor(context: dict[str, Any]) -> dict[str, Any] | None:
    from chinhquyen.floor.demo import load_demo_floor

    return load_demo_floor(context)


DEMO_LOADERS: list[DemoLoader] = [
    load_orgs,
    load_demo_accounts,
    load_oidc_sandbox,
    load_admin_group,
    load_catalog,
    load_signing,
    load_payments,
    load_dossiers,
    load_documents,
    load_tasks,
    load_feedback,
    load_floor,
]
