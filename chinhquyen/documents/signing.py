"""A thin adapter between documents and the signing service (``chinhquyen.signing``).

Documents only need three things: verify a PDF that arrives, sign a PDF personally as the
leader, and add the organisation's signature (seal). Everything about keys, images and
placement stays in the signing app; this module maps its results to what documents store
(``{"valid", "reason", "signer", "checked_at"}``) and its errors to ``DomainError``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.orgs.models import Organisation


def verify(pdf: bytes) -> dict[str, Any]:
    """Check every signature of ``pdf``; the result stored on an incoming document."""
    from chinhquyen.signing.services import verify_pdf

    result = verify_pdf(pdf)
    signers = [s.signer for s in getattr(result, "signatures", []) if getattr(s, "signer", "")]
    return {
        "valid": bool(result.valid),
        "reason": str(result.reason),
        "signer": signers[0] if signers else "",
        "signers": signers,
        "checked_at": timezone.now().isoformat(),
    }


def personal_method(signer: User) -> Any:
    """How ``signer`` signs (``signing.confirm.Method``: what to type), or None without a key."""
    from chinhquyen.core.api import DomainError
    from chinhquyen.signing.confirm import method_for
    from chinhquyen.signing.services import active_credential_for_user

    try:
        return method_for(active_credential_for_user(signer))
    except DomainError:
        return None


def sign_personal(
    *, pdf: bytes, signer: User, pin: str | None, reason: str = "", location: str = ""
) -> bytes:
    """The leader's personal signature, in the document's signature box, once he confirmed
    it with the secret of his signing method (``pin``)."""
    from chinhquyen.signing.confirm import check_secret
    from chinhquyen.signing.services import active_credential_for_user, sign_pdf

    credential = active_credential_for_user(signer)
    check_secret(user_id=signer.pk, credential=credential, secret=pin)
    return sign_pdf(
        pdf=pdf, credential=credential, mode="personal", reason=reason, location=location
    )


def sign_organisation(
    *, pdf: bytes, organisation: Organisation, reason: str = "", location: str = ""
) -> bytes:
    """The organisation's signature with its seal image, next to the leader's signature."""
    from chinhquyen.signing.services import active_credential_for_organisation, sign_pdf

    credential = active_credential_for_organisation(organisation)
    return sign_pdf(
        pdf=pdf, credential=credential, mode="organisation", reason=reason, location=location
    )
