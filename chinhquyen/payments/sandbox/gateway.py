"""The sandbox gateway's behaviour: what the real VNPay does, in miniature.

1. ``open_transaction(params)``: the payer's browser arrives with the signed payment URL; the
   sandbox checks the merchant code, the HMAC-SHA512 signature and the parameters exactly as
   the real gateway does, and remembers the transaction.
2. ``complete_transaction(...)``: the payer pays with a test card (or cancels); the sandbox
   signs the result, calls the merchant's IPN URL server-to-server (in-process, see
   ``transport``) and gives back the signed parameters for the browser's return URL.
3. ``querydr(body)``: the merchant's reconciliation query (JSON API, ``|``-joined checksum).

Settings (``getattr(settings, NAME, default)``): ``PAYMENT_SANDBOX_TMN_CODE``,
``PAYMENT_SANDBOX_HASH_SECRET`` (demo values by default: the sandbox is for the demo and the
tests only) and ``PAYMENT_SANDBOX_IPN_URL`` (path of the IPN endpoint; default the API's
``payments_api:vnpay_ipn``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from chinhquyen.payments.providers import active_provider_name
from chinhquyen.payments.providers.base import ProviderError
from chinhquyen.payments.providers.vnpay import (
    QUERYDR_REQUEST_FIELDS,
    QUERYDR_RESPONSE_FIELDS,
    VNP_VERSION,
    VnpayProvider,
    parse_vnp_datetime,
    pipe_hash,
    signed_params,
    verify_secure_hash,
    vnp_datetime,
)

from . import transport
from .models import SandboxStatus, SandboxTransaction

logger = logging.getLogger(__name__)

SANDBOX_NAME = "vnpay_sandbox"
DEFAULT_TMN_CODE = "CQDEMO01"
DEFAULT_HASH_SECRET = "CHINHQUYENSANDBOXDEMOSECRET2026X"  # noqa: S105 (public demo value)
TRANSACTION_NO_BASE = 14_000_000
REQUIRED_PAY_PARAMS = (
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_CreateDate",
    "vnp_CurrCode",
    "vnp_IpAddr",
    "vnp_Locale",
    "vnp_OrderInfo",
    "vnp_OrderType",
    "vnp_ReturnUrl",
    "vnp_TxnRef",
    "vnp_SecureHash",
)


@dataclass(frozen=True)
class TestCard:
    number: str
    bank_code: str
    holder: str
    issued: str
    otp: str
    response_code: str
    behaviour: str


#: Test cards of the sandbox (the first one pays; the others show the failure pages).
TEST_CARDS: tuple[TestCard, ...] = (
    TestCard("9704198526191432198", "NCB", "NGUYEN VAN A", "07/15", "123456", "00", "Thành công"),
    TestCard(
        "9704195798459170488", "NCB", "NGUYEN VAN A", "07/15", "123456", "51", "Không đủ số dư"
    ),
    TestCard("9704193370791314", "NCB", "NGUYEN VAN A", "07/15", "123456", "12", "Thẻ bị khóa"),
)
WRONG_OTP_CODE = "13"
TIMEOUT_CODE = "11"
CANCEL_CODE = "24"


class SandboxError(Exception):
    """A request the gateway refuses; ``message`` is Vietnamese, for the error page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


#: Wrong OTP entries allowed before the transaction fails (like a bank's OTP page).
OTP_ATTEMPTS = 3


class WrongOtp(SandboxError):
    """A wrong OTP with attempts left: the transaction stays pending, the page asks again."""

    def __init__(self, remaining: int):
        super().__init__(f"Mã OTP không đúng. Vui lòng nhập lại (còn {remaining} lần thử).")
        self.remaining = remaining


def _count_wrong_otp(txn: SandboxTransaction) -> int:
    """Wrong OTP entries so far for ``txn`` (this one included)."""
    key = f"payments:sandbox:wrong_otp:{txn.pk}"
    tries = int(cache.get(key, 0)) + 1
    cache.set(key, tries, 24 * 3600)
    return tries


