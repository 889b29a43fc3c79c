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


# --- Issue #10 item 12: no English from Django's password validators or the admin ----------


def test_password_validator_messages_are_vietnamese(settings):
    from django.contrib.auth.password_validation import (
        password_validators_help_texts,
        validate_password,
    )
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("vi"):
        with pytest.raises(ValidationError) as caught:
            validate_password("12345")
        messages = [*caught.value.messages, *password_validators_help_texts()]
    assert messages
    for message in messages:
        assert not re.search(r"\b(password|This|Your|characters?)\b", message), message
    assert any("ít nhất 10 ký tự" in m for m in messages)


def test_every_admin_template_string_is_vietnamese():
    import django
    from django.utils import translation
    from django.utils.translation import gettext

    templates = Path(django.__file__).parent / "contrib" / "admin" / "templates" / "admin"
    msgids = {
        m
        for path in templates.rglob("*.html")
        for m in re.findall(r"""translate ["']([^"']+)["']""", path.read_text(encoding="utf-8"))
    }
    assert {"Show counts", "Skip to main content", "Toggle theme (current theme: auto)"} <= msgids
    with translation.override("vi"):
        untranslated = sorted(m for m in msgids if gettext(m) == m)
    assert not untranslated, f"add to chinhquyen/locale/vi: {untranslated}"
