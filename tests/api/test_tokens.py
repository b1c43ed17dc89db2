"""Personal API tokens: the page creates one (shown once) and revokes it; only a hash is stored; a token acts as
its user on /api/ only; token calls skip CSRF, cookie calls that write need the X-CSRFToken header."""
from __future__ import annotations

import re

from sqlalchemy import select

from govtech.api import tokens
from govtech.api.models import ApiToken
from govtech.core.audit import AuditEvent
from govtech.extensions import db
from tests.api.conftest import bearer
from tests.conftest import csrf_token

NEW_REQUEST = {"category": "office-license", "title": "Zoom licences", "quantity": 10, "unit": "licences",
               "budget_jpy": 300000, "fiscal_year": 2026}


def _create_on_page(client, name="nightly export"):
    token = csrf_token(client, "/account/tokens")
    response = client.post("/account/tokens", data={"name": name, "csrf_token": token})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    match = re.search(r'id="new-token-value" type="text" readonly value="(gtt_[^"]+)"', html)
    assert match, html[:2000]
    return match.group(1)


def test_token_page_creates_a_token_shown_once_and_stores_only_its_hash(client, login_as, officer):
    login_as(officer)
    secret = _create_on_page(client)
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == officer.id))
    assert row.token_hash == tokens.digest(secret) and secret not in (row.token_hash, row.prefix)
    assert secret.startswith(row.prefix) and row.name == "nightly export"
    again = client.get("/account/tokens").get_data(as_text=True)
    assert secret not in again and row.prefix in again  # the list shows the prefix, never the secret
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api_token.create")) is not None


def test_token_acts_as_its_user_and_revoking_it_ends_access(client, login_as, officer):
    login_as(officer)
    secret = _create_on_page(client)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account/tokens")})
    anonymous = client.application.test_client()
    me = anonymous.get("/api/v1/me", headers=bearer(secret))
    assert me.status_code == 200
    assert me.get_json()["id"] == officer.id and me.get_json()["auth"] == "token"
    assert me.get_json()["csrf_token"] is None

    login_as(officer)
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == officer.id))
    client.post(f"/account/tokens/{row.id}/revoke", data={"csrf_token": csrf_token(client, "/account/tokens")})
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).revoked_at is not None
    denied = anonymous.get("/api/v1/me", headers=bearer(secret))
    assert denied.status_code == 401
    assert denied.get_json() == {"error": "unauthorized", "message": denied.get_json()["message"], "fields": {}}


def test_one_cannot_revoke_someone_elses_token(client, login_as, officer, officer2, token_for):
    secret = token_for(officer2)
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == officer2.id))
    login_as(officer)
    client.post(f"/account/tokens/{row.id}/revoke", data={"csrf_token": csrf_token(client, "/account/tokens")})
    assert client.application.test_client().get("/api/v1/me", headers=bearer(secret)).status_code == 200


def test_bad_tokens_and_disabled_users_get_401(client, officer, token_for):
    secret = token_for(officer)
    for header in ("Bearer gtt_not-a-token", "Bearer ", "Basic abc", f"Bearer {secret}x", "Bearer " + "x" * 500):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.get_json()["error"] == "unauthorized"
    officer.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_token_only_opens_the_api_not_the_pages(client, officer, token_for):
    secret = token_for(officer)
    assert client.get("/procurement/requests", headers=bearer(secret)).status_code == 302  # to the login page


def test_last_used_is_recorded(client, officer, token_for):
    secret = token_for(officer)
    client.get("/api/v1/me", headers=bearer(secret))
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at).where(ApiToken.user_id == officer.id)) is not None


def test_token_writes_need_no_csrf(client, officer, token_for):
    response = client.post("/api/v1/requests", headers=bearer(token_for(officer)), json=NEW_REQUEST)
    assert response.status_code == 201, response.get_json()


def test_cookie_writes_need_the_csrf_header(cookie_api, officer):
    client, token = cookie_api(officer)
    refused = client.post("/api/v1/requests", json=NEW_REQUEST)
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "csrf_failed" and refused.get_json()["fields"] == {}
    wrong = client.post("/api/v1/requests", json=NEW_REQUEST, headers={"X-CSRFToken": "forged"})
    assert wrong.status_code == 400
    accepted = client.post("/api/v1/requests", json=NEW_REQUEST, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201, accepted.get_json()
    assert client.get("/api/v1/me").get_json()["auth"] == "session"


def test_cookie_reads_need_no_csrf(cookie_api, coordinator):
    client, _token = cookie_api(coordinator)
    assert client.get("/api/v1/tenders").status_code == 200


def test_token_limit_and_name_are_checked(officer):
    import pytest

    from govtech.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        tokens.create_token(user=officer, name="  ")
    for n in range(tokens.MAX_ACTIVE):
        tokens.create_token(user=officer, name=f"t{n}")
    with pytest.raises(ValidationFailed):
        tokens.create_token(user=officer, name="one too many")