def sandbox_enabled() -> bool:
    return active_provider_name() == SANDBOX_NAME


def tmn_code() -> str:
    return str(getattr(settings, "PAYMENT_SANDBOX_TMN_CODE", DEFAULT_TMN_CODE))


def hash_secret() -> str:
    return str(getattr(settings, "PAYMENT_SANDBOX_HASH_SECRET", DEFAULT_HASH_SECRET))


def merchant_secret(code: str) -> str | None:
    """The hash secret the sandbox shares with merchant ``code`` (it knows one merchant)."""
    return hash_secret() if code and code == tmn_code() else None


def ipn_url() -> str:
    return str(getattr(settings, "PAYMENT_SANDBOX_IPN_URL", "")) or reverse(
        "payments_api:vnpay_ipn"
    )


def sandbox_provider() -> VnpayProvider:
    """The VNPay adapter configured for the sandbox gateway (same code as the real one)."""
    return VnpayProvider(
        name=SANDBOX_NAME,
        label="VNPAY (cổng thử nghiệm)",
        tmn_code=tmn_code(),
        hash_secret=hash_secret(),
        pay_url=reverse("payments:sandbox_pay"),
        api_url=reverse("payments:sandbox_querydr"),
        default_return_url=reverse("payments:return"),
        transport=transport.post_json,
    )


def card_by_number(number: str) -> TestCard | None:
    digits = "".join(number.split())
    return next((card for card in TEST_CARDS if card.number == digits), None)


# --- 1. the payment URL ----------------------------------------------------------------------


def _return_url_allowed(url: str, host: str) -> bool:
    hosts = {host, urlsplit(str(getattr(settings, "SITE_URL", ""))).netloc}
    hosts |= set(getattr(settings, "ALLOWED_HOSTS", []))
    return url_has_allowed_host_and_scheme(url, allowed_hosts={h for h in hosts if h})


def open_transaction(params: Mapping[str, str], *, host: str) -> SandboxTransaction:
    """Check a payment URL like the gateway does; returns the pending sandbox transaction."""
    missing = [name for name in REQUIRED_PAY_PARAMS if not params.get(name)]
    if "vnp_TmnCode" in missing or "vnp_SecureHash" in missing:
        raise SandboxError("Thiếu mã website (vnp_TmnCode) hoặc chữ ký (vnp_SecureHash).")
    secret = merchant_secret(params["vnp_TmnCode"])
    if secret is None:
        raise SandboxError("Mã website (vnp_TmnCode) không tồn tại trên cổng thanh toán.")
    if not verify_secure_hash(params, secret):
        raise SandboxError(
            "Sai chữ ký (vnp_SecureHash): dữ liệu gửi sang đã bị thay đổi hoặc website dùng sai "
            "khóa bí mật. Giao dịch không được thực hiện."
        )
    if missing:
        raise SandboxError("Thiếu tham số bắt buộc: " + ", ".join(missing) + ".")
    if params["vnp_Version"] != VNP_VERSION or params["vnp_Command"] != "pay":
        raise SandboxError("Phiên bản hoặc mã lệnh (vnp_Version, vnp_Command) không hợp lệ.")
    if params["vnp_CurrCode"] != "VND":
        raise SandboxError("Cổng chỉ nhận thanh toán bằng đồng Việt Nam (VND).")
    amount = params["vnp_Amount"]
    if not amount.isdigit() or int(amount) <= 0 or len(amount) > 12:
        raise SandboxError("Số tiền (vnp_Amount) không hợp lệ.")
    if parse_vnp_datetime(params["vnp_CreateDate"]) is None:
        raise SandboxError("Thời gian tạo giao dịch (vnp_CreateDate) không hợp lệ.")
    expire = params.get("vnp_ExpireDate", "")
    if expire:
        expires_at = parse_vnp_datetime(expire)
        if expires_at is None:
            raise SandboxError("Thời gian hết hạn (vnp_ExpireDate) không hợp lệ.")
        if expires_at <= timezone.now():
            raise SandboxError("Giao dịch đã quá thời gian chờ thanh toán.")
    if not _return_url_allowed(params["vnp_ReturnUrl"], host):
        raise SandboxError("Địa chỉ trả về (vnp_ReturnUrl) không hợp lệ.")

    with transaction.atomic():
        txn, created = SandboxTransaction.objects.select_for_update().get_or_create(
            tmn_code=params["vnp_TmnCode"],
            txn_ref=params["vnp_TxnRef"],
            defaults={
                "amount": int(amount),
                "order_info": params["vnp_OrderInfo"][:255],
                "return_url": params["vnp_ReturnUrl"][:1000],
                "bank_code": params.get("vnp_BankCode", "")[:20],
                "create_date": params["vnp_CreateDate"],
                "expire_date": expire,
            },
        )
        if not created and (txn.status != SandboxStatus.PENDING or txn.amount != int(amount)):
            raise SandboxError("Giao dịch đã tồn tại (mã tham chiếu vnp_TxnRef đã được xử lý).")
        if not created:
            txn.return_url = params["vnp_ReturnUrl"][:1000]
            txn.expire_date = expire
            txn.save(update_fields=["return_url", "expire_date", "updated_at"])
    return txn


