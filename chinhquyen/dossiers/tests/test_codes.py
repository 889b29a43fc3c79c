"""Dossier codes: <agency code of the receiving agency>-<YYMMDD>-<NNNN>, never duplicated, no
gaps, also under concurrency (PostgreSQL, threads)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier, DossierCounter, DossierEvent

from .factories import T0, World, build_world, receive, submit


@pytest.mark.django_db
def test_codes_follow_the_daily_sequence_of_the_receiving_agency(world: World) -> None:
    centre = world.orgs["centre"].agency_code
    first = receive(world, when=T0).dossier
    second = receive(world, when=T0 + dt.timedelta(hours=1)).dossier
    next_day = receive(world, when=T0 + dt.timedelta(days=1)).dossier
    assert first.code == f"{centre}-260302-0001"
    assert second.code == f"{centre}-260302-0002"
    assert next_day.code == f"{centre}-260303-0001"
    # the commune desk's dossiers carry the commune's code (the desk's agency), own sequence
    commune = receive(world, version="commune", when=T0).dossier
    assert commune.code == f"{world.orgs['commune'].agency_code}-260302-0001"
    assert commune.receiving_organisation == world.orgs["commune"]


@pytest.mark.django_db
def test_the_day_is_the_legal_date_in_vietnam(world: World) -> None:
    # 23:30 UTC on 1 March is 06:30 on 2 March in Vietnam
    moment = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)
    d = receive(world, when=moment).dossier
    assert "-260302-" in d.code


@pytest.mark.django_db
def test_online_dossiers_of_department_procedures_are_received_at_the_centre(
    world: World,
) -> None:
    d = submit(world).dossier
    assert d.receiving_organisation == world.orgs["centre"]
    assert d.code.startswith(world.orgs["centre"].agency_code + "-")
    assert d.competent_organisation == world.orgs["dept"]


@pytest.mark.django_db
def test_unique_constraint_is_the_backstop(world: World) -> None:
    receive(world, when=T0)
    DossierCounter.objects.update(last_number=0)  # a corrupted counter would repeat 0001
    before = (Dossier.objects.count(), DossierEvent.objects.count())
    with pytest.raises(DomainError) as exc:
        receive(world, when=T0)
    assert exc.value.status_code == 409
    assert exc.value.error_code == "intake_conflict"
    assert (Dossier.objects.count(), DossierEvent.objects.count()) == before


@pytest.mark.django_db
def test_an_agency_without_code_uses_its_parents(world: World) -> None:
    world.orgs["commune"].agency_code = ""
    world.orgs["commune"].save(update_fields=["agency_code"])
    d = receive(world, version="commune", when=T0).dossier
    assert d.code.startswith(world.orgs["province"].agency_code + "-260302-")


THREADS = 8
PER_THREAD = 25


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_duplicates_and_no_gaps_under_concurrency() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent transactions on the counter row")
    w = build_world()
    version = w.versions["province"]
    papers = [
        services.PaperCount(paper_id=p.pk, original=1) for p in version.papers.all() if p.required
    ]
    desk_id = w.users["desk_centre"].pk
    barrier = threading.Barrier(THREADS)
    codes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def desk_worker(n: int) -> None:
        try:
            desk = User.objects.get(pk=desk_id)
            barrier.wait(timeout=60)
            for i in range(PER_THREAD):
                result = services.dossier_receive_at_counter(
                    actor=desk,
                    procedure=version,
                    applicant_details={"name": f"Khách {n}-{i}"},
                    papers=papers,
                    at=T0 + dt.timedelta(minutes=i),
                )
                with lock:
                    codes.append(result.dossier.code)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=desk_worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    total = THREADS * PER_THREAD
    assert len(codes) == total
    assert len(set(codes)) == total
    prefix = f"{w.orgs['centre'].agency_code}-260302-"
    numbers = sorted(int(code.removeprefix(prefix)) for code in codes)
    assert numbers == list(range(1, total + 1))
    assert DossierCounter.objects.get().last_number == total
    assert Dossier.objects.count() == total
