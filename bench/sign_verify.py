"""Benchmark: sign a one-page PDF 200 times with a software RSA-2048 key (PKCS#12, key kept
loaded), then verify the signed file 200 times; prints median and p95 in milliseconds.

    .venv/bin/python bench/sign_verify.py [--runs 200] [--mode personal|organisation|attachment]

Targets: signing median <= 25 ms, verification median <= 10 ms. Runs on a throwaway in-memory
database and a temporary PKI directory (nothing is written to var/).

Environment: CQ_BENCH_SAVE=<file> writes one signed PDF there; CQ_BENCH_PROFILE=sign|verify
prints a cProfile report instead of timings (CQ_BENCH_SORT, CQ_BENCH_LINES, CQ_BENCH_CALLERS
tune it).

``--json`` prints one JSON object instead: the render times of the PDF, the sign and verify
latencies, and a reference taken in the same run — the bare RSA-2048 PKCS#1 v1.5 signature and
verification of a SHA-256 digest (the cryptographic floor under PAdES signing). ``bench/run.py``
calls ``measure`` in its own process, on the bench database with a demo credential.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def report(label: str, samples: list[float]) -> None:
    print(
        f"{label:<8} runs={len(samples)} median={statistics.median(samples):.1f} ms "
        f"p95={percentile(samples, 0.95):.1f} ms min={min(samples):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument(
        "--mode", choices=["personal", "organisation", "attachment"], default="personal"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.settings.test")
    os.environ["DATABASE_URL"] = "sqlite://:memory:"

    import django

    django.setup()
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()

    class _NoMigrations(dict):
        """Tables straight from the models (a throwaway database: 3 s instead of 35 s)."""

        def __contains__(self, key: object) -> bool:
            return True

        def __getitem__(self, key: str) -> None:
            return None

    settings.MIGRATION_MODULES = _NoMigrations()
    connection.creation.create_test_db(verbosity=0)

    from chinhquyen.accounts.models import Role
    from chinhquyen.accounts.tests.factories import make_official
    from chinhquyen.orgs.tests.factories import make_org
    from chinhquyen.signing import pki, services
    from chinhquyen.signing.models import CredentialKind, SigningCredential

    workdir = Path(tempfile.mkdtemp(prefix="cq-bench-"))
    settings.SIGNING_PKI_DIR = workdir / "pki"
    settings.MEDIA_ROOT = workdir / "media"
    settings.SIGNING_TSA_URL = ""

    ca = pki.make_ca("CA đo hiệu năng")
    passphrase = pki.demo_passphrase()
    (workdir / "pki" / "ca").mkdir(parents=True)
    (workdir / "pki" / "ca" / "ca.cert.pem").write_text(ca.certificate_pem)

    org = make_org("Sở Tư pháp")
    user = make_official(org, Role.LEADER, full_name="Nguyễn Văn An")
    organisation_mode = args.mode != "personal"
    pair = pki.issue_certificate(ca, common_name=org.name if organisation_mode else "Nguyễn Văn An")
    pki.write_private(
        workdir / "pki" / "bench.p12",
        pki.pkcs12_bytes(pair, passphrase=passphrase, chain=[ca.certificate]),
    )
    credential = SigningCredential(
        owner=None if organisation_mode else user,
        organisation=org if organisation_mode else None,
        kind=CredentialKind.PKCS12,
        label="Đo hiệu năng",
        certificate_pem=pair.certificate_pem,
        pkcs12_path="bench.p12",
        passphrase_env=pki.DEMO_PASSPHRASE_ENV,
    )
    if organisation_mode:
        credential.seal_image.save(
            "seal.png", ContentFile(pki.seal_image_png(org.name)), save=False
        )
    else:
        credential.signature_image.save(
            "sig.png", ContentFile(pki.signature_image_png("Nguyễn Văn An")), save=False
        )
    services.credential_save(actor=None, credential=credential)

    if os.environ.get("CQ_BENCH_PROFILE"):
        profile(credential=credential, mode=args.mode, runs=args.runs)
        return
    figures = measure(credential=credential, mode=args.mode, runs=args.runs)
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"PDF {figures['pdf_bytes']} bytes, signed {figures['signed_bytes']} bytes, "
            f"mode {args.mode}, RSA-2048"
        )
        report("sign", figures["sign_ms"])
        report("verify", figures["verify_ms"])
    connection.creation.destroy_test_db(":memory:", verbosity=0)


def _render() -> bytes:
    from chinhquyen.core.pdf import document_header, render_pdf

    return render_pdf(
        "pdf/sample_document.html",
        {
            "header": document_header(
                issuer="Sở Tư pháp",
                number_notation="15/QĐ-STP",
                place="Ninh Bình",
                issued_on=dt.date(2026, 1, 5),
            ),
            "summary": "Về việc đo hiệu năng ký số",
            "paragraphs": ["Văn bản một trang dùng để đo thời gian ký và kiểm tra."],
            "signer_title": "GIÁM ĐỐC",
            "signer_name": "Nguyễn Văn An",
        },
    )


def _sign_kwargs(credential: object, mode: str) -> dict:
    return {
        "credential": credential,
        "mode": mode,
        "number_notation": "15/QĐ-STP",
        "signer_box": (0, 340, 270, 510, 350) if mode == "organisation" else None,
    }


def measure(*, credential: object, mode: str, runs: int) -> dict:
    """Render a one-page PDF, sign it ``runs`` times with ``credential`` (a PKCS#12 credential
    of the current database) and verify it ``runs`` times; the reference is the bare RSA-2048
    signature and verification of a SHA-256 digest (a key of the same size, made here).
    Returns the samples in milliseconds. Used by ``main`` and by ``bench/run.py``."""
    from chinhquyen.signing import services

    pdf = _render()  # warm-up: fonts and templates load once per process
    render_ms: list[float] = []
    for _ in range(min(runs, 20)):
        start = time.perf_counter()
        _render()
        render_ms.append((time.perf_counter() - start) * 1000)
    kwargs = _sign_kwargs(credential, mode)
    signed = services.sign_pdf(pdf=pdf, **kwargs)  # warm-up: loads the key once
    if os.environ.get("CQ_BENCH_SAVE"):
        Path(os.environ["CQ_BENCH_SAVE"]).write_bytes(signed)
    assert services.verify_pdf(signed).valid

    sign_ms: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        signed = services.sign_pdf(pdf=pdf, **kwargs)
        sign_ms.append((time.perf_counter() - start) * 1000)

    verify_ms: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        result = services.verify_pdf(signed)
        verify_ms.append((time.perf_counter() - start) * 1000)
        assert result.valid, result.reason

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(pdf)
    value = digest.finalize()
    raw_sign: list[float] = []
    raw_verify: list[float] = []
    public = key.public_key()
    for _ in range(runs):
        start = time.perf_counter()
        signature = key.sign(value, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
        raw_sign.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        public.verify(signature, value, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
        raw_verify.append((time.perf_counter() - start) * 1000)
    return {
        "mode": mode,
        "runs": runs,
        "pdf_bytes": len(pdf),
        "signed_bytes": len(signed),
        "render_ms": render_ms,
        "sign_ms": sign_ms,
        "verify_ms": verify_ms,
        "raw_sign_ms": raw_sign,
        "raw_verify_ms": raw_verify,
    }


def profile(*, credential: object, mode: str, runs: int) -> None:
    """CQ_BENCH_PROFILE=sign|verify: a cProfile report instead of timings."""
    import cProfile
    import pstats

    from chinhquyen.signing import services

    pdf = _render()
    kwargs = _sign_kwargs(credential, mode)
    signed = services.sign_pdf(pdf=pdf, **kwargs)
    target = os.environ["CQ_BENCH_PROFILE"]
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        if target == "sign":
            services.sign_pdf(pdf=pdf, **kwargs)
        else:
            services.verify_pdf(signed)
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats(os.environ.get("CQ_BENCH_SORT", "tottime"))
    stats.print_stats(int(os.environ.get("CQ_BENCH_LINES", "30")))
    if os.environ.get("CQ_BENCH_CALLERS"):
        stats.print_callers(os.environ["CQ_BENCH_CALLERS"])


if __name__ == "__main__":
    main()