# --- 2. paying or cancelling -----------------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    transaction: SandboxTransaction
    result: dict[str, str]  # signed parameters for the return URL and the IPN
    return_url: str  # where the browser goes next
    ipn_answer: dict[str, Any]


def _result_params(txn: SandboxTransaction) -> dict[str, str]:
    params = {
        "vnp_Amount": str(txn.amount),
        "vnp_BankCode": txn.bank_code or "VNPAY",
        "vnp_BankTranNo": f"VNP{txn.transaction_no}" if txn.status == SandboxStatus.PAID else "",
        "vnp_CardType": "ATM" if txn.card_number else "",
        "vnp_OrderInfo": txn.order_info,
        "vnp_PayDate": txn.pay_date,
        "vnp_ResponseCode": txn.response_code,
        "vnp_TmnCode": txn.tmn_code,
        "vnp_TransactionNo": txn.transaction_no,
        "vnp_TransactionStatus": txn.transaction_status,
        "vnp_TxnRef": txn.txn_ref,
    }
    secret = merchant_secret(txn.tmn_code) or ""
    return signed_params(params, secret)


def _decide(txn: SandboxTransaction, *, action: str, card_number: str, otp: str) -> str:
    """The response code of the attempt."""
    if action == "cancel":
        return CANCEL_CODE
    expires_at = parse_vnp_datetime(txn.expire_date)
    if expires_at is not None and expires_at <= timezone.now():
        return TIMEOUT_CODE
    card = card_by_number(card_number)
    if card is None:
        raise SandboxError("Số thẻ không có trong danh sách thẻ thử nghiệm.")
    if otp.strip() != card.otp:
        return WRONG_OTP_CODE
    return card.response_code


def deliver_ipn(result: Mapping[str, str]) -> dict[str, Any]:
    """Call the merchant's IPN URL with the signed result; returns its JSON answer."""
    try:
        status, content = transport.dispatch("GET", ipn_url(), query=result)
        answer = json.loads(content.decode("utf-8"))
    except (ProviderError, ValueError) as exc:
        logger.warning("payments.sandbox_ipn_failed", extra={"error": str(exc)})
        return {"error": str(exc)}
    if not isinstance(answer, dict):
        return {"status": status, "answer": str(answer)}
    answer.setdefault("http_status", status)
    return answer


