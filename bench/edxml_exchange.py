"""Benchmark: the CPU work of one exchanged document — build the edXML of a document with a
1 MB PDF-sized attachment, sign it (XML-DSig, RSA-2048, SHA-256, signxml) and, on the receiving
side, verify it against the registered certificate and parse it back — N times; prints
documents per second for each side and for both on one core.

    .venv/bin/python bench/edxml_exchange.py [--runs 50] [--attachment-kb 1024] [--json]

The issue's target is >= 50 documents/s A→B with signing and verification. This measures the
signing and verification floor (no database, no HTTP); the end-to-end path adds the outbox
row, one HTTP request and the incoming registration. Nothing is written outside a temp dir.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--attachment-kb", type=int, default=1024)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.settings.test")
    import django

    django.setup()
    from chinhquyen.documents import edxml
    from chinhquyen.integration import signature
    from chinhquyen.signing import pki

    ca = pki.make_ca("CA bench")
    pair = pki.issue_certificate(ca, common_name="Sở A")
    content = os.urandom(args.attachment_kb * 1024)
    message = edxml.EdxmlMessage(
        from_organ=edxml.Organ(organ_id="000.00.01.A01", name="Sở A"),
        to_organs=[edxml.Organ(organ_id="000.00.02.B02", name="Sở B")],
        document_id="000.00.01.A01,2026/12/07,01/QĐ-SA",
        code_number="01",
        code_notation="QĐ-SA",
        subject="Về việc thử tốc độ liên thông",
        attachments=[
            edxml.Attachment(
                content_id="van-ban-1",
                name="vb.pdf",
                content_type="application/pdf",
                content=content,
            )
        ],
    )
    trusted = signature.Trusted(certificate_pem=pair.certificate_pem)
    sign_ms: list[float] = []
    verify_ms: list[float] = []
    size = 0
    for _ in range(args.runs):
        start = time.perf_counter()
        info = signature.TransportInfo(
            message_id=uuid.uuid4().hex,
            sent_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
            from_organ_id="000.00.01.A01",
            to_organ_id="000.00.02.B02",
            kind="document",
        )
        data = signature.sign(
            signature.add_transport(edxml.to_xml(message), info),
            key=pair.key,
            certificate_pem=pair.certificate_pem,
        )
        middle = time.perf_counter()
        verified = signature.verify(
            data, trust_for=lambda _code: trusted, now=dt.datetime.now(dt.UTC)
        )
        parsed = edxml.from_xml(verified.signed_xml)
        assert parsed.attachments[0].content == content
        end = time.perf_counter()
        size = len(data)
        sign_ms.append((middle - start) * 1000)
        verify_ms.append((end - middle) * 1000)
    result = {
        "runs": args.runs,
        "attachment_kb": args.attachment_kb,
        "message_bytes": size,
        "sign_median_ms": round(statistics.median(sign_ms), 1),
        "verify_median_ms": round(statistics.median(verify_ms), 1),
        "sign_per_s": round(1000 / statistics.median(sign_ms), 1),
        "verify_per_s": round(1000 / statistics.median(verify_ms), 1),
        "both_per_s_one_core": round(
            1000 / (statistics.median(sign_ms) + statistics.median(verify_ms)), 1
        ),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:<22} {value}")


if __name__ == "__main__":
    main()
