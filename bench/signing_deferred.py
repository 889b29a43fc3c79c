"""Benchmark: two-step signing with the official's own device (USB token through the
reference signing agent, on SoftHSM2).

    .venv/bin/python bench/signing_deferred.py [--runs 50] [--batch 100]

One page: prepare (signature field, appearance, signed attributes) + complete (build the CMS,
embed, verify with verify_pdf) median, the agent's own signing time (HTTP + token) apart.
Batch: prepare N documents, one agent call for N digests (one PIN entry), complete all;
wall time. Targets (issue 17): one page ≤ 40 ms median excluding the agent; batch of 100
≤ 10 s. Throwaway in-memory database, temporary PKI directory and SoftHSM2 token.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sign_verify import _render, percentile  # noqa: E402

MODULES = [
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
]
PIN = "123456"
ORIGIN = "http://bench.local"


def make_token(workdir: Path, pair: object) -> str:
    from cryptography.hazmat.primitives import serialization

    module = next(p for p in MODULES if Path(p).exists())
    tokens = workdir / "tokens"
    tokens.mkdir()
    conf = workdir / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            "bench",
            "--so-pin",
            "87654321",
            "--pin",
            PIN,
        ],
        check=True,
        capture_output=True,
    )
    key = workdir / "key.der"
    key.write_bytes(
        pair.key.private_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert = workdir / "cert.der"
    cert.write_bytes(pair.certificate.public_bytes(serialization.Encoding.DER))  # type: ignore[attr-defined]
    for path, kind in ((key, "privkey"), (cert, "cert")):
        subprocess.run(
            [
                "pkcs11-tool",
                "--module",
                module,
                "--token-label",
                "bench",
                "--login",
                "--pin",
                PIN,
                "--write-object",
                str(path),
                "--type",
                kind,
                "--id",
                "01",
                "--label",
                "signer",
            ],
            check=True,
            capture_output=True,
        )
    key.unlink()
    return module


def call(base: str, path: str, body: dict | None, token: str = "") -> dict:
    headers = {"Origin": ORIGIN, "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(  # noqa: S310 (127.0.0.1)
        base + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers=headers,
        method="POST" if body is not None else "GET",
    )
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
        return json.loads(response.read())


def report(label: str, samples: list[float]) -> None:
    print(
        f"{label:<22} runs={len(samples)} median={statistics.median(samples):.1f} ms "
        f"p95={percentile(samples, 0.95):.1f} ms min={min(samples):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--batch", type=int, default=100)
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
        def __contains__(self, key: object) -> bool:
            return True

        def __getitem__(self, key: str) -> None:
            return None

    settings.MIGRATION_MODULES = _NoMigrations()
    connection.creation.create_test_db(verbosity=0)

    from chinhquyen.accounts.models import Role
    from chinhquyen.accounts.tests.factories import make_official
    from chinhquyen.orgs.tests.factories import make_org
    from chinhquyen.signing import deferred, pki, services
    from chinhquyen.signing.models import CredentialKind, SigningCredential
    from chinhquyen_agent.server import make_server, serve_in_thread
    from chinhquyen_agent.token import Pkcs11Backend

    workdir = Path(tempfile.mkdtemp(prefix="cq-bench-deferred-"))
    settings.SIGNING_PKI_DIR = workdir / "pki"
    settings.MEDIA_ROOT = workdir / "media"
    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_CRL_FILES = ""
    ca = pki.make_ca("CA đo hiệu năng")
    (workdir / "pki" / "ca").mkdir(parents=True)
    (workdir / "pki" / "ca" / "ca.cert.pem").write_text(ca.certificate_pem)
    org = make_org("Sở Tư pháp")
    official = make_official(org, Role.LEADER, full_name="Nguyễn Văn An")
    admin = make_official(org, Role.IT_ADMIN, full_name="Quản trị")
    pair = pki.issue_certificate(ca, common_name="Nguyễn Văn An")
    # the official's signature image (taken from his server-side credential, as today)
    image_holder = SigningCredential(
        owner=official,
        kind=CredentialKind.REMOTE,
        label="ảnh chữ ký",
        certificate_pem=pair.certificate_pem,
    )
    image_holder.signature_image.save(
        "sig.png", ContentFile(pki.signature_image_png("Nguyễn Văn An")), save=False
    )
    services.credential_save(actor=None, credential=image_holder)
    cert = deferred.certificate_register(
        actor=official, official=official, certificate_pem=pair.certificate_pem
    )
    deferred.certificate_decide(actor=admin, certificate_id=cert.pk, approve=True)

    module = make_token(workdir, pair)
    server, state = make_server(Pkcs11Backend(module), port=0, allowed_origins=[ORIGIN])
    serve_in_thread(server)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    token = call(base, "/pair", {"code": state.pairing_code})["token"]
    cert_id = call(base, "/certificates", None, token)["certificates"][0]["id"]

    pdf = _render()

    def agent_sign(digests: list[bytes]) -> tuple[list[bytes], list[str]]:
        answer = call(
            base,
            "/sign",
            {
                "certificate_id": cert_id,
                "digests": [base64.b64encode(d).decode() for d in digests],
                "pin": PIN,
            },
            token,
        )
        return [base64.b64decode(s) for s in answer["signatures"]], answer["certificate_chain"]

    prepare_ms: list[float] = []
    complete_ms: list[float] = []
    agent_ms: list[float] = []
    for index in range(args.runs + 3):
        t0 = time.perf_counter()
        prepared = deferred.prepare(
            actor=official, pdf=pdf, official=official, description="Đo hiệu năng"
        )
        t1 = time.perf_counter()
        [signature], chain = agent_sign([bytes(prepared.digest)])
        t2 = time.perf_counter()
        done = deferred.complete(
            actor=official, prepared_id=prepared.pk, signature=signature, certificates=chain
        )
        t3 = time.perf_counter()
        assert done.status == "completed"
        if index >= 3:  # warm-up
            prepare_ms.append((t1 - t0) * 1000)
            agent_ms.append((t2 - t1) * 1000)
            complete_ms.append((t3 - t2) * 1000)
    total = [p + c for p, c in zip(prepare_ms, complete_ms, strict=True)]
    print(f"one page, RSA-2048 on SoftHSM2, PDF {len(pdf)} bytes")
    report("prepare", prepare_ms)
    report("complete (embed+verify)", complete_ms)
    report("prepare+complete", total)
    report("agent sign (excluded)", agent_ms)

    start = time.perf_counter()
    batch = [
        deferred.prepare(actor=official, pdf=pdf, official=official, description=f"Lô {i}")
        for i in range(args.batch)
    ]
    t_prepared = time.perf_counter()
    signatures, chain = agent_sign([bytes(p.digest) for p in batch])
    t_signed = time.perf_counter()
    outcomes = deferred.complete_batch(
        actor=official,
        items=[(p.pk, s) for p, s in zip(batch, signatures, strict=True)],
        certificates=chain,
    )
    end = time.perf_counter()
    assert all(o.ok for o in outcomes), [o for o in outcomes if not o.ok][:3]
    print(
        f"batch of {args.batch}: total {end - start:.2f} s (prepare {t_prepared - start:.2f} s, "
        f"agent one call {t_signed - t_prepared:.2f} s, complete {end - t_signed:.2f} s)"
    )
    server.shutdown()
    connection.creation.destroy_test_db(":memory:", verbosity=0)


if __name__ == "__main__":
    main()
