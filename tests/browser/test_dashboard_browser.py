"""Dashboards in Chromium: each role's home page, the charts drawn by Chart.js (with their table alternative),
keyboard use, CSV downloads, and axe over the main pages of every role (no serious or critical issue)."""
from __future__ import annotations

import csv
import io
import re

import pytest

from govtech.demo import DEMO_USERS
from tests.browser.axe import serious_violations
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

HOME_PANELS = {
    "officer": ["procurement-panel", "panel-talent"],
    "coordinator": ["procurement-panel", "panel-talent", "panel-activity"],
    "professional": ["panel-talent"],
    "admin": ["panel-admin"],
}
CHARTS = {
    "coordinator": ["chart-savings-year", "chart-savings-municipality", "chart-participation", "chart-funnel"],
    "officer": ["chart-savings-year", "chart-savings-category", "chart-participation", "chart-funnel"],
}
MAIN_PAGES = {
    "officer": ["/", "/dashboard/", "/procurement/requests", "/procurement/open-tenders", "/procurement/savings",
                "/talent/roles", "/notifications"],
    "coordinator": ["/", "/dashboard/", "/procurement/requests", "/procurement/tenders", "/procurement/pools",
                    "/procurement/savings", "/talent/roles", "/talent/professionals", "/talent/plan",
                    "/talent/import", "/notifications"],
    "professional": ["/", "/talent/profile", "/talent/my-roles", "/talent/introductions", "/notifications"],
    "admin": ["/", "/dashboard/", "/admin/users", "/municipalities", "/audit"],
}


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)


@pytest.mark.parametrize("key", list(HOME_PANELS))
def test_each_roles_home_page(page, live_server, signed_in, key):
    signed_in(DEMO_USERS[key][0])
    for panel in HOME_PANELS[key]:
        assert page.locator(f"[data-testid={panel}]").is_visible(), panel
    if key == "admin":
        assert int(page.locator("[data-testid=users-officer]").inner_text()) >= 2
    if key == "coordinator":
        link = page.locator("[data-testid=panel-activity] a[href^='/procurement/'], "
                            "[data-testid=panel-activity] a[href^='/talent/']").first
        link.click()
        page.wait_for_load_state()
        assert page.locator("h1").count() == 1
    _shot(page, f"home-{key}")
    assert page.console_errors == []


@pytest.mark.parametrize("key", list(CHARTS))
def test_charts_render_with_their_tables(page, live_server, signed_in, key):
    signed_in(DEMO_USERS[key][0])
    page.click("nav.main-nav a[href='/dashboard/']")
    page.wait_for_url(f"{live_server.url}/dashboard/")
    page.wait_for_function("document.querySelectorAll('canvas[data-chart-ready]').length >= 4")
    for chart_id in CHARTS[key]:
        drawn = page.evaluate("""id => {
            const chart = Chart.getChart(document.getElementById(id));
            return chart ? {bars: chart.data.datasets[0].data.length, width: chart.width} : null; }""", chart_id)
        assert drawn is not None and drawn["bars"] >= 1 and drawn["width"] > 100, chart_id
    assert page.locator("canvas[data-chart-error]").count() == 0
    heatmap = page.locator("[data-testid=heatmap]")
    assert heatmap.locator("tbody tr").count() == 7 and heatmap.locator("td.heat").count() == 28
    # The table alternative opens from the keyboard.
    summary = page.locator("[data-testid=chart-savings-year] summary")
    summary.focus()
    page.keyboard.press("Enter")
    table = page.locator("[data-testid=chart-savings-year] table")
    assert table.is_visible() and re.search(r"¥[\d,]+", table.inner_text())
    if key == "officer":
        assert "檜原村" in page.locator("h1").inner_text()
        assert page.locator("[data-testid=chart-savings-municipality]").count() == 0
    _shot(page, f"charts-{key}")
    assert page.console_errors == []


def test_charts_follow_the_language(page, live_server, signed_in):
    signed_in(DEMO_USERS["coordinator"][0])
    page.click("[data-testid=lang-switch]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_function("document.querySelectorAll('canvas[data-chart-ready]').length >= 4")
    labels = page.evaluate("Chart.getChart(document.getElementById('chart-participation')).data.labels")
    assert labels == ["Special wards", "Tama", "Islands"]
    assert page.locator("h1").inner_text() == "Dashboard"
    _shot(page, "charts-en")
    page.click("[data-testid=lang-switch]")  # back to Japanese for the other tests
    assert page.console_errors == []


def test_csv_download_from_the_list_keeps_the_filters(page, live_server, signed_in):
    signed_in(DEMO_USERS["coordinator"][0])
    page.goto(f"{live_server.url}/procurement/requests?state=pooled")
    with page.expect_download() as info:
        page.click("[data-testid=csv-download]")
    data = info.value.path().read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) > 2 and {r[10] for r in rows[1:]} == {"案件化済み"}  # only the filtered state
    assert info.value.suggested_filename.startswith("requests-")


@pytest.mark.parametrize("key", list(MAIN_PAGES))
def test_main_pages_of_each_role_have_no_serious_axe_violations(page, live_server, signed_in, key):
    signed_in(DEMO_USERS[key][0])
    problems = {}
    for path in MAIN_PAGES[key]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        found = serious_violations(page)
        if found:
            problems[path] = found
    assert problems == {}
