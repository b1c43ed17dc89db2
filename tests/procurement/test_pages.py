"""The procurement pages through HTTP: forms with CSRF, errors next to fields, the whole flow, no N+1 queries."""
from __future__ import annotations

import json
import re
from datetime import timedelta

from sqlalchemy import select

from govtech.core.models import utcnow
from govtech.extensions import db
from govtech.procurement.models import JointTender, ProcurementRequest
from tests.conftest import csrf_token
from tests.procurement.builders import make_request, make_tender, to_awarded, to_tendering
from tests.support.queries import count_queries

FORM = {"title": "Microsoft 365 E3 ライセンス", "category": "office-license", "description": "全庁",
        "requirements": "LGWAN対応", "quantity": "40", "unit": "ライセンス", "budget_jpy": "2400000",
        "fiscal_year": "2027", "desired_start": "2027-04-01", "external_id": ""}


def _post(client, url: str, data: dict, page: str | None = None):
    return client.post(url, data={"csrf_token": csrf_token(client, page or url), **data})


def test_officer_files_and_submits_a_request_through_the_form(app, make_user, login_as):
    client = login_as(make_user(role="officer", municipality="13307"))
    response = _post(client, "/procurement/requests/new", {**FORM, "save_submit": "1"})
    assert response.status_code == 302
    req = db.session.scalar(select(ProcurementRequest))
    assert req.state == "submitted" and req.municipality.code == "13307"
    listing = client.get("/procurement/requests").get_data(as_text=True)
    assert "Microsoft 365 E3 ライセンス" in listing and "提出済み" in listing


