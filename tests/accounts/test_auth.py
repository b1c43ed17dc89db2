"""Sign-in, throttling, sessions, registration, password changes."""
from __future__ import annotations

from govtech.accounts.models import LoginAttempt, User
from govtech.extensions import db
from tests.conftest import PASSWORD, csrf_token, login


def test_login_and_logout_end_the_session(client, make_user):
    user = make_user(role="coordinator")
    assert login(client, user).status_code == 302
    assert client.get("/").status_code == 200
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302  # back to the sign-in page


def test_logout_ends_sessions_on_other_devices(app, make_user):
    user = make_user(role="officer")
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    laptop.post("/logout", data={"csrf_token": csrf_token(laptop, "/")})
    assert phone.get("/").status_code == 302


def test_wrong_password_is_rejected_without_saying_which(client, make_user):
    user = make_user(role="officer")
    response = login(client, user, "wrong-password-123")
    assert response.status_code == 401
    assert "メールアドレスまたはパスワードが正しくありません" in response.get_data(as_text=True)


def test_login_is_throttled_per_account(client, make_user, app):
    user = make_user(role="officer")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        assert login(client, user, "wrong-password-123").status_code == 401
    assert login(client, user, PASSWORD).status_code == 429  # even the right password waits
    stored = {a.account_key for a in db.session.query(LoginAttempt)}
    assert user.email not in str(stored)  # only keyed hashes are stored


def test_login_post_without_csrf_is_refused(client, make_user):
    user = make_user(role="officer")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400  # CSRFProtect refuses it before the view runs
    assert client.get("/").status_code == 302


def test_professional_self_registration_records_consent(client):
    token = csrf_token(client, "/register")
    response = client.post("/register", data={
        "display_name": "佐藤 次郎", "email": "Jiro@Example.jp", "password": "a long passphrase",
        "confirm": "a long passphrase", "consent": "y", "csrf_token": token})
    assert response.status_code == 302
    user = db.session.query(User).filter_by(email="jiro@example.jp").one()
    assert user.role == "professional" and user.consent_at is not None
    assert user.password_hash.startswith("$argon2id$")


def test_registration_without_consent_or_short_password_saves_nothing(client):
    token = csrf_token(client, "/register")
    response = client.post("/register", data={
        "display_name": "x", "email": "x@example.jp", "password": "short", "confirm": "short",
        "csrf_token": token})
    assert response.status_code == 200
    assert db.session.query(User).filter_by(email="x@example.jp").count() == 0


def test_password_change_signs_out_other_sessions(app, make_user):
    user = make_user(role="coordinator")
    one, two = app.test_client(), app.test_client()
    login(one, user)
    login(two, user)
    token = csrf_token(one, "/account/password")
    response = one.post("/account/password", data={"current_password": PASSWORD, "new_password": "new passphrase 2026",
                                                   "confirm": "new passphrase 2026", "csrf_token": token})
    assert response.status_code == 302
    assert one.get("/").status_code == 200  # the changing browser keeps a fresh session
    assert two.get("/").status_code == 302
    assert login(app.test_client(), user, "new passphrase 2026").status_code == 302


def test_open_redirect_after_login_is_ignored(client, make_user):
    user = make_user(role="officer")
    token = csrf_token(client, "/login")
    response = client.post("/login?next=https://evil.example/", data={
        "email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_disabled_account_loses_its_session(app, make_user, login_as):
    admin = make_user(role="admin")
    victim = make_user(role="officer")
    other = app.test_client()
    login(other, victim)
    client = login_as(admin)
    token = csrf_token(client, "/admin/users")
    assert client.post(f"/admin/users/{victim.id}/active", data={"csrf_token": token}).status_code == 302
    assert other.get("/").status_code == 302
    assert login(app.test_client(), victim).status_code == 401


def test_admin_creates_officer_with_municipality(client, make_user, login_as):
    admin = make_user(role="admin")
    login_as(admin)
    token = csrf_token(client, "/admin/users/new")
    from govtech.accounts.services import find_municipality
    muni = find_municipality("檜原村")
    response = client.post("/admin/users/new", data={
        "display_name": "檜原 太郎", "email": "taro@vill.hinohara.example", "role": "officer",
        "municipality": str(muni.id), "password": "initial passphrase", "csrf_token": token})
    assert response.status_code == 302
    assert db.session.query(User).filter_by(email="taro@vill.hinohara.example").one().municipality_id == muni.id
