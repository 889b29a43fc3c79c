"""Static scans: no CDN, no inline script/style/handlers (the CSP has no 'unsafe-inline'),
and every vendored file the layout references exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

PACKAGE = Path(settings.BASE_DIR) / "chinhquyen"
TEMPLATES = sorted(PACKAGE.rglob("templates/**/*.html"))
OUR_CSS = sorted((PACKAGE / "static" / "css").glob("*.css"))
STATIC_DIR = PACKAGE / "static"

TAG_RE = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
EXTERNAL_RE = re.compile(r"""^\s*["']?\s*(?:https?:)?//""", re.I)


def _tags(text: str) -> list[tuple[str, str]]:
    return [(m.group(1).lower(), m.group(2)) for m in TAG_RE.finditer(text)]


def _attr(attrs: str, name: str) -> str | None:
    match = re.search(rf"""(?:^|\s){name}\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", attrs, re.I)
    return match.group(1).strip("\"'") if match else None


def test_there_are_templates_to_scan() -> None:
    names = {p.relative_to(PACKAGE).as_posix() for p in TEMPLATES}
    assert "templates/base.html" in names
    assert "templates/allauth/layouts/base.html" in names
    assert len(names) >= 20


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_template_is_csp_ready(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    problems = []
    for tag, attrs in _tags(text):
        if tag == "script" and _attr(attrs, "src") is None:
            problems.append("inline <script> without src")
        if re.search(r"(?:^|\s)on[a-z]+\s*=", attrs, re.I):
            problems.append(f"inline event handler in <{tag}{attrs[:60]}>")
        if re.search(r"(?:^|\s)style\s*=", attrs, re.I):
            problems.append(f"style= attribute in <{tag}{attrs[:60]}>")
        if tag == "style" and "/templates/pdf/" not in path.as_posix():
            # (PDF templates are rendered by WeasyPrint, never served to a browser.)
            problems.append("<style> element")
        if tag in ("script", "img", "iframe", "source", "audio", "video"):
            src = _attr(attrs, "src") or ""
            if EXTERNAL_RE.match(src):
                problems.append(f"external src {src}")
        if tag == "link":
            href = _attr(attrs, "href") or ""
            if EXTERNAL_RE.match(href):
                problems.append(f"external <link> {href}")
    if re.search(r"""@import\s+(?:url\()?\s*["']?(?:https?:)?//""", text, re.I):
        problems.append("external @import")
    assert problems == []


def test_scanner_catches_the_forbidden_patterns() -> None:
    bad = (
        '<script>alert(1)</script><a href="#" onclick="x()">x</a><p style="color:red">'
        '<link rel="stylesheet" href="https://cdn.example/x.css">'
    )
    tags = _tags(bad)
    assert ("script", "") in tags
    assert any(re.search(r"(?:^|\s)on[a-z]+\s*=", a) for _, a in tags)
    assert any(re.search(r"(?:^|\s)style\s*=", a) for _, a in tags)
    assert any(t == "link" and EXTERNAL_RE.match(_attr(a, "href") or "") for t, a in tags)


@pytest.mark.parametrize("path", OUR_CSS, ids=lambda p: p.name)
def test_our_css_loads_nothing_from_outside(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"""url\(\s*["']?(?:https?:)?//""", text, re.I)
    assert not re.search(r"""@import""", text, re.I)


def _static_refs(template: str) -> list[str]:
    text = (PACKAGE / "templates" / template).read_text(encoding="utf-8")
    return re.findall(r"""\{%\s*static\s+["']([^"']+)["']\s*%\}""", text)


def test_every_static_file_of_the_layouts_exists() -> None:
    refs = _static_refs("base.html") + _static_refs("errors/500.html")
    refs += _static_refs("admin/base_site.html")
    assert "vendor/bootstrap/css/bootstrap.min.css" in refs
    assert "vendor/htmx/htmx.min.js" in refs
    for ref in refs:
        assert finders.find(ref), f"static file {ref} referenced by a layout is missing"


def _css_urls(css_path: Path) -> list[Path]:
    text = css_path.read_text(encoding="utf-8")
    targets = []
    for raw in re.findall(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", text):
        if raw.startswith("data:"):
            continue
        targets.append((css_path.parent / raw.split("?")[0].split("#")[0]).resolve())
    return targets


def test_fonts_referenced_by_css_exist() -> None:
    fonts = _css_urls(STATIC_DIR / "css" / "fonts.css")
    icons = _css_urls(STATIC_DIR / "vendor" / "bootstrap-icons" / "bootstrap-icons.min.css")
    assert len(fonts) == 6  # Vietnamese + Latin subsets x 400/600/700
    assert icons
    for target in fonts + icons:
        assert target.is_file(), f"{target} is missing"
        assert target.stat().st_size > 1000


def test_source_maps_named_by_vendored_files_exist() -> None:
    """ManifestStaticFilesStorage follows sourceMappingURL and fails without the map."""
    for path in (STATIC_DIR / "vendor").rglob("*"):
        if path.suffix not in (".css", ".js"):
            continue
        for name in re.findall(r"sourceMappingURL=([^\s*]+)", path.read_text(encoding="utf-8")):
            assert (path.parent / name).is_file(), f"{path.name} names missing {name}"


def test_vendored_libraries_are_documented_with_licences() -> None:
    readme = (STATIC_DIR / "vendor" / "README.md").read_text(encoding="utf-8")
    for folder, version in (
        ("bootstrap", "5.3.9"),
        ("bootstrap-icons", "1.13.2"),
        ("htmx", "2.0.11"),
        ("be-vietnam-pro", "5.3.0"),
    ):
        assert f"`{folder}/`" in readme and version in readme
        assert (STATIC_DIR / "vendor" / folder / "LICENSE").is_file()
    bundle = (STATIC_DIR / "vendor" / "bootstrap" / "js" / "bootstrap.bundle.min.js").read_text(
        encoding="utf-8"
    )
    assert "Bootstrap v5.3.9" in bundle
    htmx = (STATIC_DIR / "vendor" / "htmx" / "htmx.min.js").read_text(encoding="utf-8")
    assert 'version:"2.0.11"' in htmx.replace(" ", "")


def test_app_js_sends_the_csrf_token_with_htmx() -> None:
    js = (STATIC_DIR / "js" / "app.js").read_text(encoding="utf-8")
    assert "htmx:configRequest" in js
    assert 'headers["X-CSRFToken"]' in js
    assert settings.CSRF_HEADER_NAME == "HTTP_X_CSRFTOKEN"