def test_form_errors_appear_next_to_the_fields_and_nothing_is_saved(app, make_user, login_as):
    client = login_as(make_user(role="officer", municipality="13307"))
    response = _post(client, "/procurement/requests/new", {**FORM, "quantity": "0", "desired_start": "2026-04-01"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="quantity-error"' in html and 'id="desired_start-error"' in html
    assert db.session.scalar(select(ProcurementRequest.id)) is None


def test_a_stale_edit_is_explained(app, make_user, login_as):
    officer = make_user(role="officer", municipality="13307")
    req = make_request("13307", actor=officer, submit=False)
    client = login_as(officer)
    page = f"/procurement/requests/{req.id}/edit"
    token = csrf_token(client, page)
    req.title = "別の画面で変更"
    db.session.commit()  # bumps the version behind the officer's back
    response = client.post(page, data={**FORM, "csrf_token": token, "version": "1", "save": "1"})
    assert response.status_code == 200
    assert "再読み込み" in response.get_data(as_text=True) or "Reload" in response.get_data(as_text=True)


def test_coordinator_creates_a_tender_from_a_pool_and_officers_join(app, make_user, login_as):
    requests = [make_request(code, title=title, external_id=f"{code}-P") for code, title in (
        ("13307", "Microsoft 365 E3 ライセンス"), ("13112", "M365 E3 ライセンス更新"), ("13308", "Office365 E3 ライセンス"))]
    coordinator = login_as(make_user(role="coordinator"))
    pools = coordinator.get("/procurement/pools").get_data(as_text=True)
    link = re.search(r'href="(/procurement/tenders/new\?request=[^"]+)"', pools).group(1).replace("&amp;", "&")
    form_page = coordinator.get(link).get_data(as_text=True)
    assert form_page.count("checked") >= 3
    data = {"title": "M365 共同調達", "category": "office-license", "fiscal_year": "2027", "unit": "ライセンス",
            "survey_deadline": (utcnow() + timedelta(days=10)).date().isoformat(), "award_method": "lowest_price",
            "allocation_rule": "quantity", "requests": [str(r.id) for r in requests][:2]}  # one request dropped
    response = coordinator.post(link, data={**data, "csrf_token": csrf_token(coordinator, link)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    tender = db.session.scalar(select(JointTender))
    assert sorted(p.municipality.code for p in tender.participations) == ["13112", "13307"]
    coordinator.get("/logout")
    officer = make_user(role="officer", municipality="13307", email="hinohara@example.jp")
    client = app.test_client()
    from tests.conftest import login
    login(client, officer)
    url = f"/procurement/tenders/{tender.id}"
    bad = _post(client, f"{url}/join", {"quantity": "0"}, page=url)
    assert bad.status_code == 422 and 'id="quantity-error"' in bad.get_data(as_text=True)
    ok = _post(client, f"{url}/join", {"quantity": "45", "budget_ceiling_jpy": "2500000"}, page=url)
    assert ok.status_code == 302
    assert "参加" in client.get(url).get_data(as_text=True)


def test_join_after_the_deadline_shows_why(app, make_user, login_as):
    tender = make_tender()
    tender.survey_deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    client = login_as(make_user(role="officer", municipality="13307"))
    url = f"/procurement/tenders/{tender.id}"
    response = _post(client, f"{url}/join", {"quantity": "5"}, page=url)
    assert response.status_code == 422
    assert "期限" in response.get_data(as_text=True)


def test_coordinator_runs_bids_award_and_allocation_from_the_tender_page(app, make_user, login_as):
    tender = make_tender()
    to_tendering(tender)
    client = login_as(make_user(role="coordinator"))
    url = f"/procurement/tenders/{tender.id}"
    for vendor, total in (("A社", "3999999"), ("B社", "4100000")):
        assert _post(client, f"{url}/bids", {"vendor_name": vendor, "total_jpy": total, "valid": "y"}, url).status_code == 302
    bad = _post(client, f"{url}/bids", {"vendor_name": "C社"}, url)
    assert bad.status_code == 422
    for step in ("evaluate", "award"):
        assert _post(client, f"{url}/step/{step}", {}, url).status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert re.search(r'data-testid="allocation-sum">¥3,999,999<', html)
    assert 'data-testid="rounding-note"' in html
    response = _post(client, f"{url}/allocate", {"allocation_rule": "mix", "mix_equal": "20", "mix_quantity": "80",
                                                 "mix_population": ""}, url)
    assert response.status_code == 302
    assert re.search(r'data-testid="allocation-sum">¥3,999,999<', client.get(url).get_data(as_text=True))
    package = json.loads(client.get(f"{url}/ocds.json").get_data(as_text=True))
    assert len(package["releases"][0]["contracts"]) == 3


def test_home_panels_for_officer_and_coordinator(app, make_user, login_as):
    make_tender()
    officer = login_as(make_user(role="officer", municipality="13307"))
    html = officer.get("/").get_data(as_text=True)
    assert 'data-testid="procurement-panel"' in html and "共同調達テスト" in html
    coordinator = app.test_client()
    from tests.conftest import login
    login(coordinator, make_user(role="coordinator"))
    assert "共同調達テスト" in coordinator.get("/").get_data(as_text=True)


def test_pages_render_in_english_too(app, make_user, login_as):
    tender = make_tender()
    to_awarded(tender)
    user = make_user(role="coordinator")
    user.locale = "en"
    db.session.commit()
    client = login_as(user)
    html = client.get(f"/procurement/tenders/{tender.id}").get_data(as_text=True)
    assert "Award and cost split" in html and 'lang="en"' in html




def test_list_pages_do_not_issue_a_query_per_row(app, make_user, login_as):
    coordinator = login_as(make_user(role="coordinator"))
    officer = app.test_client()
    from tests.conftest import login
    login(officer, make_user(role="officer", municipality="13307"))
    pages = [(coordinator, "/procurement/tenders"), (coordinator, "/procurement/requests"),
             (officer, "/procurement/open-tenders"), (officer, "/procurement/requests"), (coordinator, "/")]

    def counts():
        result = []
        for client, url in pages:
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            result.append(len(statements))
        return result

    make_tender(codes=("13307", "13112"), quantities=(1, 2), budgets=(10, 20))
    app.config["JOBS_INLINE"] = True
    counts()  # the first home page of the hour also runs the deadline reminders (govtech/dashboard/reminders.py)
    few = counts()
    for i in range(6):
        make_tender(codes=("13307", "13101", "13102"), quantities=(1, 2, 3), budgets=(10, 20, 30), title=f"T{i}")
    assert counts() == few
