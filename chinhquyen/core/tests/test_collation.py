"""Issue #10 item 12: lists sort Vietnamese text by Vietnamese collation ("Chấm dứt" before
"Chuyển trường"), the same on SQLite (registered collation) and PostgreSQL (ICU, migration)."""

from __future__ import annotations

import random

import pytest

from chinhquyen.core.collation import vi_sort, vietnamese_key

# The order PostgreSQL 15 gives with COLLATE "vi-x-icu".
EXPECTED = [
    "Cấp",
    "Chấm dứt",
    "Chuyển trường",
    "Dừng",
    "Đăng ký",
    "Oanh",
    "Ông",
    "Ở",
]


def test_the_sort_key_follows_the_vietnamese_alphabet_and_tones() -> None:
    shuffled = EXPECTED[:]
    random.Random(10).shuffle(shuffled)
    assert sorted(shuffled, key=vietnamese_key) == EXPECTED
    assert sorted(["ma", "mà", "mả", "mã", "má", "mạ"], key=vietnamese_key) == [
        "ma",
        "mà",
        "mả",
        "mã",
        "má",
        "mạ",
    ]
    assert sorted(["Chuyển trường", "Chấm dứt"]) == ["Chuyển trường", "Chấm dứt"]  # code points
    assert sorted(["Chuyển trường", "Chấm dứt"], key=vietnamese_key)[0] == "Chấm dứt"


@pytest.mark.django_db
def test_the_database_sorts_names_by_vietnamese_collation() -> None:
    from chinhquyen.orgs.models import Organisation
    from chinhquyen.orgs.tests.factories import make_org

    shuffled = EXPECTED[:]
    random.Random(12).shuffle(shuffled)
    for name in shuffled:
        make_org(name)
    names = Organisation.objects.filter(name__in=EXPECTED).order_by(vi_sort("name"))
    assert list(names.values_list("name", flat=True)) == EXPECTED
    backwards = Organisation.objects.filter(name__in=EXPECTED).order_by(
        vi_sort("name", descending=True)
    )
    assert list(backwards.values_list("name", flat=True)) == EXPECTED[::-1]


@pytest.mark.django_db
def test_the_catalogue_lists_procedures_in_vietnamese_order() -> None:
    from chinhquyen.catalog.selectors import procedure_search
    from chinhquyen.catalog.tests.factories import make_version

    names = ["Chuyển trường cho học sinh", "Chấm dứt hoạt động", "Đăng ký", "Dừng cấp"]
    for name in names:
        make_version(name)
    listed = [v.name for v in procedure_search() if v.name in names]
    assert listed == ["Chấm dứt hoạt động", "Chuyển trường cho học sinh", "Dừng cấp", "Đăng ký"]
    # within one relevance group (the word "hoc" inside both names), Vietnamese order again
    make_version("Chấm điểm học sinh")
    found = [v.name for v in procedure_search(q="hoc") if "học" in v.name]
    assert found.index("Chấm điểm học sinh") < found.index("Chuyển trường cho học sinh")
