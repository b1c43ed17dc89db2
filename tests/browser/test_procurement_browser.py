"""Joint procurement in Chromium: three municipalities file the same need (form and CSV), the coordinator
builds a tender from the pool, the officers join (手挙げ), the coordinator records bids, awards, splits the
cost exactly and downloads the OCDS release package; the officers see their share."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from govtech.demo import DEMO_PASSWORD, DEMO_USERS
from tests.browser.conftest import ARTIFACTS, browser_login

pytestmark = pytest.mark.browser
OKUTAMA = "officer.okutama@demo.govtech.tokyo"
CSV = ("external_id,municipality,title,category,description,quantity,unit,budget_jpy,desired_start,fiscal_year\r\n"
       "SETAGAYA-EC-1,世田谷区,電子契約サービスの導入,e-contract,契約事務の電子化（電子署名・契約書管理）,80,ID,"
       "3600000,2027-04-01,2027\r\n")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"procurement-{name}.png"), full_page=True)


def switch_to(page, live_server, email: str) -> None:
    if page.locator("[data-testid=logout]").count():
        page.click("[data-testid=logout]")
        page.wait_for_url(f"{live_server.url}/login")
    browser_login(page, live_server.url, email)


def third_officer(live_server) -> None:
    """奥多摩町's officer (the demo has officers for 檜原村 and 世田谷区 only)."""
    from govtech.accounts import services
    from govtech.extensions import db

    with live_server.app.app_context():
        if services.normalise_email(OKUTAMA) not in {u for (u,) in db.session.execute(
                db.select(services.User.email))}:
            services.create_user(email=OKUTAMA, password=DEMO_PASSWORD, role="officer",
                                 municipality=services.find_municipality("13308"), display_name="奥多摩町 職員")
            db.session.commit()


def file_request(page, url: str, title: str, description: str, quantity: str, budget: str) -> None:
    page.goto(f"{url}/procurement/requests/new")
    page.fill("#title", title)
    page.select_option("#category", "e-contract")
    page.fill("#fiscal_year", "2027")
    page.fill("#description", description)
    page.fill("#quantity", quantity)
    page.fill("#unit", "ID")
    page.fill("#budget_jpy", budget)
    page.fill("#desired_start", "2027-04-01")
    page.click("#save_submit")
    page.wait_for_url(re.compile(r".*/procurement/requests/\d+$"))
    assert "提出済み" in page.locator("h1").inner_text()


def join(page, url: str, tender_url: str, quantity: str, ceiling: str) -> None:
    page.goto(f"{url}/procurement/open-tenders")
    assert page.get_by_role("link", name=re.compile("電子契約")).first.is_visible()
    page.goto(tender_url)
    page.fill("#quantity", quantity)
    page.fill("#budget_ceiling_jpy", ceiling)
    page.click("#join-submit")
    page.wait_for_load_state()
    assert "参加表明" in page.locator("#answer").inner_text()


def step(page, name: str) -> None:
    page.click(f"[data-testid=step-{name}]")
    page.wait_for_load_state()
    assert page.locator(".flash-success").count() == 1, page.locator("main").inner_text()[:800]


