"""Signing PDFs (PAdES with pyHanko) and verifying them.

Signature placement follows Nghị định 30/2020/NĐ-CP, Phụ lục I:

* ``personal`` — the official's image (blue, transparent) between the title and the name,
  in the box the caller gives or the template's placeholder (``core.pdf.find_signature_box``);
* ``organisation`` — the organisation's seal at its actual size, covering the left third of
  the official's image;
* ``attachment`` — an attachment signed by the organisation at the top right of page 1, no
  image: its number/notation and the signing time (ISO 8601, +07:00) in 10 pt.

Signatures are PAdES baseline B-B, or B-T when a timestamp server is configured
(``SIGNING_TSA_URL``). Each signature is one incremental update, so earlier signatures stay
valid. Verification decides on pyHanko's overall verdict, the coverage and the modification
analysis (``docmdp_ok``), never on the integrity check alone.

The services live by use case, each in its own module: ``pades`` (``sign_pdf``: the plan, the
reserved room, the signing itself and the token lock), ``appearance`` (boxes, signature and
seal images, text stamps), ``timestamps`` (the TSA client and the sandbox TSA),
``credentials`` (saving credentials and trust roots, the active credential of an official or
an organisation) and ``remote_signing`` (SmartCA-style remote signing: start and poll);
verification is ``verification``. This module re-exports them all: callers import from
``services``.
"""

from __future__ import annotations

from chinhquyen.core.api import DomainError

from .appearance import (
    ATTACHMENT_FONT_SIZE,
    DEFAULT_PLACEHOLDER,
    MM,
    VN_TZ,
    BoxSpec,
    attachment_box,
    attachment_stamp_text,
    local_now,
    seal_box_for,
)
from .credentials import (
    active_credential_for_organisation,
    active_credential_for_user,
    credential_save,
    fill_certificate_fields,
    trust_root_add,
)
from .pades import MD_ALGORITHM, SIGN_MODES, SignMode, _bytes_reserved, _plan, sign_pdf
from .remote_signing import remote_signing_poll, remote_signing_start
from .timestamps import get_timestamper, sandbox_enabled, sandbox_timestamper
from .verification import (
    SignatureReport,
    VerificationResult,
    collect_trust_roots,
    demo_ca_path,
    verify_pdf,
)

# The signing services, by use case (``services`` is where callers import them from).
__all__ = [
    "ATTACHMENT_FONT_SIZE",
    "DEFAULT_PLACEHOLDER",
    "MD_ALGORITHM",
    "MM",
    "SIGN_MODES",
    "VN_TZ",
    "BoxSpec",
    "DomainError",
    "SignMode",
    "SignatureReport",
    "VerificationResult",
    "_bytes_reserved",
    "_plan",
    "active_credential_for_organisation",
    "active_credential_for_user",
    "attachment_box",
    "attachment_stamp_text",
    "collect_trust_roots",
    "credential_save",
    "demo_ca_path",
    "fill_certificate_fields",
    "get_timestamper",
    "local_now",
    "remote_signing_poll",
    "remote_signing_start",
    "sandbox_enabled",
    "sandbox_timestamper",
    "seal_box_for",
    "sign_pdf",
    "trust_root_add",
    "verify_pdf",
]
