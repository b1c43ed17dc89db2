"""Digital-talent sharing end to end in Chromium: a professional registers and fills a profile, an officer posts
a role, a coordinator reviews explained suggestions and introduces the professional, who accepts, and the
officer records the appointment. Screenshots of the main pages go to test-artifacts/ (git-ignored)."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from govtech.demo import DEMO_USERS
from tests.browser.conftest import ARTIFACTS, browser_login

pytestmark = pytest.mark.browser
PASSWORD = "a-long-enough-password"


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"talent-{name}.png"), full_page=True)


def _db(live_server, fn):
    from govtech.extensions import db

    with live_server.app.app_context():
        try:
            return fn(db)
        finally:
            db.session.remove()


def _ids(live_server, email: str, title: str):
    from govtech.core.models import Skill
    from govtech.talent.models import Match, Professional, Role

    def query(db):
        skills = dict(db.session.execute(select(Skill.code, Skill.id)).all())
        pro = db.session.scalar(select(Professional.id).where(Professional.email == email))
        role = db.session.scalar(select(Role.id).where(Role.title == title))
        match = db.session.scalar(select(Match.id).where(Match.role_id == role)) if role else None
        return skills, pro, role, match
    return _db(live_server, query)


def _sign_out(page):
    page.click("[data-testid=logout]")
    page.wait_for_url("**/login")


def test_register_post_review_introduce_accept_appoint(page, live_server):
    url, tag = live_server.url, uuid.uuid4().hex[:6]
    email, title = f"new.pro.{tag}@example.jp", f"アクセシビリティ・オープンデータ顧問 {tag}"
    page.on("dialog", lambda dialog: dialog.accept())
    skills = _ids(live_server, email, title)[0]

    # 1. A professional registers and fills in the profile with the skill grid.
    page.goto(f"{url}/register")
    page.fill("#display_name", "新井 さくら")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.check("#consent")
    page.click("#submit")
    page.wait_for_url(f"{url}/")
    page.click("nav.main-nav a[href='/talent/profile']")
    page.fill("#days_per_week", "2")
    page.check("#work_style-0")  # remote
    page.fill("#public_sector_years", "3")
    page.fill("#bio", "自治体ウェブサイトのアクセシビリティ改善とオープンデータ公開を支援してきました。")
    page.check(f"#skill_{skills['design.accessibility']}-4")
    page.check(f"#skill_{skills['data.open-data']}-4")
    page.check(f"#skill_{skills['design.ux']}-2")
    _shot(page, "profile")
    page.click("#submit")
    page.wait_for_url(f"{url}/talent/my-roles")
    _sign_out(page)

    # 2. The officer of 檜原村 posts a role with required skills.
    browser_login(page, url, DEMO_USERS["officer"][0])
    page.goto(f"{url}/talent/roles/new")
    _shot(page, "role-form")
    page.fill("#title", title)
    page.fill("#description", "村のウェブサイトのアクセシビリティ改善と、オープンデータ公開を支援してください。")
    page.fill("#days_per_week", "1")
    page.select_option("#work_style", "remote")
    page.select_option("#requirements-0-skill", str(skills["design.accessibility"]))
    page.select_option("#requirements-0-min_level", "4")
    page.select_option("#requirements-0-weight", "must")
    page.select_option("#requirements-1-skill", str(skills["data.open-data"]))
    page.select_option("#requirements-1-min_level", "3")
    page.select_option("#requirements-1-weight", "important")
    page.click("#submit")
    page.wait_for_url("**/talent/roles/*")
    assert title in page.locator("h1").inner_text()
    _sign_out(page)

    # 3. A coordinator reviews the explained suggestions, shortlists and introduces the new professional.
    _skills, pro_id, role_id, _m = _ids(live_server, email, title)
    browser_login(page, url, DEMO_USERS["coordinator"][0])
    page.goto(f"{url}/talent/roles/{role_id}/suggestions")
    card = page.locator(f"[data-testid=suggestion-{pro_id}]")
    assert "新井 さくら" in card.inner_text()
    assert card.locator(".skill-met").count() == 2  # both required skills met, shown per skill
    assert page.locator("article.candidate").first.get_attribute("data-testid") == f"suggestion-{pro_id}"
    # The near misses load when their section is opened (a fragment fetched by static/js/app.js).
    gated = page.locator("[data-testid=gated-out]")
    gated.locator("summary").click()
    gated.locator("[data-testid=excluded-table], .fragment p:not(:has(a))").first.wait_for()
    assert gated.get_attribute("data-loaded") == "1"
    _shot(page, "suggestions")
    card.locator(f"[data-testid=shortlist-{pro_id}]").click()
    page.wait_for_load_state()
    match_id = _ids(live_server, email, title)[3]
    page.goto(f"{url}/talent/roles/{role_id}")
    page.click(f"[data-testid=step-introduce-{match_id}]")
    page.wait_for_load_state()
    _shot(page, "role-coordinator")
    page.goto(f"{url}/talent/model")
    page.click("[data-testid=retrain]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=model-version]").inner_text().startswith("v")
    for name in ("plan", "model", "supply", "professionals"):
        page.goto(f"{url}/talent/{name}")
        _shot(page, name)
    _sign_out(page)

    # 4. The professional accepts the introduction.
    browser_login(page, url, email, PASSWORD)
    page.goto(f"{url}/talent/introductions")
    _shot(page, "introductions")
    page.click(f"[data-testid=step-accept-{match_id}]")
    page.wait_for_load_state()
    page.goto(f"{url}/talent/my-roles")
    _shot(page, "my-roles")
    _sign_out(page)

    # 5. The officer now sees the candidate, records the interview and the appointment.
    browser_login(page, url, DEMO_USERS["officer"][0])
    page.goto(f"{url}/talent/roles/{role_id}")
    assert "新井 さくら" in page.locator("main").inner_text()
    page.click(f"[data-testid=step-interview-{match_id}]")
    page.wait_for_load_state()
    page.click(f"[data-testid=step-appoint-{match_id}]")
    page.wait_for_load_state()
    _shot(page, "role-officer")

    from govtech.talent.models import Match, Role

    status, state = _db(live_server, lambda db: (db.session.get(Match, match_id).status,
                                                 db.session.get(Role, role_id).state))
    assert (status, state) == ("appointed", "filled")
    assert page.console_errors == []


def test_officer_of_another_municipality_never_sees_the_pool(page, live_server, signed_in):
    signed_in(DEMO_USERS["officer2"][0])
    for path in ("/talent/professionals", "/talent/plan"):
        assert page.goto(f"{live_server.url}{path}").status == 403
    page.goto(f"{live_server.url}/talent/roles")
    assert "檜原村" not in page.locator("main").inner_text()


AXE_PAGES = {
    "professional": ["/talent/profile", "/talent/my-roles?all=1", "/talent/introductions", "/"],
    "officer": ["/talent/roles", "/talent/roles/new?template=cio-adviser", "/talent/roles/1", "/talent/roles/1/edit"],
    "coordinator": ["/talent/roles", "/talent/roles/1/suggestions", "/talent/roles/1", "/talent/professionals",
                    "/talent/professionals/1", "/talent/plan", "/talent/model", "/talent/supply", "/talent/import",
                    "/talent/candidates/1"],
}


@pytest.mark.parametrize("key", list(AXE_PAGES))
def test_talent_pages_have_no_serious_axe_violations(page, live_server, signed_in, key):
    from tests.browser.axe import serious_violations

    signed_in(DEMO_USERS[key][0])
    problems = {}
    for path in AXE_PAGES[key]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        found = serious_violations(page)
        if found:
            problems[path] = found
    assert problems == {}
