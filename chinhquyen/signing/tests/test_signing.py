"""Signing and verification: placement modes, incremental signatures, tampering, trust,
certificate validity, key cache, timestamps, cross-checked with poppler's pdfsig."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from chinhquyen.core.api import DomainError
from chinhquyen.core.pdf import find_signature_box, pdf_text
from chinhquyen.signing import pki, services
from chinhquyen.signing.keys import signer_cache

from .conftest import make_credential

ISO_VN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00")


def pdfsig(tmp_path, data: bytes) -> str:
    path = tmp_path / "checked.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    return out.stdout + out.stderr


def widget_rects(data: bytes) -> dict[str, tuple[float, ...]]:
    reader = PdfFileReader(io.BytesIO(data))
    rects = {}
    for sig in reader.embedded_signatures:
        rects[sig.field_name] = tuple(float(v) for v in sig.sig_field["/Rect"])
    return rects


def test_personal_signature_is_valid_for_pyhanko_and_pdfsig(tmp_path, personal, sample_pdf):
    signed = services.sign_pdf(
        pdf=sample_pdf, credential=personal, mode="personal", reason="Phê duyệt"
    )
    assert signed.startswith(sample_pdf)  # an incremental update: the original bytes stay

    result = services.verify_pdf(signed)
    assert result.valid, result.reason
    assert result.reason == "Văn bản có chữ ký số hợp lệ; nội dung không bị thay đổi sau khi ký."
    [sig] = result.signatures
    assert (sig.field, sig.signer, sig.issuer) == (
        "ChuKy1",
        "Nguyễn Văn An",
        "CA Chính Quyền kiểm thử",
    )
    assert sig.intact and sig.trusted and sig.docmdp_ok
    assert sig.coverage == "ENTIRE_FILE"
    assert sig.modification_level == "NONE"
    assert ISO_VN.fullmatch(sig.signing_time)
    assert sig.timestamp is None  # B-B: no timestamp server configured

    report = pdfsig(tmp_path, signed)
    assert "Signature Validation: Signature is Valid." in report
    assert "ETSI.CAdES.detached" in report
    assert "Total document signed" in report

    # the image sits in the template's placeholder between the title and the name
    box = find_signature_box(sample_pdf, "signer")
    x0, y0, x1, y1 = widget_rects(signed)["ChuKy1"]
    assert box.x0 - 1 <= x0 < x1 <= box.x1 + 1
    assert box.y0 - 1 <= y0 < y1 <= box.y1 + 1


def test_organisation_seal_is_a_second_revision_and_first_signature_stays_valid(
    tmp_path, personal, seal, sample_pdf
):
    first = services.sign_pdf(pdf=sample_pdf, credential=personal, mode="personal")
    both = services.sign_pdf(pdf=first, credential=seal, mode="organisation")
    assert both.startswith(first)

    result = services.verify_pdf(both)
    assert result.valid, result.reason
    personal_sig, seal_sig = result.signatures
    assert personal_sig.signer == "Nguyễn Văn An"
    assert personal_sig.coverage == "ENTIRE_REVISION"
    assert personal_sig.modification_level == "FORM_FILLING"
    assert personal_sig.docmdp_ok is True
    assert seal_sig.signer.startswith("Sở Tư pháp")
    assert seal_sig.coverage == "ENTIRE_FILE"

    report = pdfsig(tmp_path, both)
    assert report.count("Signature Validation: Signature is Valid.") == 2

    # the seal, at its actual size, covers the left third of the official's image
    rects = widget_rects(both)
    sx0, sy0, sx1, sy1 = rects["ChuKy1"]
    kx0, ky0, kx1, ky1 = rects["ChuKy2"]
    width, height = pki.image_size_points(seal.seal_image.open("rb").read())
    assert kx1 - kx0 == pytest.approx(width, abs=1.5)
    assert ky1 - ky0 == pytest.approx(height, abs=1.5)
    assert kx1 == pytest.approx(sx0 + (sx1 - sx0) / 3, abs=1.5)
    assert kx0 < sx0 < kx1
    assert (ky0 + ky1) / 2 == pytest.approx((sy0 + sy1) / 2, abs=1.5)


def test_personal_with_seal_credential_signs_twice(personal, seal, sample_pdf):
    signed = services.sign_pdf(
        pdf=sample_pdf, credential=personal, mode="personal", seal_credential=seal
    )
    result = services.verify_pdf(signed)
    assert result.valid, result.reason
    assert [s.field for s in result.signatures] == ["ChuKy1", "ChuKy2"]


def test_attachment_stamp_shows_number_and_signing_time(tmp_path, seal, sample_pdf):
    signed = services.sign_pdf(
        pdf=sample_pdf, credential=seal, mode="attachment", number_notation="15/QĐ-STP"
    )
    result = services.verify_pdf(signed)
    assert result.valid, result.reason
    text = pdf_text(signed)
    stamp = text.split("\n")[:2]
    assert stamp[0] == "15/QĐ-STP"
    assert ISO_VN.fullmatch(stamp[1])
    assert stamp[1] == result.signatures[0].signing_time
    # top right of page 1, no image
    x0, y0, _x1, _y1 = widget_rects(signed)["ChuKy1"]
    assert x0 > 595 / 2 and y0 > 842 - 25 * 72 / 25.4
    assert b"/Subtype /Image" not in signed[len(sample_pdf) :]
    assert "Signature Validation: Signature is Valid." in pdfsig(tmp_path, signed)


def test_attachment_needs_number_and_organisation(personal, seal, sample_pdf):
    with pytest.raises(DomainError, match="số, ký hiệu"):
        services.sign_pdf(pdf=sample_pdf, credential=seal, mode="attachment")
    with pytest.raises(DomainError, match="chứng thư của cơ quan"):
        services.sign_pdf(
            pdf=sample_pdf, credential=personal, mode="attachment", number_notation="1/TB"
        )
    with pytest.raises(DomainError, match="Chế độ ký không hợp lệ"):
        services.sign_pdf(pdf=sample_pdf, credential=personal, mode="stamp")


def test_explicit_box_and_missing_placeholder(personal, sample_pdf):
    signed = services.sign_pdf(
        pdf=sample_pdf, credential=personal, mode="personal", signer_box=(0, 300, 100, 480, 190)
    )
    x0, y0, x1, y1 = widget_rects(signed)["ChuKy1"]
    assert 300 <= x0 < x1 <= 480 and 100 <= y0 < y1 <= 190
    with pytest.raises(DomainError, match="Không tìm thấy vị trí đặt chữ ký «nguoi-ky-2»"):
        services.sign_pdf(
            pdf=sample_pdf, credential=personal, mode="personal", signer_box="nguoi-ky-2"
        )


# --- Tampering ----------------------------------------------------------------------------


def _append_revision(data: bytes, change) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_incremental_update_drawing_on_the_page_is_rejected(tmp_path, personal, sample_pdf):
    signed = services.sign_pdf(pdf=sample_pdf, credential=personal, mode="personal")

    def draw(writer):
        stream = generic.StreamObject(stream_data=b"q 1 0 0 rg 100 100 200 50 re f Q")
        writer.add_stream_to_page(0, writer.add_object(stream))

    tampered = _append_revision(signed, draw)
    assert tampered.startswith(signed)
    result = services.verify_pdf(tampered)
    assert not result.valid
    assert result.reason == (
        "Chữ ký số của «Nguyễn Văn An» không hợp lệ: tệp đã bị sửa đổi sau khi ký "
        "(có bản cập nhật thay đổi nội dung văn bản)."
    )
    [sig] = result.signatures
    assert sig.intact  # the signed bytes are untouched: only the later revision is the problem
    assert sig.coverage == "ENTIRE_REVISION"
    assert sig.modification_level == "OTHER"
    assert sig.docmdp_ok is False


def test_incremental_update_replacing_the_content_stream_is_rejected(personal, sample_pdf):
    signed = services.sign_pdf(pdf=sample_pdf, credential=personal, mode="personal")

    def replace(writer):
        page_ref, _resources = writer.find_page_for_modification(0)
        page = page_ref.get_object()
        page["/Contents"] = writer.add_object(
            generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 720 Td (Noi dung gia) Tj ET")
        )
        writer.update_container(page)

    result = services.verify_pdf(_append_revision(signed, replace))
    assert not result.valid
    assert "tệp đã bị sửa đổi sau khi ký" in result.reason
    assert result.signatures[0].modification_level == "OTHER"


def test_altered_bytes_inside_the_signed_range_are_rejected(tmp_path, personal, sample_pdf):
    signed = services.sign_pdf(pdf=sample_pdf, credential=personal, mode="personal")
    # a byte inside the page's compressed content stream (same length, still parseable)
    position = signed.index(b"stream\n") + len(b"stream\n") + 20
    assert position < len(sample_pdf)  # inside the first signed byte range
    tampered = bytearray(signed)
    tampered[position] ^= 0x01
    result = services.verify_pdf(bytes(tampered))
    assert not result.valid
    assert result.reason == (
        "Chữ ký số của «Nguyễn Văn An» không hợp lệ: nội dung tệp đã bị thay đổi sau khi ký "
        "(dữ liệu không khớp với chữ ký)."
    )
    assert result.signatures[0].intact is False
    assert "Signature is Valid" not in pdfsig(tmp_path, bytes(tampered))


def test_signature_from_an_untrusted_authority_is_rejected(pki_root, official, sample_pdf):
    rogue_ca = pki.make_ca("CA giả mạo")
    rogue = pki.issue_certificate(rogue_ca, common_name="Nguyễn Văn An")
    credential = make_credential(pki_root, rogue_ca, rogue, owner=official)
    signed = services.sign_pdf(pdf=sample_pdf, credential=credential, mode="personal")

    result = services.verify_pdf(signed)
    assert not result.valid
    assert result.reason == (
        "Chữ ký số của «Nguyễn Văn An» không hợp lệ: chứng thư số của người ký không do "
        "tổ chức chứng thực tin cậy cấp."
    )
    assert result.signatures[0].intact and not result.signatures[0].trusted
    # trusted when the caller adds that root
    assert services.verify_pdf(signed, trust_roots=[rogue_ca.certificate_pem]).valid


def test_enabled_trust_roots_count_and_disabled_ones_do_not(pki_root, official, sample_pdf):
    other_ca = pki.make_ca("CA tỉnh khác")
    pair = pki.issue_certificate(other_ca, common_name="Lê Văn Cường")
    credential = make_credential(pki_root, other_ca, pair, owner=official)
    signed = services.sign_pdf(pdf=sample_pdf, credential=credential, mode="personal")
    root = services.trust_root_add(
        actor=None, name="CA tỉnh khác", certificate_pem=other_ca.certificate_pem
    )
    assert services.verify_pdf(signed).valid
    root.enabled = False
    root.save()
    assert not services.verify_pdf(signed).valid


@pytest.mark.parametrize(
    ("days_from", "days_to", "problem"),
    [
        (-400, -10, "chứng thư số của người ký đã hết hạn"),
        (10, 400, "chứng thư số của người ký chưa có hiệu lực"),
    ],
)
def test_expired_or_not_yet_valid_certificate_is_rejected(
    pki_root, ca, official, sample_pdf, days_from, days_to, problem
):
    now = dt.datetime.now(dt.UTC)
    pair = pki.issue_certificate(
        ca,
        common_name="Nguyễn Văn An",
        valid_from=now + dt.timedelta(days=days_from),
        valid_to=now + dt.timedelta(days=days_to),
    )
    credential = make_credential(pki_root, ca, pair, owner=official)
    with pytest.raises(DomainError):  # the service refuses to sign with it...
        services.sign_pdf(pdf=sample_pdf, credential=credential, mode="personal")
    # ... but a document signed elsewhere with such a certificate must be rejected too
    credential.not_before = credential.not_after = None
    signed = services.sign_pdf(pdf=sample_pdf, credential=credential, mode="personal")
    result = services.verify_pdf(signed)
    assert not result.valid
    assert result.reason == f"Chữ ký số của «Nguyễn Văn An» không hợp lệ: {problem}."


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "Tệp không phải là tệp PDF hoặc đã bị hỏng."),
        (b"PK\x03\x04 a zip file", "Tệp không phải là tệp PDF hoặc đã bị hỏng."),
        (
            b"%PDF-1.7\n1 0 obj << /Type /Catalog",
            "Tệp không phải là tệp PDF hợp lệ hoặc đã bị hỏng.",
        ),
    ],
)
def test_unparsable_files_are_rejected(db, data, reason):
    result = services.verify_pdf(data)
    assert not result.valid
    assert result.reason == reason
    assert result.signatures == []


def test_unsigned_pdf_is_rejected(db, sample_pdf):
    result = services.verify_pdf(sample_pdf)
    assert (result.valid, result.reason) == (False, "Tệp không có chữ ký số.")


def test_truncated_signed_pdf_is_rejected(personal, sample_pdf):
    signed = services.sign_pdf(pdf=sample_pdf, credential=personal, mode="personal")
    result = services.verify_pdf(signed[: len(signed) - 2000])
    assert not result.valid


# --- Keys ---------------------------------------------------------------------------------


def test_loaded_key_is_reused_and_reloaded_after_a_change(personal, sample_pdf, monkeypatch):
    from chinhquyen.signing import keys

    calls = []
    original = keys.LOADERS["pkcs12"]

    def counting_loader(credential):
        calls.append(credential.pk)
        return original(credential)

    monkeypatch.setitem(keys.LOADERS, "pkcs12", counting_loader)
    services.sign_pdf(pdf=sample_pdf, credential=personal, mode="personal")
    services.sign_pdf(pdf=sample_pdf, credential=personal, mode="personal")
    assert calls == [personal.pk]
    assert signer_cache.hits >= 1

    personal.label = "Chứng thư đã đổi tên"
    services.credential_save(actor=None, credential=personal)
    services.sign_pdf(pdf=sample_pdf, credential=personal, mode="personal")
    assert calls == [personal.pk, personal.pk]
    assert len(signer_cache) == 1


def test_inactive_credential_and_wrong_passphrase(personal, sample_pdf, monkeypatch):
    monkeypatch.setenv("SIGNING_DEMO_PASSPHRASE", "sai-mat-khau")
    with pytest.raises(DomainError, match="sai mật khẩu"):
        services.sign_pdf(pdf=sample_pdf, credential=personal, mode="personal")
    personal.is_active = False
    with pytest.raises(DomainError, match="ngừng sử dụng"):
        services.sign_pdf(pdf=sample_pdf, credential=personal, mode="personal")


def test_pkcs12_outside_the_pki_directory_is_refused(personal, sample_pdf):
    personal.pkcs12_path = "../../etc/passwd"
    services.credential_save(actor=None, credential=personal)
    with pytest.raises(DomainError, match="thư mục khóa"):
        services.sign_pdf(pdf=sample_pdf, credential=personal, mode="personal")


def test_not_a_pdf_cannot_be_signed(personal):
    with pytest.raises(DomainError, match="không phải là tệp PDF"):
        services.sign_pdf(pdf=b"hello", credential=personal, mode="personal")


# --- Timestamps ---------------------------------------------------------------------------


def test_sandbox_timestamp_gives_a_b_t_signature_that_verifies(
    tmp_path, settings, personal, sample_pdf
):
    settings.SIGNING_SANDBOX = True
    settings.SIGNING_TSA_URL = "sandbox"
    signed = services.sign_pdf(pdf=sample_pdf, credential=personal, mode="personal")
    result = services.verify_pdf(signed)
    assert result.valid, result.reason
    [sig] = result.signatures
    assert sig.timestamp is not None and ISO_VN.fullmatch(sig.timestamp[:19] + "+07:00")
    assert "Signature Validation: Signature is Valid." in pdfsig(tmp_path, signed)


def test_sandbox_timestamp_needs_the_sandbox(settings, personal, sample_pdf):
    settings.SIGNING_TSA_URL = "sandbox"
    with pytest.raises(DomainError, match="SIGNING_SANDBOX"):
        services.sign_pdf(pdf=sample_pdf, credential=personal, mode="personal")


@pytest.mark.django_db(transaction=True)
def test_timestamp_server_over_http(live_server, settings, personal, sample_pdf):
    settings.SIGNING_SANDBOX = True
    settings.SIGNING_TSA_URL = live_server.url + "/ky-so/sandbox/tsa/"
    signed = services.sign_pdf(pdf=sample_pdf, credential=personal, mode="personal")
    result = services.verify_pdf(signed)
    assert result.valid, result.reason
    assert result.signatures[0].timestamp is not None


def test_unreachable_timestamp_server_is_a_clear_error(settings, personal, sample_pdf):
    settings.SIGNING_TSA_URL = "http://127.0.0.1:9/tsa"  # discard port: nothing listens
    settings.SIGNING_TSA_TIMEOUT = 2
    with pytest.raises(DomainError, match="Không lấy được dấu thời gian") as error:
        services.sign_pdf(pdf=sample_pdf, credential=personal, mode="personal")
    assert error.value.status_code == 503
