"""Who may see which payments (the one place the payments app answers "may this user…").

- The payer sees their own payments (``Payment.payer``), pays them and downloads receipts.
- Officials holding a reconciliation role (leader, IT administrator) see the payments
  collected by a unit in their scope (``Payment.organisation`` inside the subtree of their
  position's unit). Payments without a collecting unit are seen by those whose position is at
  a root organisation (the province). They may reconcile the payments they see.
- Nobody else sees payments (specialists, desk officers: 403 on the reconciliation pages).
"""

from __future__ import annotations

import rules
from django.db.models import Q

from chinhquyen.accounts.models import Role, User
from chinhquyen.accounts.permissions import has_role_in, is_official, scope_filter, units_with_role

from .models import Payment

RECONCILIATION_ROLES = (Role.LEADER.value, Role.IT_ADMIN.value)


def can_browse_payments(user: object) -> bool:
    """May open the reconciliation list and export."""
    return is_official(user) and bool(units_with_role(user, RECONCILIATION_ROLES))


def official_scope(user: object) -> Q:
    """The payments ``user`` sees as an official (matches nothing without a role)."""
    if not is_official(user):
        return Q(pk__in=[])
    units = units_with_role(user, RECONCILIATION_ROLES)
    if not units:
        return Q(pk__in=[])
    cond = scope_filter(user, "organisation", RECONCILIATION_ROLES)
    if any(unit.depth == 0 for unit in units):
        cond |= Q(organisation__isnull=True)
    return cond


def is_payer(user: object, payment: Payment) -> bool:
    return (
        isinstance(user, User)
        and user.is_authenticated
        and user.is_active
        and payment.payer_id is not None
        and payment.payer_id == user.pk
    )


@rules.predicate
def can_view_payment(user: object, payment: Payment | None) -> bool:
    if payment is None:
        return False
    return is_payer(user, payment) or can_reconcile_payment(user, payment)


@rules.predicate
def can_reconcile_payment(user: object, payment: Payment | None) -> bool:
    if payment is None or not can_browse_payments(user):
        return False
    if payment.organisation_id is None:
        return any(unit.depth == 0 for unit in units_with_role(user, RECONCILIATION_ROLES))
    return has_role_in(user, payment.organisation, RECONCILIATION_ROLES)


def can_pay(user: object, payment: Payment) -> bool:
    """Only the payer starts the payment of their own open payment."""
    return is_payer(user, payment) and payment.is_open


rules.add_perm("payments.view_payment", can_view_payment)
rules.add_perm("payments.reconcile_payment", can_reconcile_payment)
