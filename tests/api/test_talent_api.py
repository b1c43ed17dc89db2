"""Talent sharing over the API as professional, officer and coordinator: profile, roles, explained suggestions
and the introduction workflow, with the talent services' rules, visibility and optimistic versions."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from govtech.core.audit import AuditEvent
from govtech.extensions import db
from tests.api.conftest import bearer

PROFILE = {"name": "山田 花子", "email": "hanako@example.jp", "days_per_week": 2, "work_style": "hybrid",
           "regions": ["wards", "tama"], "public_sector_years": 4, "consent_to_introduce": True,
           "bio": "区役所で情報化予算の精査とDX戦略の策定に携わりました。",
           "skills": {"strategy.dx-strategy": 3, "strategy.budget-review": 3, "delivery.procurement-spec": 2}}
ROLE = {"title": "CIO補佐官", "description": "村長とCIOへの助言、情報化予算の精査。", "days_per_week": 1,
        "work_style": "remote", "positions": 1,
        "requirements": [{"skill": "strategy.dx-strategy", "min_level": 3, "weight": "must"},
                         {"skill": "strategy.budget-review", "min_level": 2, "weight": "important"}]}


@pytest.fixture()
def heads(officer, officer2, coordinator, professional, token_for):
    return {"o1": bearer(token_for(officer)), "o2": bearer(token_for(officer2)),
            "c": bearer(token_for(coordinator)), "p": bearer(token_for(professional))}


def _profile(client, heads):
    response = client.put("/api/v1/professionals/me", headers=heads["p"], json=PROFILE)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _role(client, heads, **overrides):
    response = client.post("/api/v1/roles", headers=heads["o1"], json={**ROLE, **overrides})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_professional_saves_and_reads_only_their_own_profile(client, heads, make_user, token_for):
    assert client.get("/api/v1/professionals/me", headers=heads["p"]).status_code == 404
    me = _profile(client, heads)
    assert {s["skill"]: s["level"] for s in me["skills"]} == PROFILE["skills"] and me["has_login"] is True
    read = client.get("/api/v1/professionals/me", headers=heads["p"])
    assert read.headers["ETag"] == f'"professional-{me["id"]}-v{me["version"]}"'
    assert client.get(f"/api/v1/professionals/{me['id']}", headers=heads["p"]).status_code == 200
    other = bearer(token_for(make_user(role="professional")))
    assert client.get(f"/api/v1/professionals/{me['id']}", headers=other).status_code == 404
    assert client.get("/api/v1/professionals", headers=heads["p"]).status_code == 403
    assert client.get(f"/api/v1/professionals/{me['id']}", headers=heads["o1"]).status_code == 403
    listed = client.get("/api/v1/professionals?skill=strategy.dx-strategy&min_level=3", headers=heads["c"])
    assert [p["id"] for p in listed.get_json()["items"]] == [me["id"]]


def test_profile_rules_and_stale_writes(client, heads):
    me = _profile(client, heads)
    unknown = client.put("/api/v1/professionals/me", headers=heads["p"], json={**PROFILE, "skills": {"x.y": 2}})
    assert unknown.status_code == 422 and "skills" in unknown.get_json()["fields"]
    no_area = client.put("/api/v1/professionals/me", headers=heads["p"], json={**PROFILE, "regions": []})
    assert no_area.status_code == 422 and "regions" in no_area.get_json()["fields"]  # the service's rule
    stale = client.put("/api/v1/professionals/me", headers={**heads["p"], "If-Match": '"professional-1-v0"'},
                       json=PROFILE)
    assert stale.status_code == 409
    fewer = client.put("/api/v1/professionals/me", headers=heads["p"],
                       json={**PROFILE, "skills": {"strategy.dx-strategy": 4}, "version": me["version"]})
    assert [s["skill"] for s in fewer.get_json()["skills"]] == ["strategy.dx-strategy"]  # PUT replaces levels


def test_roles_belong_to_their_municipality(client, heads):
    role = _role(client, heads)
    url = f"/api/v1/roles/{role['id']}"
    assert role["state"] == "open" and role["municipality"]["code"] == "13307"
    assert client.get(url, headers=heads["o2"]).status_code == 404
    assert client.patch(url, headers=heads["o2"], json={"title": "x"}).status_code == 404
    assert client.get(url, headers=heads["p"]).status_code == 200  # open roles are for professionals to see
    assert client.post("/api/v1/roles", headers=heads["c"], json=ROLE).status_code == 403
    assert client.get("/api/v1/roles", headers=heads["o2"]).get_json()["total"] == 0
    etag = client.get(url, headers=heads["o1"]).headers["ETag"]
    patched = client.patch(url, headers={**heads["o1"], "If-Match": etag}, json={"positions": 2})
    assert patched.status_code == 200 and patched.get_json()["positions"] == 2
    assert patched.get_json()["requirements"] == ROLE["requirements"]
    assert client.patch(url, headers={**heads["o1"], "If-Match": etag}, json={"positions": 3}).status_code == 409
    closed = client.post(f"{url}/state", headers=heads["o1"], json={"state": "closed"})
    assert closed.get_json()["state"] == "closed"
    assert client.get(url, headers=heads["p"]).status_code == 404
    assert client.get("/api/v1/roles", headers=heads["p"]).get_json()["total"] == 0


def test_role_requirements_are_checked(client, heads):
    bad_skill = client.post("/api/v1/roles", headers=heads["o1"],
                            json={**ROLE, "requirements": [{"skill": "nope", "min_level": 2}]})
    assert bad_skill.status_code == 422
    none = client.post("/api/v1/roles", headers=heads["o1"], json={**ROLE, "requirements": []})
    assert none.status_code == 422 and "requirements" in none.get_json()["fields"]


def test_suggestions_to_appointment(client, heads, officer):
    me = _profile(client, heads)
    role = _role(client, heads)
    assert client.get(f"/api/v1/roles/{role['id']}/suggestions", headers=heads["o1"]).status_code == 403
    ranked = client.get(f"/api/v1/roles/{role['id']}/suggestions", headers=heads["c"]).get_json()
    assert ranked["total"] == 1 and ranked["items"][0]["professional_id"] == me["id"]
    explanation = ranked["items"][0]["explanation"]
    assert explanation["eligible"] and {s["skill"] for s in explanation["skills"]} == {
        "strategy.dx-strategy", "strategy.budget-review"} and 0 <= explanation["score"] <= 1
    shortlisted = client.post(f"/api/v1/roles/{role['id']}/candidates", headers=heads["c"],
                              json={"professional_id": me["id"]})
    assert shortlisted.status_code == 201
    match = shortlisted.get_json()
    assert match["status"] == "shortlisted" and match["explanation"]["eligible"]
    again = client.post(f"/api/v1/roles/{role['id']}/candidates", headers=heads["c"],
                        json={"professional_id": me["id"]})
    assert again.status_code == 409

    url = f"/api/v1/matches/{match['id']}"
    step = f"{url}/transitions"
    introduced = client.post(step, headers=heads["c"], json={"action": "introduce", "version": match["version"]})
    assert introduced.get_json()["status"] == "introduced"
    assert client.get(url, headers=heads["o1"]).status_code == 404  # not accepted yet: hidden from the town
    assert client.get("/api/v1/matches", headers=heads["o1"]).get_json()["total"] == 0
    assert client.post(step, headers=heads["c"], json={"action": "introduce"}).status_code == 422  # no version
    etag = client.get(url, headers=heads["p"]).headers["ETag"]
    accepted = client.post(step, headers={**heads["p"], "If-Match": etag}, json={"action": "accept"})
    assert accepted.status_code == 200 and accepted.get_json()["professional_consent"] is True
    assert client.get("/api/v1/matches", headers=heads["o1"]).get_json()["total"] == 1
    stale = client.post(step, headers={**heads["o1"], "If-Match": etag}, json={"action": "appoint"})
    assert stale.status_code == 409
    not_theirs = client.post(step, headers=heads["o2"], json={"action": "appoint", "version": 3})
    assert not_theirs.status_code == 404
    appointed = client.post(step, headers=heads["o1"], json={"action": "appoint",
                                                            "version": accepted.get_json()["version"]})
    assert appointed.status_code == 200 and appointed.get_json()["status"] == "appointed"
    assert client.get(f"/api/v1/roles/{role['id']}", headers=heads["o1"]).get_json()["state"] == "filled"
    assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "match",
                                                              AuditEvent.actor_id == officer.id)).all() == [
        "match.appoint"]


def test_professional_asks_to_be_considered(client, heads):
    role = _role(client, heads)
    no_profile = client.post(f"/api/v1/roles/{role['id']}/interest", headers=heads["p"])
    assert no_profile.status_code == 409
    _profile(client, heads)
    interest = client.post(f"/api/v1/roles/{role['id']}/interest", headers=heads["p"])
    assert interest.status_code == 201 and interest.get_json()["interest"] is True
    assert client.post(f"/api/v1/roles/{role['id']}/interest", headers=heads["p"]).status_code == 409
    mine = client.get("/api/v1/matches", headers=heads["p"]).get_json()
    assert [m["role_id"] for m in mine["items"]] == [role["id"]]
    assert client.post(f"/api/v1/roles/{role['id']}/interest", headers=heads["o1"]).status_code == 403


def test_coordinator_verifies_a_level(client, heads):
    me = _profile(client, heads)
    url = f"/api/v1/professionals/{me['id']}/skills/strategy.dx-strategy/verification"
    assert client.put(url, headers=heads["p"], json={"verified": True}).status_code == 403
    verified = client.put(url, headers=heads["c"], json={"verified": True})
    assert verified.status_code == 200
    assert {s["skill"]: s["verified"] for s in verified.get_json()["skills"]}["strategy.dx-strategy"] is True
    not_held = client.put(f"/api/v1/professionals/{me['id']}/skills/data.bi/verification", headers=heads["c"],
                          json={"verified": True})
    assert not_held.status_code == 422


def test_cookie_sessions_work_for_talent_writes_with_csrf(cookie_api, professional, client):
    session_client, token = cookie_api(professional)
    assert session_client.put("/api/v1/professionals/me", json=PROFILE).status_code == 400  # no CSRF header
    saved = session_client.put("/api/v1/professionals/me", json=PROFILE, headers={"X-CSRFToken": token})
    assert saved.status_code == 200 and saved.get_json()["name"] == PROFILE["name"]
    assert session_client.get("/api/v1/roles").status_code == 200


def test_the_coordinators_working_note_is_read_by_coordinators_only(client, heads):
    me = _profile(client, heads)
    role = _role(client, heads)
    match = client.post(f"/api/v1/roles/{role['id']}/candidates", headers=heads["c"],
                        json={"professional_id": me["id"]}).get_json()
    step = f"/api/v1/matches/{match['id']}/transitions"
    noted = client.post(step, headers=heads["c"], json={"action": "introduce", "version": match["version"],
                                                        "note": "salary expectations high; check with HR"})
    assert noted.status_code == 200 and noted.get_json()["note"] == "salary expectations high; check with HR"
    url = f"/api/v1/matches/{match['id']}"
    assert client.get(url, headers=heads["p"]).get_json()["note"] == ""
    assert client.get(url, headers=heads["c"]).get_json()["note"] == "salary expectations high; check with HR"
