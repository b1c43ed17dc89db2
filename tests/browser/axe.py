"""Run the vendored axe-core in a Playwright page and return the serious and critical violations."""
from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"


_cache: dict[str, str] = {}


def _source() -> str:
    if "axe" not in _cache:
        _cache["axe"] = AXE.read_text(encoding="utf-8")
    return _cache["axe"]


def serious_violations(page) -> list[dict]:
    """axe-core's WCAG 2 A/AA rules on the current page; only serious and critical findings."""
    # Evaluated through the DevTools protocol, so the page's strict CSP stays on while axe runs.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_source())
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "targets": [n["target"] for n in v["nodes"][:5]]}
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
