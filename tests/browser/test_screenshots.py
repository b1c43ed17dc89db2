"""Screenshots of the main pages in both languages, wide and narrow; the page must not overflow sideways.

The PNGs land in test-artifacts/screenshots/ for people to look at; the assertion catches layouts that
break on a phone-sized screen (content wider than the viewport).
"""
from __future__ import annotations

import pytest

from govtech.demo import DEMO_USERS
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

PAGES = {
    None: ["/login", "/register"],
    "admin": ["/", "/admin/users", "/admin/users/new"],
    "coordinator": ["/", "/audit", "/municipalities"],
    "officer": ["/"],
    "professional": ["/"],
}
EXTRA_PAGES: dict[str | None, list[str]] = {  # features append their main pages here
    "admin": ["/dashboard/", "/procurement/categories"],
    "coordinator": ["/dashboard/", "/procurement/requests", "/procurement/pools", "/procurement/tenders",
                    "/procurement/tenders/1", "/procurement/savings", "/talent/roles", "/talent/roles/1/suggestions",
                    "/talent/professionals", "/talent/plan", "/talent/supply", "/talent/import", "/notifications"],
    "officer": ["/dashboard/", "/procurement/requests", "/procurement/requests/import", "/procurement/open-tenders",
                "/procurement/tenders/1", "/procurement/savings", "/talent/roles", "/talent/roles/1",
                "/notifications"],
    "professional": ["/talent/profile", "/talent/my-roles", "/talent/introductions", "/notifications"],
}


def _slug(path: str) -> str:
    return path.strip("/").replace("/", "_").replace("?", "_") or "home"


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("key", list(PAGES))
def test_screenshots_fit_wide_and_narrow_screens(browser, live_server, key, lang):
    from tests.browser.conftest import browser_login

    out = ARTIFACTS / "screenshots" / lang
    out.mkdir(parents=True, exist_ok=True)
    overflowing = []
    for width, height, tag in ((1280, 900, "wide"), (390, 844, "narrow")):
        context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": height})
        page = context.new_page()
        if key is not None:
            browser_login(page, live_server.url, DEMO_USERS[key][0])
        else:
            page.goto(live_server.url + "/login")
        if lang == "en":
            page.click("[data-testid=lang-switch]")
            page.wait_for_load_state()
        for path in PAGES[key] + EXTRA_PAGES.get(key, []):
            page.goto(live_server.url + path)
            page.screenshot(path=str(out / f"{key or 'public'}_{_slug(path)}_{tag}.png"), full_page=True)
            if page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
                overflowing.append(f"{path} ({tag})")
        if lang == "en" and key is not None:
            page.click("[data-testid=lang-switch]")  # the demo account goes back to Japanese
        context.close()
    assert overflowing == []
