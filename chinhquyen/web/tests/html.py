"""A small HTML inspector for tests (standard library parser, no network)."""

from __future__ import annotations

from html.parser import HTMLParser


class Page(HTMLParser):
    """Collects every start tag with its attributes, in document order."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def find_all(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a
            for t, a in self.tags
            if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def unlabelled_inputs(self) -> list[dict[str, str | None]]:
        """Form controls a screen reader cannot name: no <label for>, aria-label(ledby)."""
        label_targets = {a.get("for") for t, a in self.tags if t == "label"}
        missing = []
        for tag, attrs in self.tags:
            if tag not in ("input", "select", "textarea"):
                continue
            if attrs.get("type") in ("hidden", "submit", "button", "reset", "image"):
                continue
            if attrs.get("id") in label_targets:
                continue
            if attrs.get("aria-label") or attrs.get("aria-labelledby"):
                continue
            missing.append(attrs)
        return missing
