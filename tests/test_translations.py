"""The project's Vietnamese catalogue (chinhquyen/locale) is compiled and in use: API
validation errors from Django REST framework reach users in Vietnamese."""

import gettext
import re
from pathlib import Path

import pytest
from django.test import Client

LOCALE = Path(__file__).resolve().parent.parent / "chinhquyen" / "locale" / "vi" / "LC_MESSAGES"


def _po_entries(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid "(.*)"\nmsgstr "(.*)"$', text, flags=re.M)
    unescape = lambda s: s.replace('\\"', '"').replace("\\\\", "\\")  # noqa: E731
    return {unescape(k): unescape(v) for k, v in pairs if k}


def test_compiled_catalogue_matches_the_source():
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    entries = _po_entries(LOCALE / "django.po")
    assert len(entries) > 90
    for msgid, msgstr in entries.items():
        assert compiled.gettext(msgid) == msgstr, f"run msgfmt: {msgid!r} is stale in django.mo"


@pytest.mark.django_db
def test_drf_field_errors_are_vietnamese(client: Client):
    response = client.get("/api/v1/calendar/days-off", {"year": "abc"})
    assert response.status_code == 400
    text = str(response.json()["error"])
    assert "valid integer" not in text
    assert "số nguyên" in text
