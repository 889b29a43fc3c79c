"""Accessibility checks in the browser tests: axe-core (the npm package, ``make install``
runs ``npm ci``) on the page as the person sees it, WCAG 2.0/2.1 level A and AA rules.

``check_a11y(page, "label")`` fails when any violation is serious or critical, listing each
(rule id, impact, the elements' selectors, axe's help text and link). Minor and moderate
findings are not failures.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = {"serious", "critical"}


@functools.cache
def _axe_source() -> str:
    if not AXE.exists():
        pytest.fail(
            f"{AXE} is missing: the accessibility checks need axe-core. Run `make install` "
            "(it runs `npm ci` for package-lock.json).",
            pytrace=False,
        )
    return AXE.read_text(encoding="utf-8")


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:10]:
            target = " ".join(" > ".join(t) if isinstance(t, list) else t for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}: {summary[:300]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    … and {len(v['nodes']) - 10} more elements")
    return "\n".join(lines)


def check_a11y(page: Any, label: str = "") -> list[dict[str, Any]]:
    """Run axe-core on ``page`` (WCAG 2.0/2.1 A and AA); fail on serious or critical
    violations. Returns every violation found (minor and moderate ones included)."""
    page.wait_for_load_state("load")
    # Evaluated through the DevTools protocol: the site's CSP (no inline scripts) does not
    # apply, and nothing is added to the page the person sees.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source() + "\n;undefined")
    violations: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const result = await window.axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, failureSummary: n.failureSummary})),
            }));
        }""",
        TAGS,
    )
    failing = [v for v in violations if v["impact"] in FAILING]
    if failing:
        width = (page.viewport_size or {}).get("width", "?")
        where = f"{label} ({page.url}, {width} px)" if label else f"{page.url} ({width} px)"
        pytest.fail(
            f"axe-core: {len(failing)} serious/critical accessibility violation(s) on {where}:\n"
            + _describe(failing),
            pytrace=False,
        )
    return violations
