"""The periodic integrity check (chinhquyen.secops.integrity) re-checks the signatures of issued
documents and the digests of the files an agency received."""

from __future__ import annotations

import pytest

from chinhquyen.documents import files, services
from chinhquyen.documents.models import IncomingFile
from chinhquyen.documents.services import RecipientInput
from chinhquyen.secops import integrity

from .conftest import World
from .helpers import PIN, issued

pytestmark = pytest.mark.django_db


def test_signed_documents_and_received_files_are_checked(world: World, credentials) -> None:
    document = issued(world, recipients=[RecipientInput(organisation=world.construction)])
    document = services.outgoing_sign(actor=world.leader, pin=PIN, document=document)
    document = services.outgoing_dispatch(actor=world.clerk, document=document)
    received = IncomingFile.objects.get()

    clean = integrity.run_check()
    assert clean.failures == 0 and clean.pass_completed
    counted = {s.key: s.queryset().count() for s in integrity.SOURCES}
    assert counted["outgoing_signed"] == 1 and counted["incoming_file"] == 1
    assert clean.files_checked == sum(counted.values())

    signed = bytearray(files.read_field(document.pdf_file))
    middle = len(signed) // 3
    signed[middle] = ord("A") if signed[middle] != ord("A") else ord("B")
    with open(document.pdf_file.path, "wb") as fh:
        fh.write(bytes(signed))
    with open(received.file.path, "ab") as fh:
        fh.write(b"\n")

    run = integrity.run_check()

    found = {(f["source"], f["id"]): f["problem"] for f in run.findings}
    assert set(found) == {("outgoing_signed", document.pk), ("incoming_file", received.pk)}
    assert found[("incoming_file", received.pk)] == "Mã băm SHA-256 không khớp với lúc lưu."
    assert found[("outgoing_signed", document.pk)]  # the signature no longer holds
