"""Document facts: registering, assigning, completing an incoming document and issuing an
outgoing one write fact events through the documents' history; the fold and the rebuild agree."""

from __future__ import annotations

import pytest
from django.utils import timezone

from chinhquyen.documents import services
from chinhquyen.documents.tests.conftest import World, build_world
from chinhquyen.documents.tests.helpers import assigned, issued
from chinhquyen.stats import facts
from chinhquyen.stats.models import DocumentDailyFact

pytestmark = pytest.mark.django_db


def _sum(field: str) -> int:
    return sum(DocumentDailyFact.objects.values_list(field, flat=True))


@pytest.fixture
def world() -> World:
    return build_world()


def test_document_facts_fold_and_rebuild(world: World) -> None:
    document = assigned(world)
    facts.fold_all()
    assert _sum("in_received") == 1 and _sum("in_due_open") == 1
    services.incoming_complete(actor=world.leader, document=document, note="Đã trả lời.")
    outgoing = issued(world, is_electronic=False)
    facts.fold_all()
    assert (_sum("in_completed"), _sum("in_completed_on_time"), _sum("in_due_open")) == (1, 1, 0)
    assert _sum("out_issued") == 1 and _sum("out_electronic") == 0
    row = DocumentDailyFact.objects.get(organisation=outgoing.organisation, out_issued=1)
    assert row.day == timezone.localdate()
    incremental = facts.facts_snapshot()
    facts.rebuild()
    assert facts.facts_snapshot() == incremental
