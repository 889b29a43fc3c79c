"""VNPay adapter (payment URL API ``vnp_Version`` 2.1.0, HMAC-SHA512) and its signing rules.

Signing (what VNPay's integration guide and its sample code do):

1. take every parameter whose name starts with ``vnp_``, except ``vnp_SecureHash`` and
   ``vnp_SecureHashType``, and leave out those with an empty value;
2. sort them by name (byte order);
3. URL-encode each value as in an HTML form (``urllib.parse.quote_plus``: space -> ``+``,
   ``:`` -> ``%3A``, ``/`` -> ``%2F``, UTF-8 for anything else) and join ``name=value`` pairs
   with ``&``;
4. ``vnp_SecureHash`` = lowercase hex HMAC-SHA512 of that string (UTF-8) keyed by the
   merchant's hash secret. The payment URL's query string is that same string followed by
   ``&vnp_SecureHash=<hash>``; received hashes are compared without regard to case.

Amounts travel multiplied by 100 (``vnp_Amount=5000000`` is 50,000 đồng); dates are
``yyyyMMddHHmmss`` in GMT+7. The query API (``querydr``, JSON over POST) signs the values of
fixed fields joined by ``|`` instead (see ``QUERYDR_REQUEST_FIELDS``).

Configuration (read with ``getattr(settings, NAME, default)``): ``PAYMENT_VNPAY_TMN_CODE``,
``PAYMENT_VNPAY_HASH_SECRET``, ``PAYMENT_VNPAY_URL``, ``PAYMENT_VNPAY_API_URL``,
``PAYMENT_VNPAY_RETURN_URL``, ``PAYMENT_VNPAY_SERVER_IP``, ``PAYMENT_VNPAY_TIMEOUT``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import unicodedata
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from .base import Outcome, ProviderError, VerifiedResult

if TYPE_CHECKING:
    from chinhquyen.payments.models import Payment

VNP_VERSION = "2.1.0"
VN_TZ = dt.timezone(dt.timedelta(hours=7), "GMT+7")
HASH_FIELDS = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})
DEFAULT_PAY_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
DEFAULT_API_URL = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"

QUERYDR_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERYDR_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)

#: vnp_ResponseCode of the payment URL API (return URL and IPN), for people.
RESPONSE_MESSAGES: dict[str, str] = {
    "00": "Giao dịch thành công.",
    "07": "Trừ tiền thành công nhưng giao dịch bị nghi ngờ; cần đối soát.",
    "09": "Thẻ/tài khoản chưa đăng ký dịch vụ Internet Banking tại ngân hàng.",
    "10": "Xác thực thông tin thẻ/tài khoản không đúng quá 3 lần.",
    "11": "Đã hết hạn chờ thanh toán.",
    "12": "Thẻ/tài khoản bị khóa.",
    "13": "Nhập sai mật khẩu xác thực giao dịch (OTP).",
    "24": "Người nộp đã hủy giao dịch.",
    "51": "Tài khoản không đủ số dư để thực hiện giao dịch.",
    "65": "Tài khoản đã vượt quá hạn mức giao dịch trong ngày.",
    "75": "Ngân hàng thanh toán đang bảo trì.",
    "79": "Nhập sai mật khẩu thanh toán quá số lần quy định.",
    "99": "Lỗi khác tại cổng thanh toán.",
}

Transport = Callable[[str, dict[str, str]], Any]


# --- signing ---------------------------------------------------------------------------------


def hash_data(params: Mapping[str, object]) -> str:
    """The string VNPay signs (see the module docstring)."""
    items = sorted(
        (str(key), str(value))
        for key, value in params.items()
        if str(key).startswith("vnp_")
        and key not in HASH_FIELDS
        and value is not None
        and str(value) != ""
    )
    return "&".join(f"{quote_plus(key)}={quote_plus(value)}" for key, value in items)


def hmac_sha512(secret: str, data: str) -> str:
    return hmac.new(secret.encode("utf-8"), data.encode("utf-8"), hashlib.sha512).hexdigest()


def secure_hash(params: Mapping[str, object], secret: str) -> str:
    return hmac_sha512(secret, hash_data(params))


def signed_query(params: Mapping[str, object], secret: str) -> str:
    """The query string of a signed message: the hashed data plus ``vnp_SecureHash``."""
    data = hash_data(params)
    return f"{data}&vnp_SecureHash={hmac_sha512(secret, data)}"


def signed_params(params: Mapping[str, object], secret: str) -> dict[str, str]:
    """The parameters (non-empty ``vnp_*`` ones) with their ``vnp_SecureHash``."""
    out = {
        str(k): str(v)
        for k, v in params.items()
        if str(k).startswith("vnp_") and k not in HASH_FIELDS and v is not None and str(v) != ""
    }
    out["vnp_SecureHash"] = secure_hash(out, secret)
    return out


def verify_secure_hash(params: Mapping[str, object], secret: str) -> bool:
    received = str(params.get("vnp_SecureHash") or "").strip().lower()
    if not received or not secret:
        return False
    return hmac.compare_digest(received, secure_hash(params, secret))


def pipe_hash(values: Mapping[str, object], fields: tuple[str, ...], secret: str) -> str:
    """HMAC-SHA512 of the values of ``fields`` joined by ``|`` (querydr request/response)."""
    data = "|".join("" if values.get(f) is None else str(values.get(f)) for f in fields)
    return hmac_sha512(secret, data)


# --- formats ---------------------------------------------------------------------------------


def vnp_datetime(value: dt.datetime) -> str:
    """``yyyyMMddHHmmss`` in GMT+7."""
    return value.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


def parse_vnp_datetime(value: str | None) -> dt.datetime | None:
    if not value or not re.fullmatch(r"\d{14}", value):
        return None
    try:
        return dt.datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=VN_TZ)
    except ValueError:
        return None


def ascii_text(text: str, max_length: int = 255) -> str:
    """Vietnamese without diacritics and without special characters (``vnp_OrderInfo``)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    folded = unicodedata.normalize("NFD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = re.sub(r"[^A-Za-z0-9 ]+", " ", folded)
    return " ".join(folded.split())[:max_length].strip()


def parse_amount(value: object) -> int | None:
    """``vnp_Amount`` (×100) in đồng, or None when it is not a whole number of đồng."""
    text = str(value if value is not None else "").strip()
    if not text.isdigit():
        return None
    raw = int(text)
    if raw % 100:
        return None
    return raw // 100


def outcome_of(response_code: str, transaction_status: str) -> Outcome:
    """Payment URL API result (return URL, IPN) in the services' words."""
    if response_code == "07" or transaction_status == "07":
        return "review"
    if response_code == "00" and transaction_status in ("00", ""):
        return "paid"
    if response_code == "24":
        return "cancelled"
    if transaction_status == "01":
        return "pending"
    if not response_code:
        return "unknown"
    return "failed"


def outcome_of_status(transaction_status: str) -> Outcome:
    """querydr's ``vnp_TransactionStatus`` in the services' words."""
    outcomes: dict[str, Outcome] = {
        "00": "paid",
        "01": "pending",
        "02": "failed",
        "04": "failed",
        "07": "review",
    }
    return outcomes.get(transaction_status, "unknown")


def response_message(response_code: str) -> str:
    return RESPONSE_MESSAGES.get(
        response_code, f"Giao dịch không thành công (mã {response_code or 'không rõ'})."
    )


def http_post_json(url: str, body: dict[str, str]) -> Any:
    """POST ``body`` as JSON and read a JSON answer (the real gateway's query API)."""
    timeout = float(getattr(settings, "PAYMENT_VNPAY_TIMEOUT", 10))
    request = urllib.request.Request(  # noqa: S310 (https URL from settings)
        url,
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, TimeoutError, ValueError, OSError) as exc:
        raise ProviderError(f"VNPay query API unreachable or unreadable: {exc}") from exc


# --- the adapter -----------------------------------------------------------------------------


class VnpayProvider:
    """The VNPay adapter; the sandbox provider is this class pointed at the local gateway."""

    def __init__(
        self,
        *,
        name: str,
        label: str,
        tmn_code: str,
        hash_secret: str,
        pay_url: str,
        api_url: str = "",
        default_return_url: str = "",
        server_ip: str = "127.0.0.1",
        locale: str = "vn",
        order_type: str = "other",
        transport: Transport | None = None,
    ) -> None:
        if not tmn_code or not hash_secret or not pay_url:
            raise ImproperlyConfigured(
                f"Payment provider {name!r} needs a TMN code, a hash secret and a payment URL "
                "(PAYMENT_VNPAY_TMN_CODE, PAYMENT_VNPAY_HASH_SECRET, PAYMENT_VNPAY_URL)."
            )
        self.name = name
        self.label = label
        self.tmn_code = tmn_code
        self.hash_secret = hash_secret
        self.pay_url = pay_url
        self.api_url = api_url
        self.default_return_url = default_return_url
        self.server_ip = server_ip
        self.locale = locale
        self.order_type = order_type
        self.transport: Transport = transport or http_post_json

    def payment_params(
        self, payment: Payment, *, return_url: str, client_ip: str
    ) -> dict[str, str]:
        created = payment.started_at or timezone.now()
        params = {
            "vnp_Version": VNP_VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(payment.amount * 100),
            "vnp_CreateDate": vnp_datetime(created),
            "vnp_CurrCode": "VND",
            "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_Locale": self.locale,
            "vnp_OrderInfo": ascii_text(f"Thanh toan {payment.reference} {payment.description}"),
            "vnp_OrderType": self.order_type,
            "vnp_ReturnUrl": return_url or self.default_return_url,
            "vnp_TxnRef": payment.reference,
        }
        if payment.expires_at is not None:
            params["vnp_ExpireDate"] = vnp_datetime(payment.expires_at)
        return params

    def create_payment_url(self, payment: Payment, *, return_url: str, client_ip: str) -> str:
        params = self.payment_params(payment, return_url=return_url, client_ip=client_ip)
        separator = "&" if "?" in self.pay_url else "?"
        return f"{self.pay_url}{separator}{signed_query(params, self.hash_secret)}"

    def _verify(self, params: Mapping[str, str]) -> VerifiedResult:
        data = {str(k): str(v) for k, v in params.items()}
        if not verify_secure_hash(data, self.hash_secret) or (
            data.get("vnp_TmnCode") != self.tmn_code
        ):
            return VerifiedResult(
                valid_signature=False, raw=data, message="Chữ ký của cổng thanh toán không hợp lệ."
            )
        response_code = data.get("vnp_ResponseCode", "")
        transaction_status = data.get("vnp_TransactionStatus", "")
        return VerifiedResult(
            valid_signature=True,
            reference=data.get("vnp_TxnRef", ""),
            amount=parse_amount(data.get("vnp_Amount")),
            outcome=outcome_of(response_code, transaction_status),
            response_code=response_code,
            transaction_status=transaction_status,
            transaction_no=data.get("vnp_TransactionNo", ""),
            bank_code=data.get("vnp_BankCode", ""),
            paid_at=parse_vnp_datetime(data.get("vnp_PayDate")),
            message=response_message(response_code),
            raw=data,
        )

    def verify_return(self, params: Mapping[str, str]) -> VerifiedResult:
        return self._verify(params)

    def handle_ipn(self, params: Mapping[str, str]) -> VerifiedResult:
        return self._verify(params)

    def querydr_body(self, payment: Payment, *, now: dt.datetime | None = None) -> dict[str, str]:
        now = now or timezone.now()
        body = {
            "vnp_RequestId": uuid.uuid4().hex,
            "vnp_Version": VNP_VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": payment.reference,
            "vnp_OrderInfo": ascii_text(f"Truy van giao dich {payment.reference}"),
            "vnp_TransactionDate": vnp_datetime(payment.started_at or payment.created_at),
            "vnp_CreateDate": vnp_datetime(now),
            "vnp_IpAddr": self.server_ip,
        }
        body["vnp_SecureHash"] = pipe_hash(body, QUERYDR_REQUEST_FIELDS, self.hash_secret)
        return body

    def query(self, payment: Payment) -> VerifiedResult | None:
        if not self.api_url:
            return None
        answer = self.transport(self.api_url, self.querydr_body(payment))
        if not isinstance(answer, dict):
            raise ProviderError("VNPay query API answered something that is not a JSON object")
        data = {str(k): "" if v is None else str(v) for k, v in answer.items()}
        received = data.get("vnp_SecureHash", "").lower()
        expected = pipe_hash(data, QUERYDR_RESPONSE_FIELDS, self.hash_secret)
        if (
            not received
            or not hmac.compare_digest(received, expected)
            or data.get("vnp_TmnCode") != self.tmn_code
            or data.get("vnp_TxnRef") != payment.reference
        ):
            return VerifiedResult(
                valid_signature=False, raw=data, message="Chữ ký của cổng thanh toán không hợp lệ."
            )
        api_code = data.get("vnp_ResponseCode", "")
        status = data.get("vnp_TransactionStatus", "")
        outcome: Outcome
        if api_code == "91":
            outcome = "not_found"
        elif api_code == "00":
            outcome = outcome_of_status(status)
        else:
            outcome = "unknown"
        return VerifiedResult(
            valid_signature=True,
            reference=data.get("vnp_TxnRef", ""),
            amount=parse_amount(data.get("vnp_Amount")),
            outcome=outcome,
            response_code=api_code,
            transaction_status=status,
            transaction_no=data.get("vnp_TransactionNo", ""),
            bank_code=data.get("vnp_BankCode", ""),
            paid_at=parse_vnp_datetime(data.get("vnp_PayDate")),
            message=data.get("vnp_Message", ""),
            raw=data,
        )


def default_return_url() -> str:
    site = str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")
    return site + reverse("payments:return")


def vnpay_from_settings() -> VnpayProvider:
    """The real VNPay gateway, configured from settings."""
    return VnpayProvider(
        name="vnpay",
        label="VNPAY",
        tmn_code=str(getattr(settings, "PAYMENT_VNPAY_TMN_CODE", "")),
        hash_secret=str(getattr(settings, "PAYMENT_VNPAY_HASH_SECRET", "")),
        pay_url=str(getattr(settings, "PAYMENT_VNPAY_URL", DEFAULT_PAY_URL)),
        api_url=str(getattr(settings, "PAYMENT_VNPAY_API_URL", DEFAULT_API_URL)),
        default_return_url=str(getattr(settings, "PAYMENT_VNPAY_RETURN_URL", ""))
        or default_return_url(),
        server_ip=str(getattr(settings, "PAYMENT_VNPAY_SERVER_IP", "127.0.0.1")),
    )
