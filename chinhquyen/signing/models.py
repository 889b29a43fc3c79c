"""Signing credentials (an official's or an organisation's key and certificate), trusted root
certificates, and remote-signing requests waiting for an official's confirmation.

Secrets never live in the database: a PKCS#12 passphrase or a token PIN is read from the
environment variable named on the credential.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class CredentialKind(models.TextChoices):
    PKCS12 = "pkcs12", "Tệp khóa PKCS#12"
    PKCS11 = "pkcs11", "Thiết bị ký (USB token, PKCS#11)"
    REMOTE = "remote", "Ký số từ xa"


class SigningCredential(models.Model):
    """A key that signs for one official (``owner``) or one organisation (its seal)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signing_credentials",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="cơ quan, đơn vị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_credentials",
    )
    kind = models.CharField("loại", max_length=10, choices=CredentialKind.choices)
    label = models.CharField("tên gọi", max_length=150)

    certificate_pem = models.TextField("chứng thư số (PEM)")
    subject = models.CharField("chủ thể", max_length=500, editable=False, default="")
    issuer = models.CharField("tổ chức cấp", max_length=500, editable=False, default="")
    serial_number = models.CharField("số hiệu", max_length=64, editable=False, default="")
    not_before = models.DateTimeField("hiệu lực từ", null=True, editable=False)
    not_after = models.DateTimeField("hiệu lực đến", null=True, editable=False)
    fingerprint = models.CharField(
        "dấu vân tay SHA-256", max_length=64, editable=False, default="", db_index=True
    )

    pkcs12_path = models.CharField(
        "tệp PKCS#12",
        max_length=255,
        blank=True,
        help_text="Đường dẫn trong thư mục khóa (SIGNING_PKI_DIR).",
    )
    passphrase_env = models.CharField(
        "biến môi trường chứa mật khẩu tệp khóa",
        max_length=100,
        blank=True,
        help_text="Tên biến môi trường; mật khẩu không bao giờ lưu trong cơ sở dữ liệu.",
    )
    pkcs11_module = models.CharField("thư viện PKCS#11", max_length=255, blank=True)
    pkcs11_token_label = models.CharField("nhãn thiết bị", max_length=100, blank=True)
    pkcs11_key_label = models.CharField("nhãn khóa", max_length=100, blank=True)
    pkcs11_pin_env = models.CharField("biến môi trường chứa mã PIN", max_length=100, blank=True)
    remote_provider = models.CharField("nhà cung cấp ký từ xa", max_length=50, blank=True)
    remote_user_id = models.CharField("mã người dùng ký từ xa", max_length=150, blank=True)

    signature_image = models.ImageField(
        "hình ảnh chữ ký", upload_to="signing/signatures/", blank=True
    )
    seal_image = models.ImageField("hình ảnh con dấu", upload_to="signing/seals/", blank=True)
    is_active = models.BooleanField("đang sử dụng", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "chứng thư ký số"
        verbose_name_plural = "chứng thư ký số"
        ordering = ["label"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner__isnull=False) & Q(organisation__isnull=True))
                | (Q(owner__isnull=True) & Q(organisation__isnull=False)),
                name="signing_credential_one_holder",
                violation_error_message="Chứng thư phải thuộc về đúng một cán bộ hoặc một cơ quan.",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "is_active"]),
            models.Index(fields=["organisation", "is_active"]),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def holder_name(self) -> str:
        # an unsaved credential made from a key file (sign_pdf --key) has only its label
        return str(self.owner or self.organisation or self.label)

    @property
    def is_organisation(self) -> bool:
        return self.organisation_id is not None

    def cache_key(self) -> tuple[int, str, str]:
        """Identifies the loaded key: any change to the credential invalidates it."""
        stamp = self.updated_at.isoformat() if self.updated_at else ""
        return (self.pk or 0, self.fingerprint, stamp)


