"""The schema comes from the migrations on PostgreSQL too, and init-db is idempotent there."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from govtech.cli import init_db
from govtech.extensions import db
from tests.conftest import make_test_app

pytestmark = pytest.mark.postgres


def test_migrations_and_init_db_on_postgresql(pg_url):
    app = make_test_app(pg_url)
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        first = init_db()
        second = init_db()  # safe to run twice
        assert first == second == {"municipalities": 62, "categories": 15, "skills": 42}
        tables = set(inspect(db.engine).get_table_names())
        assert {"alembic_version", "municipality", "user", "audit_event", "skill"} <= tables
        version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version
        db.session.remove()
        db.engine.dispose()


def test_database_constraints_hold_on_postgresql(pg_url):
    from sqlalchemy.exc import IntegrityError

    from govtech.accounts.models import User

    app = make_test_app(pg_url)
    with app.app_context():
        init_db()
        db.session.add(User(email="x@example.jp", password_hash="x", role="officer", municipality_id=None))
        with pytest.raises(IntegrityError):  # an officer without a municipality is refused by the database
            db.session.commit()
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def test_create_user_command_on_postgresql(pg_url):
    app = make_test_app(pg_url)
    with app.app_context():
        init_db()
    result = app.test_cli_runner().invoke(
        args=["create-user", "officer@vill.example.jp", "--role", "officer", "--municipality", "檜原村"],
        input="a long enough password\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        from govtech.accounts.models import User
        user = db.session.query(User).filter_by(email="officer@vill.example.jp").one()
        assert user.municipality.code == "13307"
        db.session.remove()
        db.engine.dispose()
