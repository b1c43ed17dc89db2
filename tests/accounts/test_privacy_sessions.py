"""Privacy rights (download, delete) and session lifetimes, HSTS behind a proxy, password rehash."""
from __future__ import annotations

import json
import time

from sqlalchemy import select

from govtech.accounts.models import User
from govtech.core.audit import AuditEvent, verify_chain
from govtech.extensions import db
from tests.conftest import PASSWORD, csrf_token, login


def _professional_with_profile(make_user):
    from govtech.talent import services as talent

    user = make_user(role="professional", email="hanako.private@example.jp")
    pro = talent.profile_for(user)
    pro.name, pro.bio = "山田 花子", "自治体で情報セキュリティポリシーを改定しました。"
    db.session.commit()
    return user, pro


def test_download_contains_profile_and_nothing_of_others(app, make_user, login_as):
    user, _pro = _professional_with_profile(make_user)
    make_user(role="professional", email="someone.else@example.jp")
    client = login_as(user)
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "hanako.private@example.jp"
    assert data["profile"]["bio"].startswith("自治体で")
    assert "someone.else" not in response.get_data(as_text=True)


def test_delete_anonymises_and_keeps_the_audit_chain(app, make_user, login_as):
    user, pro = _professional_with_profile(make_user)
    client = login_as(user)
    token = csrf_token(client, "/account/privacy")
    wrong = client.post("/account/delete", data={"password": "not my password", "confirm": "y", "csrf_token": token})
    assert wrong.status_code == 422
    response = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y", "csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert "hanako" not in stored.email and not stored.active
    assert db.session.get(type(pro), pro.id).bio == ""
    texts = " ".join((e.before or "") + (e.after or "") for e in db.session.scalars(select(AuditEvent)))
    assert "hanako" not in texts and "山田" not in texts
    assert verify_chain()["ok"]
    assert client.get("/").status_code == 302  # signed out
    assert login(app.test_client(), "hanako.private@example.jp").status_code == 401


def test_staff_cannot_self_delete(app, make_user, login_as):
    officer = make_user(role="officer")
    client = login_as(officer)
    token = csrf_token(client, "/account/privacy")
    assert client.post("/account/delete", data={"password": PASSWORD, "confirm": "y",
                                                "csrf_token": token}).status_code == 403


def test_idle_and_absolute_timeouts_end_the_session(app, make_user, login_as):
    client = login_as(make_user(role="coordinator"))
    with client.session_transaction() as s:
        s["seen"] = int(time.time()) - app.config["SESSION_IDLE_MINUTES"] * 60 - 5
    assert client.get("/").status_code == 302
    client = login_as(make_user(role="coordinator"))
    with client.session_transaction() as s:
        s["started"] = int(time.time()) - int(app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()) - 5
    assert client.get("/").status_code == 302


def test_hsts_only_over_https_through_a_trusted_proxy(template_db, tmp_path):
    import shutil

    from tests.conftest import make_test_app

    path = tmp_path / "p.sqlite3"
    shutil.copy(template_db, path)
    app = make_test_app(f"sqlite:///{path}", TRUSTED_PROXIES=1)
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_password_hash_is_upgraded_at_login_when_parameters_change(app, make_user):
    user = make_user(role="officer")
    old = user.password_hash
    assert "m=8192" in old  # TestingConfig's cheap parameters
    app.config["ARGON2_MEMORY_COST"] = 16 * 1024
    assert login(app.test_client(), user).status_code == 302
    db.session.expire_all()
    new = db.session.get(User, user.id).password_hash
    assert new != old and "m=16384" in new and new.startswith("$argon2id$")
