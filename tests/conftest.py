"""Shared fixtures: app/client/runner from create_app(TestingConfig), builders, sign-in helper, PostgreSQL.

Every test gets its own SQLite file copied from a template that was migrated once per session, so tests
are isolated and fast while the schema still comes only from the migrations.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.support.postgres import PostgresCluster

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PASSWORD = "correct-horse-battery"


def require(condition: bool, reason: str) -> None:
    """Skip locally when a real component is missing; in CI a missing component is a failure."""
    if condition:
        return
    if CI:
        pytest.fail(f"CI=true and {reason}: install it (see .ci/run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """A SQLite file migrated to head with the reference data, built once per session."""
    from govtech.cli import init_db
    from govtech.extensions import db

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    app = make_test_app(f"sqlite:///{path}")
    with app.app_context():
        init_db()
        db.engine.dispose()
    return path


def _config_dict(cls) -> dict:
    return {k: getattr(cls, k) for k in dir(cls) if k.isupper()}


def make_test_app(db_uri: str, **overrides):
    """create_app(TestingConfig) bound to a database URI."""
    from govtech.config import TestingConfig
    from govtech.factory import create_app

    return create_app({**_config_dict(TestingConfig), "SQLALCHEMY_DATABASE_URI": db_uri,
                       "SECRET_KEY": "test-secret-key", **overrides})


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context (own `g`, own db session), as in production,
    even though the test body holds an app context for builders and queries."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def app_on_copy(source, path):
    """Generator for fixtures: the app, its context pushed, on a private copy `path` of database `source`."""
    shutil.copy(source, path)
    app = make_test_app(f"sqlite:///{path}", POOL_STORE_DIR=str(Path(path).parent / "pool-store"))
    app.test_client_class = FreshContextClient
    with app.app_context():
        yield app
        from govtech.extensions import db
        db.session.remove()
        db.engine.dispose()


@pytest.fixture()
def app(template_db, tmp_path):
    """The app on a private copy of the migrated database."""
    yield from app_on_copy(template_db, tmp_path / "test.sqlite3")


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture()
def make_user(app):
    """Builder: make_user(role="officer", municipality="13307") -> User (password PASSWORD)."""
    from govtech.accounts import services
    from govtech.extensions import db

    counter = {"n": 0}

    def build(role: str = "officer", municipality: str | None = None, email: str | None = None, **kwargs):
        counter["n"] += 1
        muni = None
        if role == "officer":
            muni = services.find_municipality(municipality or "13307")
        user = services.create_user(email=email or f"{role}{counter['n']}@example.jp", password=PASSWORD,
                                    role=role, municipality=muni, display_name=f"{role} {counter['n']}",
                                    consent=role == "professional", **kwargs)
        db.session.commit()
        return user

    return build


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    """Fetch a page and read its CSRF token."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, user_or_email, password: str = PASSWORD):
    """Sign in through the real form (CSRF included); returns the response."""
    email = getattr(user_or_email, "email", user_or_email)
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture()
def login_as(client):
    """login_as(user) signs the test client in."""
    def do(user):
        response = login(client, user)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client
    return do


@pytest.fixture(scope="session")
def postgres_cluster(tmp_path_factory):
    """A throwaway PostgreSQL cluster on a Unix socket (initdb runs as a non-root user)."""
    cluster = PostgresCluster(tmp_path_factory.mktemp("pg"))
    require(cluster.available(), "PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture()
def pg_url(postgres_cluster, request):
    """A fresh, empty database in the cluster for one test."""
    name = "t_" + re.sub(r"\W", "_", request.node.name.lower())[:40] + f"_{os.getpid()}"
    return postgres_cluster.create_database(name)
