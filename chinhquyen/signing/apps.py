from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "chinhquyen.signing"
    label = "signing"
    verbose_name = "Chữ ký số"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # (pyHanko's faster hex-string reader, ``fastpdf``, is installed by the modules that
        # read PDFs with pyHanko, ``pades`` (loaded by ``services``) and ``verification``: not
        # at start-up, which must not load pyHanko.)
        from .models import (
            OfficialCertificate,
            PreparedSignature,
            RemoteSigningRequest,
            SigningCredential,
            TrustRoot,
        )

        if not auditlog.contains(SigningCredential):
            auditlog.register(SigningCredential, exclude_fields=["created_at", "updated_at"])
        if not auditlog.contains(TrustRoot):
            auditlog.register(TrustRoot, exclude_fields=["created_at"])
        if not auditlog.contains(RemoteSigningRequest):
            # the documents themselves are not copied into the audit log
            auditlog.register(
                RemoteSigningRequest,
                include_fields=["credential", "requested_by", "provider", "description", "status"],
            )
        if not auditlog.contains(OfficialCertificate):
            auditlog.register(
                OfficialCertificate,
                include_fields=["official", "serial_number", "issuer", "status", "decided_by"],
            )
        if not auditlog.contains(PreparedSignature):
            auditlog.register(
                PreparedSignature,
                include_fields=["official", "certificate", "description", "status", "error"],
            )
