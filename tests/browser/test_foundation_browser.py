"""Every role signs in through Chromium, sees its own menu, switches language, and signs out."""
from __future__ import annotations

import pytest

from govtech.demo import DEMO_USERS

pytestmark = pytest.mark.browser

ROLE_MENU = {
    "admin": "ユーザー",
    "coordinator": "監査ログ",
    "officer": "ホーム",
    "professional": "ホーム",
}


@pytest.mark.parametrize("key", ["admin", "coordinator", "officer", "officer2", "professional"])
def test_each_role_signs_in_switches_language_and_signs_out(page, live_server, signed_in, key):
    email, role, _code, _name = DEMO_USERS[key]
    signed_in(email)
    assert page.locator("html").get_attribute("lang") == "ja"
    nav = page.locator("nav.main-nav")
    assert ROLE_MENU[role] in nav.inner_text()
    if role not in ("admin", "coordinator"):
        assert "監査ログ" not in nav.inner_text()
    page.click("[data-testid=lang-switch]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Home" in page.locator("nav.main-nav").inner_text()
    # The choice is remembered on the account: a new sign-in comes back in English.
    page.click("[data-testid=logout]")
    page.wait_for_url(f"{live_server.url}/login")
    signed_in(email)
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("[data-testid=lang-switch]")  # leave the demo account in Japanese for other tests
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.console_errors == []


def test_signed_out_visitor_is_sent_to_login_and_wrong_password_is_explained(page, live_server):
    page.goto(f"{live_server.url}/audit")
    assert page.url.startswith(f"{live_server.url}/login")
    page.fill("#email", "coordinator@demo.govtech.tokyo")
    page.fill("#password", "wrong-password-123")
    page.click("#submit")
    assert "正しくありません" in page.locator(".flashes").inner_text()


def test_officer_cannot_open_the_audit_trail(page, live_server, signed_in):
    signed_in(DEMO_USERS["officer"][0])
    response = page.goto(f"{live_server.url}/audit")
    assert response.status == 403
    assert "コーディネーター" in page.locator("main").inner_text()
