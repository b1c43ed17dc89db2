"""API fixtures: users with personal tokens, bearer headers, a cookie client with its CSRF token."""
from __future__ import annotations

import pytest


@pytest.fixture()
def token_for(app):
    """token_for(user) -> a fresh personal token secret for that user."""
    from govtech.api import tokens
    from govtech.extensions import db

    def build(user, name: str = "test") -> str:
        _token, secret = tokens.create_token(user=user, name=name)
        db.session.commit()
        return secret

    return build


def bearer(secret: str) -> dict:
    """The Authorization header of a token."""
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture()
def officer(make_user):
    return make_user(role="officer", municipality="13307")  # 檜原村


@pytest.fixture()
def officer2(make_user):
    return make_user(role="officer", municipality="13112")  # 世田谷区


@pytest.fixture()
def coordinator(make_user):
    return make_user(role="coordinator")


@pytest.fixture()
def professional(make_user):
    return make_user(role="professional")


@pytest.fixture()
def cookie_api(client, login_as):
    """cookie_api(user) -> (client signed in with the session cookie, its CSRF token from /api/v1/me)."""
    def sign_in(user):
        login_as(user)
        token = client.get("/api/v1/me").get_json()["csrf_token"]
        return client, token
    return sign_in


DEMO_EMAILS = {"officer": "officer.hinohara@demo.govtech.tokyo", "officer2": "officer.setagaya@demo.govtech.tokyo",
               "coordinator": "coordinator@demo.govtech.tokyo", "professional": "pro@demo.govtech.tokyo",
               "admin": "admin@demo.govtech.tokyo"}


@pytest.fixture(scope="session")
def demo_db(template_db, tmp_path_factory):
    """A migrated database with the demo data of every feature (seed-demo), built once per session."""
    import shutil

    from govtech.extensions import db
    from tests.conftest import make_test_app

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copy(template_db, path)
    app = make_test_app(f"sqlite:///{path}")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
    return path


@pytest.fixture()
def demo_app(demo_db, tmp_path):
    """The app on a private copy of the demo database."""
    from tests.conftest import app_on_copy

    yield from app_on_copy(demo_db, tmp_path / "demo.sqlite3")


@pytest.fixture()
def demo_users(demo_app):
    """The demo accounts by key."""
    from sqlalchemy import select

    from govtech.accounts.models import User
    from govtech.extensions import db

    return {key: db.session.scalar(select(User).where(User.email == email)) for key, email in DEMO_EMAILS.items()}


@pytest.fixture()
def demo_tokens(demo_users):
    """Bearer headers of the demo accounts by key (officer = 檜原村, officer2 = 世田谷区, coordinator, …)."""
    from govtech.api import tokens
    from govtech.extensions import db

    headers = {}
    for key, user in demo_users.items():
        _token, secret = tokens.create_token(user=user, name=f"{key} test")
        headers[key] = bearer(secret)
    db.session.commit()
    return headers