class TrustRoot(models.Model):
    """A root certificate whose signatures are trusted (public CAs, the Government Cipher
    Committee's CA, the demo CA)."""

    name = models.CharField("tên", max_length=200)
    certificate_pem = models.TextField("chứng thư gốc (PEM)")
    fingerprint = models.CharField(
        "dấu vân tay SHA-256", max_length=64, editable=False, default="", unique=True
    )
    enabled = models.BooleanField("tin cậy", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "chứng thư gốc tin cậy"
        verbose_name_plural = "chứng thư gốc tin cậy"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RemoteRequestStatus(models.TextChoices):
    PENDING = "pending", "Chờ xác nhận"
    APPROVED = "approved", "Đã xác nhận"
    REJECTED = "rejected", "Bị từ chối"
    EXPIRED = "expired", "Hết hạn"
    COMPLETED = "completed", "Đã hoàn tất"
    FAILED = "failed", "Lỗi"


class RemoteSigningRequest(models.Model):
    """A document waiting for an official to confirm a remote signature (SmartCA-style).

    ``prepared_pdf`` is the document with the signature placeholder already written and
    ``digest`` the hash to sign; when the provider returns the CMS signature the service
    writes it into the placeholder and stores the result in ``signed_pdf``.
    """

    credential = models.ForeignKey(
        SigningCredential,
        verbose_name="chứng thư ký số",
        on_delete=models.PROTECT,
        related_name="remote_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người yêu cầu",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    provider = models.CharField("nhà cung cấp", max_length=50)
    provider_request_id = models.CharField("mã yêu cầu tại nhà cung cấp", max_length=150)
    description = models.CharField("nội dung", max_length=500)
    md_algorithm = models.CharField(max_length=20, default="sha256")
    digest = models.BinaryField()
    prepared_pdf = models.BinaryField()
    reserved_region_start = models.PositiveIntegerField()
    reserved_region_end = models.PositiveIntegerField()
    status = models.CharField(
        "trạng thái",
        max_length=10,
        choices=RemoteRequestStatus.choices,
        default=RemoteRequestStatus.PENDING,
    )
    signature_cms = models.BinaryField(null=True, blank=True)
    signed_pdf = models.BinaryField(null=True, blank=True)
    error = models.CharField("lỗi", max_length=500, blank=True)
    expires_at = models.DateTimeField("hết hạn lúc")
    decided_at = models.DateTimeField("xác nhận lúc", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "yêu cầu ký số từ xa"
        verbose_name_plural = "yêu cầu ký số từ xa"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["provider", "provider_request_id"])]

    def __str__(self) -> str:
        return f"{self.description} ({self.get_status_display()})"


class CertificateStatus(models.TextChoices):
    PENDING = "pending", "Chờ phê duyệt"
    APPROVED = "approved", "Đã phê duyệt"
    REJECTED = "rejected", "Bị từ chối"
    REVOKED = "revoked", "Đã thu hồi"


class OfficialCertificate(models.Model):
    """A certificate an official signs with from his own device (USB token through the signing
    agent, or a remote signing service). The official registers it; an administrator approves
    it; a signature returned for a prepared document must be made with an approved one."""

    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ",
        on_delete=models.CASCADE,
        related_name="official_certificates",
    )
    certificate_pem = models.TextField("chứng thư số (PEM)")
    subject = models.CharField("chủ thể", max_length=500, default="")
    issuer = models.CharField("tổ chức cấp", max_length=500, default="")
    serial_number = models.CharField("số hiệu", max_length=64, default="")
    not_before = models.DateTimeField("hiệu lực từ")
    not_after = models.DateTimeField("hiệu lực đến")
    fingerprint = models.CharField("dấu vân tay SHA-256", max_length=64, db_index=True)
    remote_provider = models.CharField(
        "nhà cung cấp ký từ xa", max_length=50, blank=True, help_text="Để trống: USB token."
    )
    remote_user_id = models.CharField("mã người dùng ký từ xa", max_length=150, blank=True)
    status = models.CharField(
        "trạng thái",
        max_length=10,
        choices=CertificateStatus.choices,
        default=CertificateStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người phê duyệt",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("phê duyệt lúc", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "chứng thư số của cán bộ"
        verbose_name_plural = "chứng thư số của cán bộ"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["official", "fingerprint"], name="official_certificate_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial_number})"


class PreparedStatus(models.TextChoices):
    PENDING = "pending", "Chờ ký"
    COMPLETED = "completed", "Đã ký"
    REFUSED = "refused", "Bị từ chối"
    EXPIRED = "expired", "Hết hạn"


class PreparedSignature(models.Model):
    """A document prepared for an official's own signature (two-step signing): the PDF with
    the signature field, its appearance and the reserved space already written, and the
    signed attributes whose digest the official's device signs. ``complete`` embeds the
    returned signature and verifies the result before the document moves on."""

    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ ký",
        on_delete=models.CASCADE,
        related_name="prepared_signatures",
    )
    certificate = models.ForeignKey(
        OfficialCertificate,
        verbose_name="chứng thư số",
        on_delete=models.PROTECT,
        related_name="prepared_signatures",
    )
    target_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    target_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(
        "mục đích", max_length=50, blank=True, help_text="Tên hàm xử lý sau khi ký xong."
    )
    batch = models.UUIDField("lô ký", null=True, blank=True, db_index=True)
    remote_transaction_id = models.CharField(
        "mã giao dịch ký từ xa", max_length=150, blank=True, db_index=True
    )
    description = models.CharField("nội dung", max_length=500)
    md_algorithm = models.CharField(max_length=20, default="sha256")
    document_digest = models.BinaryField()
    signed_attrs = models.BinaryField()
    digest = models.BinaryField(help_text="Băm của các thuộc tính được ký: giá trị thiết bị ký.")
    prepared_pdf = models.BinaryField()
    reserved_region_start = models.PositiveIntegerField()
    reserved_region_end = models.PositiveIntegerField()
    status = models.CharField(
        "trạng thái",
        max_length=10,
        choices=PreparedStatus.choices,
        default=PreparedStatus.PENDING,
    )
    signed_pdf = models.BinaryField(null=True, blank=True)
    error = models.CharField("lỗi", max_length=500, blank=True)
    expires_at = models.DateTimeField("hết hạn lúc")
    completed_at = models.DateTimeField("ký lúc", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "văn bản chờ ký bằng thiết bị của cán bộ"
        verbose_name_plural = "văn bản chờ ký bằng thiết bị của cán bộ"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["official", "status"]),
            models.Index(fields=["target_type", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.get_status_display()})"


class SandboxTransaction(models.Model):
    """The sandbox remote signing service's side of a transaction (it speaks the same HTTP
    protocol as a real SmartCA-style service, see ``remote_http``): a digest waiting for the
    official's confirmation on his phone, then its signature."""

    transaction_id = models.CharField(max_length=64, unique=True)
    user_id = models.CharField("mã người dùng", max_length=150)
    description = models.CharField("nội dung", max_length=500)
    algorithm = models.CharField(max_length=20, default="sha256")
    digests = models.JSONField(default=list, help_text="Giá trị băm (base64).")
    signatures = models.JSONField(default=list, help_text="Chữ ký (base64).")
    certificate_chain = models.JSONField(default=list)
    status = models.CharField(max_length=10, default="pending")
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "giao dịch ký từ xa thử nghiệm"
        verbose_name_plural = "giao dịch ký từ xa thử nghiệm"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.transaction_id} ({self.status})"
