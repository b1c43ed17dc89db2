"""Procurement over the API as officer and coordinator, by token and by cookie: the same rules, audit trail
and errors as the pages; object rules (own municipality), pagination, filters, ETag/If-Match."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from govtech.core.audit import AuditEvent
from govtech.extensions import db
from govtech.procurement.dates import tokyo_today
from tests.api.conftest import bearer

REQUEST = {"category": "office-license", "title": "Microsoft 365 ライセンス", "quantity": 40, "unit": "ライセンス",
           "budget_jpy": 2400000, "fiscal_year": 2026}


def file_request(client, headers, submit=False, **overrides):
    response = client.post("/api/v1/requests", headers=headers, json={**REQUEST, "submit": submit, **overrides})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture()
def heads(officer, officer2, coordinator, token_for):
    return {"o1": bearer(token_for(officer)), "o2": bearer(token_for(officer2)), "c": bearer(token_for(coordinator))}


def test_drafts_are_private_to_their_municipality(client, heads, officer):
    draft = file_request(client, heads["o1"])
    assert draft["state"] == "draft" and draft["municipality"]["code"] == "13307"
    assert client.get(f"/api/v1/requests/{draft['id']}", headers=heads["o2"]).status_code == 404
    assert client.get(f"/api/v1/requests/{draft['id']}", headers=heads["c"]).status_code == 404
    assert client.get("/api/v1/requests", headers=heads["o2"]).get_json()["total"] == 0
    assert client.get("/api/v1/requests", headers=heads["c"]).get_json()["total"] == 0
    mine = client.get("/api/v1/requests", headers=heads["o1"]).get_json()
    assert [r["id"] for r in mine["items"]] == [draft["id"]]
    submitted = client.post(f"/api/v1/requests/{draft['id']}/submit", headers=heads["o1"]).get_json()
    assert submitted["state"] == "submitted"
    assert client.get(f"/api/v1/requests/{draft['id']}", headers=heads["c"]).status_code == 200


def test_api_writes_leave_the_same_audit_trail_as_the_pages(client, heads, officer):
    req = file_request(client, heads["o1"], submit=True)
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "procurement_request", AuditEvent.object_id == str(req["id"]),
        AuditEvent.actor_id == officer.id).order_by(AuditEvent.id)).all()
    assert actions == ["request.create", "request.submit"]


def test_only_the_own_municipality_changes_a_request(client, heads):
    req = file_request(client, heads["o1"], submit=True)
    url = f"/api/v1/requests/{req['id']}"
    assert client.patch(url, headers=heads["o2"], json={"title": "x"}).status_code == 404
    assert client.patch(url, headers=heads["c"], json={"title": "x"}).status_code == 403
    assert client.post(f"{url}/withdraw", headers=heads["o2"]).status_code == 404
    assert client.post(f"{url}/submit", headers=heads["c"]).status_code == 403


def test_etag_and_if_match_refuse_a_stale_write(client, heads):
    req = file_request(client, heads["o1"])
    url = f"/api/v1/requests/{req['id']}"
    first = client.get(url, headers=heads["o1"])
    etag = first.headers["ETag"]
    assert etag == f'"request-{req["id"]}-v{req["version"]}"'
    ok = client.patch(url, headers={**heads["o1"], "If-Match": etag}, json={"title": "Microsoft 365 E3"})
    assert ok.status_code == 200 and ok.get_json()["title"] == "Microsoft 365 E3"
    assert ok.headers["ETag"] != etag
    stale = client.patch(url, headers={**heads["o1"], "If-Match": etag}, json={"title": "lost update"})
    assert stale.status_code == 409 and stale.get_json()["error"] == "conflict"
    by_version = client.patch(url, headers=heads["o1"], json={"title": "lost update", "version": req["version"]})
    assert by_version.status_code == 409
    assert client.get(url, headers=heads["o1"]).get_json()["title"] == "Microsoft 365 E3"
    assert client.patch(url, headers={**heads["o1"], "If-Match": "*"}, json={"quantity": 41}).status_code == 200


def test_partial_update_keeps_the_other_fields_and_service_rules_apply(client, heads):
    req = file_request(client, heads["o1"], description="全職員用")
    url = f"/api/v1/requests/{req['id']}"
    changed = client.patch(url, headers=heads["o1"], json={"quantity": 50}).get_json()
    assert changed["quantity"] == 50 and changed["description"] == "全職員用" and changed["category"] == "office-license"
    bad = client.patch(url, headers=heads["o1"], json={"desired_start": "2025-04-01"})  # not in fiscal 2026
    assert bad.status_code == 422 and "desired_start" in bad.get_json()["fields"]


def test_steps_follow_the_state_machine(client, heads):
    req = file_request(client, heads["o1"], submit=True)
    url = f"/api/v1/requests/{req['id']}"
    no_reason = client.post(f"{url}/return", headers=heads["c"], json={"reason": " "})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["fields"]
    returned = client.post(f"{url}/return", headers=heads["c"], json={"reason": "数量の内訳を追記してください"})
    assert returned.get_json()["state"] == "returned"
    assert returned.get_json()["status_reason"] == "数量の内訳を追記してください"
    assert client.post(f"{url}/withdraw", headers=heads["o1"]).get_json()["state"] == "withdrawn"
    again = client.post(f"{url}/withdraw", headers=heads["o1"])
    assert again.status_code == 409 and again.get_json()["error"] == "invalid_transition"


def test_lists_paginate_and_filter(client, heads):
    for n in range(3):
        file_request(client, heads["o1"], title=f"Request {n}", submit=n > 0)
    page = client.get("/api/v1/requests?per_page=2&page=2&sort=title", headers=heads["o1"]).get_json()
    assert (page["page"], page["per_page"], page["total"], [r["title"] for r in page["items"]]) == (
        2, 2, 3, ["Request 2"])
    drafts = client.get("/api/v1/requests?state=draft", headers=heads["o1"]).get_json()
    assert [r["title"] for r in drafts["items"]] == ["Request 0"]
    assert client.get("/api/v1/requests?q=Request%201", headers=heads["c"]).get_json()["total"] == 1
    assert client.get("/api/v1/requests?state=nonsense", headers=heads["o1"]).status_code == 422


def _tender(client, heads, request_ids=()):
    deadline = (tokyo_today() + timedelta(days=14)).isoformat()
    response = client.post("/api/v1/tenders", headers=heads["c"], json={
        "title": "共同調達: Microsoft 365", "category": "office-license", "fiscal_year": 2026,
        "survey_deadline": deadline, "award_method": "lowest_price", "allocation_rule": "quantity",
        "request_ids": list(request_ids)})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_officers_see_open_tenders_and_only_their_own_amounts(client, heads):
    reqs = [file_request(client, heads[k], submit=True)["id"] for k in ("o1", "o2")]
    tender = _tender(client, heads, reqs)
    assert {p["status"] for p in tender["participations"]} == {"invited"}
    for key in ("o1", "o2"):
        joined = client.put(f"/api/v1/tenders/{tender['id']}/participation", headers=heads[key],
                            json={"quantity": 40, "budget_ceiling_jpy": 2400000})
        assert joined.status_code == 200 and joined.get_json()["status"] == "interested"
    rows = client.get(f"/api/v1/tenders/{tender['id']}/participations", headers=heads["o1"]).get_json()["items"]
    own = next(r for r in rows if r["municipality"]["code"] == "13307")
    other = next(r for r in rows if r["municipality"]["code"] == "13112")
    assert own["budget_ceiling_jpy"] == 2400000 and own["request_id"] == reqs[0]
    assert other["budget_ceiling_jpy"] is None and other["request_id"] is None and other["quantity"] == 40
    coordinator_rows = client.get(f"/api/v1/tenders/{tender['id']}/participations", headers=heads["c"]).get_json()
    assert all(r["budget_ceiling_jpy"] == 2400000 for r in coordinator_rows["items"])
    listed = client.get("/api/v1/tenders", headers=heads["o1"]).get_json()
    assert [t["id"] for t in listed["items"]] == [tender["id"]]
    assert client.get(f"/api/v1/tenders/{tender['id']}/bids", headers=heads["o1"]).status_code == 403
    twice = client.put(f"/api/v1/tenders/{tender['id']}/participation", headers=heads["o1"], json={"quantity": 45})
    assert twice.status_code == 200 and twice.get_json()["quantity"] == 45  # changes the answer, no duplicate


def test_officers_cannot_drive_tenders_and_coordinators_cannot_join(client, heads):
    tender = _tender(client, heads)
    url = f"/api/v1/tenders/{tender['id']}"
    assert client.post(f"{url}/steps/close_survey", headers=heads["o1"]).status_code == 403
    assert client.post(f"{url}/bids", headers=heads["o1"], json={"vendor_name": "X", "total_jpy": 1}).status_code == 403
    assert client.put(f"{url}/participation", headers=heads["c"], json={"quantity": 1}).status_code == 403
    no_member = client.post(f"{url}/steps/close_survey", headers=heads["c"])
    assert no_member.status_code == 422  # the service: nobody joined yet
    declined = client.post(f"{url}/participation/decline", headers=heads["o1"])
    assert declined.status_code == 200 and declined.get_json()["status"] == "declined"


def test_hidden_tenders_are_404_for_officers(client, heads):
    tender = _tender(client, heads)
    client.post(f"/api/v1/tenders/{tender['id']}/cancel", headers=heads["c"], json={"reason": "重複"})
    assert client.get(f"/api/v1/tenders/{tender['id']}", headers=heads["o1"]).status_code == 404
    assert client.get(f"/api/v1/tenders/{tender['id']}", headers=heads["c"]).get_json()["state"] == "cancelled"


def test_cookie_session_coordinator_with_csrf(cookie_api, coordinator, client, heads):
    session_client, token = cookie_api(coordinator)
    deadline = (tokyo_today() + timedelta(days=7)).isoformat()
    body = {"title": "Web会議", "category": "web-meeting", "fiscal_year": 2026, "survey_deadline": deadline,
            "award_method": "combined", "price_weight": 70, "quality_weight": 30, "allocation_rule": "equal"}
    assert session_client.post("/api/v1/tenders", json=body).status_code == 400
    created = session_client.post("/api/v1/tenders", json=body, headers={"X-CSRFToken": token})
    assert created.status_code == 201 and created.get_json()["quality_weight"] == 30
    assert created.headers["Location"].endswith(f"/api/v1/tenders/{created.get_json()['id']}")
