"""The VNPay signing rules, checked against vectors written out by hand from the documented
algorithm (sorted vnp_* parameters, form URL-encoding, HMAC-SHA512 hex), not against the
implementation itself."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from urllib.parse import parse_qsl

import pytest

from chinhquyen.payments.providers.vnpay import (
    QUERYDR_REQUEST_FIELDS,
    VnpayProvider,
    ascii_text,
    hash_data,
    outcome_of,
    parse_amount,
    parse_vnp_datetime,
    pipe_hash,
    secure_hash,
    signed_query,
    verify_secure_hash,
    vnp_datetime,
)

SECRET = "TESTSECRET0123456789ABCDEFGHIJKL"
# The parameters of the sample payment URL in VNPay's integration guide.
PARAMS = {
    "vnp_Version": "2.1.0",
    "vnp_Command": "pay",
    "vnp_TmnCode": "DEMOV210",
    "vnp_Amount": "1806000",
    "vnp_CreateDate": "20210801153333",
    "vnp_CurrCode": "VND",
    "vnp_IpAddr": "127.0.0.1",
    "vnp_Locale": "vn",
    "vnp_OrderInfo": "Thanh toan don hang :5",
    "vnp_OrderType": "other",
    "vnp_ReturnUrl": "https://domainmerchant.vn/ReturnUrl",
    "vnp_TxnRef": "5",
}
# Written by hand: names sorted, values form-encoded (space "+", ":" "%3A", "/" "%2F"); it is
# exactly the query string of the guide's sample URL.
HASH_DATA = (
    "vnp_Amount=1806000&vnp_Command=pay&vnp_CreateDate=20210801153333&vnp_CurrCode=VND"
    "&vnp_IpAddr=127.0.0.1&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+don+hang+%3A5"
    "&vnp_OrderType=other&vnp_ReturnUrl=https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl"
    "&vnp_TmnCode=DEMOV210&vnp_TxnRef=5&vnp_Version=2.1.0"
)
# HMAC-SHA512(SECRET, HASH_DATA), computed once with the standard library and pinned.
KNOWN_HASH = (
    "d5d99078a59a7da23ded2177aefdf4a18fc997a998457a3768cc8fba386293eb"
    "7a500253f57e1aa7e01a5210e8aeace31e2ceb6d6a84af224aa5c6028537f3d4"
)


def test_hash_data_matches_the_documented_string() -> None:
    assert hash_data(PARAMS) == HASH_DATA


def test_secure_hash_matches_the_known_vector() -> None:
    by_hand = hmac.new(SECRET.encode(), HASH_DATA.encode(), hashlib.sha512).hexdigest()
    assert by_hand == KNOWN_HASH
    assert secure_hash(PARAMS, SECRET) == KNOWN_HASH


def test_signed_query_is_the_hash_data_plus_the_hash() -> None:
    assert signed_query(PARAMS, SECRET) == f"{HASH_DATA}&vnp_SecureHash={KNOWN_HASH}"


def test_hash_fields_empty_values_and_foreign_parameters_are_left_out() -> None:
    noisy = {
        **PARAMS,
        "vnp_SecureHash": "abc",
        "vnp_SecureHashType": "HmacSHA512",
        "vnp_BankCode": "",
        "utm_source": "mail",
    }
    assert hash_data(noisy) == HASH_DATA
    assert secure_hash(noisy, SECRET) == KNOWN_HASH


def test_unicode_values_are_utf8_percent_encoded() -> None:
    assert hash_data({"vnp_OrderInfo": "Lệ phí 50.000đ"}) == (
        "vnp_OrderInfo=L%E1%BB%87+ph%C3%AD+50.000%C4%91"
    )


def test_verification_accepts_any_case_and_refuses_any_change() -> None:
    signed = {**PARAMS, "vnp_SecureHash": KNOWN_HASH.upper()}
    assert verify_secure_hash(signed, SECRET)
    assert not verify_secure_hash({**signed, "vnp_Amount": "1806100"}, SECRET)
    assert not verify_secure_hash(signed, "another-secret")
    assert not verify_secure_hash(PARAMS, SECRET)  # no hash at all


def test_pipe_hash_for_querydr() -> None:
    values = {name: str(i) for i, name in enumerate(QUERYDR_REQUEST_FIELDS)}
    data = "0|1|2|3|4|5|6|7|8"
    expected = hmac.new(SECRET.encode(), data.encode(), hashlib.sha512).hexdigest()
    assert pipe_hash(values, QUERYDR_REQUEST_FIELDS, SECRET) == expected


def test_dates_are_gmt_plus_7() -> None:
    utc = dt.datetime(2026, 1, 5, 7, 32, 58, tzinfo=dt.UTC)
    assert vnp_datetime(utc) == "20260105143258"
    parsed = parse_vnp_datetime("20260105143258")
    assert parsed == utc
    assert parse_vnp_datetime("2026-01-05") is None
    assert parse_vnp_datetime("20261305143258") is None


def test_amounts_travel_times_100() -> None:
    assert parse_amount("5000000") == 50_000
    assert parse_amount("5000050") is None
    assert parse_amount("-100") is None
    assert parse_amount(None) is None


@pytest.mark.parametrize(
    ("code", "status", "outcome"),
    [
        ("00", "00", "paid"),
        ("00", "", "paid"),
        ("00", "02", "failed"),
        ("24", "02", "cancelled"),
        ("51", "02", "failed"),
        ("07", "00", "review"),
        ("", "", "unknown"),
    ],
)
def test_outcomes(code: str, status: str, outcome: str) -> None:
    assert outcome_of(code, status) == outcome


def test_order_info_is_ascii_without_special_characters() -> None:
    assert ascii_text("Lệ phí đăng ký khai sinh (bản sao) #42") == (
        "Le phi dang ky khai sinh ban sao 42"
    )


class _Payment:
    reference = "26010500001ABCD"
    amount = 50_000
    description = "Lệ phí chứng thực"
    started_at = dt.datetime(2026, 1, 5, 7, 0, tzinfo=dt.UTC)
    expires_at = dt.datetime(2026, 1, 5, 7, 15, tzinfo=dt.UTC)
    created_at = started_at


def test_payment_url_carries_the_documented_parameters_and_a_valid_hash() -> None:
    provider = VnpayProvider(
        name="vnpay",
        label="VNPAY",
        tmn_code="DEMOV210",
        hash_secret=SECRET,
        pay_url="https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
    )
    url = provider.create_payment_url(
        _Payment(),  # type: ignore[arg-type]
        return_url="https://dichvucong.example.vn/thanh-toan/ket-qua/",
        client_ip="203.0.113.9",
    )
    base, _, query = url.partition("?")
    assert base == "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
    params = dict(parse_qsl(query))
    assert params["vnp_Amount"] == "5000000"
    assert params["vnp_CreateDate"] == "20260105140000"
    assert params["vnp_ExpireDate"] == "20260105141500"
    assert params["vnp_TxnRef"] == "26010500001ABCD"
    assert params["vnp_OrderInfo"] == "Thanh toan 26010500001ABCD Le phi chung thuc"
    assert params["vnp_IpAddr"] == "203.0.113.9"
    assert params["vnp_Version"] == "2.1.0" and params["vnp_Command"] == "pay"
    # the hash is HMAC-SHA512 of the query string before "&vnp_SecureHash="
    signed_part = query.rsplit("&vnp_SecureHash=", 1)[0]
    expected = hmac.new(SECRET.encode(), signed_part.encode(), hashlib.sha512).hexdigest()
    assert params["vnp_SecureHash"] == expected