def test_three_municipalities_to_an_awarded_tender_with_an_exact_split(page, live_server):
    url = live_server.url
    third_officer(live_server)
    # 1. Three municipalities file the same need, each in its own words (one by CSV import).
    browser_login(page, url, DEMO_USERS["officer"][0])
    file_request(page, url, "電子契約サービス", "契約書を電子化したい。電子署名と契約書の保管。", "5", "300000")
    page.goto(f"{url}/procurement/requests/new")
    shot(page, "request-form")
    switch_to(page, live_server, DEMO_USERS["officer2"][0])
    page.goto(f"{url}/procurement/requests/import")
    page.set_input_files("#file", files=[{"name": "bad.csv", "mimeType": "text/csv",
                                          "buffer": CSV.replace(",80,", ",zero,").encode("cp932")}])
    page.check("input[name=state][value=submitted]")
    page.click("#submit")
    page.wait_for_url(re.compile(r".*/jobs/\d+$"))  # the import runs as a background job with a progress page
    page.wait_for_selector("#job-error:not([hidden])")
    assert "quantity" in page.locator("#job-error").inner_text()
    shot(page, "import-errors")
    page.goto(f"{url}/procurement/requests/import")
    page.set_input_files("#file", files=[{"name": "ok.csv", "mimeType": "text/csv", "buffer": CSV.encode("cp932")}])
    page.check("input[name=state][value=submitted]")
    page.click("#submit")
    page.wait_for_url(re.compile(r".*/jobs/\d+$"))
    page.wait_for_selector("#job-done:not([hidden])")
    page.click("#job-next")
    page.wait_for_url(f"{url}/procurement/requests")
    assert "電子契約サービスの導入" in page.locator("table.data").inner_text()
    switch_to(page, live_server, OKUTAMA)
    file_request(page, url, "契約書の電子化（電子契約）", "電子契約サービスで契約書をオンライン締結。", "3", "250000")
    # 2. The coordinator finds the pool and builds a tender from it.
    switch_to(page, live_server, DEMO_USERS["coordinator"][0])
    page.goto(f"{url}/procurement/pools")
    pool = page.locator("[data-testid=pool]", has_text="電子契約サービスの導入")
    assert pool.count() == 1
    text = pool.inner_text()
    assert all(name in text for name in ("檜原村", "世田谷区", "奥多摩町"))
    shot(page, "pools")
    pool.get_by_role("link", name="この候補から案件を作成").click()
    page.wait_for_url(re.compile(r".*/procurement/tenders/new\?.*"))
    assert page.locator("input[name=requests]:checked").count() == 3
    page.fill("#title", "電子契約サービス 共同調達（令和9年度）")
    shot(page, "tender-form")
    page.click("#submit")
    page.wait_for_url(re.compile(r".*/procurement/tenders/\d+$"))
    tender_url = page.url
    # 3. Each officer raises their hand with quantity and ceiling.
    for email, quantity, ceiling in ((DEMO_USERS["officer"][0], "5", "300000"),
                                     (DEMO_USERS["officer2"][0], "80", "3600000"), (OKUTAMA, "3", "250000")):
        switch_to(page, live_server, email)
        join(page, url, tender_url, quantity, ceiling)
    shot(page, "officer-joined")
    # 4. The coordinator runs it to award.
    switch_to(page, live_server, DEMO_USERS["coordinator"][0])
    page.goto(tender_url)
    assert page.locator("[data-testid=participants]").inner_text().count("参加表明") == 3
    step(page, "close_survey")
    step(page, "start_spec")
    page.fill("#specification", "電子署名法に準拠した電子契約サービス。LGWAN環境から利用可能。88 ID。")
    page.fill("#bid_deadline", (_today() + timedelta(days=14)).isoformat())
    page.click("#spec-submit")
    page.wait_for_load_state()
    step(page, "publish")
    for vendor, total, score in (("サインクラウド株式会社", "2640001", "80"), ("デジタル契約株式会社", "2500000", "60"),
                                 ("ジャパン電子署名株式会社", "2900000", "90")):
        page.fill("#vendor_name", vendor)
        page.fill("#total_jpy", total)
        page.fill("#technical_score", score)
        page.click("#bid-submit")
        page.wait_for_load_state()
        assert vendor in page.locator("[data-testid=bids]").inner_text()
    step(page, "evaluate")
    step(page, "award")
    total = page.locator("[data-testid=award-total]").inner_text()
    assert total == "¥2,500,000"
    assert page.locator("[data-testid=allocation-sum]").inner_text() == total
    page.select_option("#allocation_rule", "mix")
    page.fill("#mix_equal", "10")
    page.fill("#mix_quantity", "90")
    page.fill("#mix_population", "0")
    page.click("#allocate-submit")
    page.wait_for_load_state()
    shares = [int(re.sub(r"[^\d]", "", s)) for s in page.locator("[data-testid=share]").all_inner_texts()]
    assert len(shares) == 3 and sum(shares) == 2_500_000
    assert page.locator("[data-testid=allocation-sum]").inner_text() == total
    assert "落札総額と1円単位で一致" in page.locator("[data-testid=rounding-note]").inner_text()
    shot(page, "tender-awarded")
    with page.expect_download() as download_info:
        page.click("[data-testid=ocds-download]")
    package = json.loads(download_info.value.path().read_text(encoding="utf-8"))
    (release,) = package["releases"]
    assert len(release["contracts"]) == 3
    assert sum(c["value"]["amount"] for c in release["contracts"]) == 2_500_000
    assert {p["name"].split(" ")[0] for p in release["parties"] if p["roles"] == ["buyer"]} == {
        "檜原村", "世田谷区", "奥多摩町"}
    step(page, "start_contracting")
    # 5. An officer sees the share and the savings; the public sees the open data.
    switch_to(page, live_server, DEMO_USERS["officer"][0])
    page.goto(tender_url)
    assert page.locator("[data-testid=my-share]").inner_text().startswith("¥")
    shot(page, "officer-share")
    page.goto(f"{url}/")
    shot(page, "officer-home")
    page.click("[data-testid=logout]")
    page.goto(f"{url}/open-data/procurement/")
    assert "電子契約サービス 共同調達" in page.locator("main").inner_text()
    shot(page, "open-data")
    # The rejected CSV upload answers 422 on purpose (Chromium logs that); nothing else may appear.
    assert [e for e in page.console_errors if "status of 422" not in e] == []


def _today():
    from govtech.procurement.tenders import tokyo_today

    return tokyo_today()


def test_coordinator_pages_render(page, live_server, signed_in):
    signed_in(DEMO_USERS["coordinator"][0])
    for path, name in (("/procurement/tenders", "tenders"), ("/", "coordinator-home"),
                       ("/procurement/savings", "savings"), ("/procurement/requests", "requests")):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1
        shot(page, name)
    page.goto(f"{live_server.url}/procurement/tenders?state=active")
    page.locator("table.data tbody a").first.click()
    assert page.locator("[data-testid=allocation]").count() == 1
    shot(page, "tender-active")
    assert page.console_errors == []


PROCUREMENT_PAGES = {
    "coordinator": ["/procurement/requests", "/procurement/pools", "/procurement/tenders", "/procurement/tenders/new",
                    "/procurement/tenders/1", "/procurement/tenders/3", "/procurement/savings",
                    "/procurement/categories"],
    "officer": ["/procurement/requests", "/procurement/requests/new", "/procurement/requests/import",
                "/procurement/open-tenders", "/procurement/tenders/2", "/procurement/tenders/1"],
    None: ["/open-data/procurement/"],
}


@pytest.mark.parametrize("key", list(PROCUREMENT_PAGES))
def test_procurement_pages_have_no_serious_axe_violations(page, live_server, signed_in, key):
    from tests.browser.axe import serious_violations

    if key is not None:
        signed_in(DEMO_USERS[key][0])
    problems = {}
    for path in PROCUREMENT_PAGES[key]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        found = serious_violations(page)
        if found:
            problems[path] = found
    assert problems == {}