def complete_transaction(
    token: str, *, action: str, card_number: str = "", otp: str = "", send_ipn: bool = True
) -> Completion:
    """Pay (``action="pay"``) or cancel the pending sandbox transaction ``token``."""
    if action not in ("pay", "cancel"):
        raise SandboxError("Thao tác không hợp lệ.")
    with transaction.atomic():
        txn = SandboxTransaction.objects.select_for_update().filter(token=token).first()
        if txn is None:
            raise SandboxError("Không tìm thấy giao dịch.")
        if txn.status != SandboxStatus.PENDING:
            raise SandboxError("Giao dịch đã được xử lý, không thể thanh toán lại.")
        code = _decide(txn, action=action, card_number=card_number, otp=otp)
        if code == WRONG_OTP_CODE:
            tries = _count_wrong_otp(txn)
            if tries < OTP_ATTEMPTS:
                raise WrongOtp(OTP_ATTEMPTS - tries)
        now = timezone.now()
        txn.response_code = code
        if code == "00":
            txn.status = SandboxStatus.PAID
            txn.transaction_status = "00"
        elif code == CANCEL_CODE:
            txn.status = SandboxStatus.CANCELLED
            txn.transaction_status = "02"
        else:
            txn.status = SandboxStatus.FAILED
            txn.transaction_status = "02"
        card = card_by_number(card_number) if action == "pay" else None
        if card is not None:
            txn.card_number = card.number
            txn.bank_code = card.bank_code
        txn.transaction_no = "0" if code == CANCEL_CODE else str(TRANSACTION_NO_BASE + int(txn.pk))
        txn.pay_date = vnp_datetime(now)
        txn.save()
    result = _result_params(txn)
    answer: dict[str, Any] = {"skipped": True}
    if send_ipn:
        answer = deliver_ipn(result)
    SandboxTransaction.objects.filter(pk=txn.pk).update(ipn_response=answer)
    txn.ipn_response = answer
    separator = "&" if "?" in txn.return_url else "?"
    return Completion(
        transaction=txn,
        result=result,
        return_url=f"{txn.return_url}{separator}{urlencode(result)}",
        ipn_answer=answer,
    )


# --- 3. the query API ------------------------------------------------------------------------

_TXN_STATUS = {
    SandboxStatus.PENDING: "01",
    SandboxStatus.PAID: "00",
    SandboxStatus.FAILED: "02",
    SandboxStatus.CANCELLED: "02",
}


def querydr(body: Mapping[str, Any]) -> dict[str, str]:
    """Answer a ``querydr`` request like the gateway's merchant API."""
    data = {str(k): "" if v is None else str(v) for k, v in body.items()}
    code = data.get("vnp_TmnCode", "")
    secret = merchant_secret(code)
    answer: dict[str, str] = {
        "vnp_ResponseId": uuid.uuid4().hex,
        "vnp_Command": "querydr",
        "vnp_TmnCode": code,
        "vnp_TxnRef": data.get("vnp_TxnRef", ""),
    }
    if secret is None:
        return {**answer, "vnp_ResponseCode": "02", "vnp_Message": "Invalid TmnCode"}
    expected = pipe_hash(data, QUERYDR_REQUEST_FIELDS, secret)
    if data.get("vnp_SecureHash", "").lower() != expected:
        return {**answer, "vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"}
    if data.get("vnp_Command") != "querydr" or not data.get("vnp_TxnRef"):
        return {**answer, "vnp_ResponseCode": "03", "vnp_Message": "Invalid request"}
    txn = SandboxTransaction.objects.filter(tmn_code=code, txn_ref=data["vnp_TxnRef"]).first()
    if txn is None:
        answer.update({"vnp_ResponseCode": "91", "vnp_Message": "Transaction not found"})
    else:
        answer.update(
            {
                "vnp_ResponseCode": "00",
                "vnp_Message": "QueryDR Success",
                "vnp_Amount": str(txn.amount),
                "vnp_BankCode": txn.bank_code,
                "vnp_PayDate": txn.pay_date,
                "vnp_TransactionNo": txn.transaction_no,
                "vnp_TransactionType": "01",
                "vnp_TransactionStatus": _TXN_STATUS[SandboxStatus(txn.status)],
                "vnp_OrderInfo": txn.order_info,
                "vnp_PromotionCode": "",
                "vnp_PromotionAmount": "",
            }
        )
    answer["vnp_SecureHash"] = pipe_hash(answer, QUERYDR_RESPONSE_FIELDS, secret)
    return answer


def expires_at_display(txn: SandboxTransaction) -> dt.datetime | None:
    return parse_vnp_datetime(txn.expire_date)
