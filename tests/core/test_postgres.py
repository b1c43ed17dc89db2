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


def test_read_only_requests_keep_prepared_statements_and_writes_are_still_rolled_back(pg_url):
    """A GET that only read ends with COMMIT (core.web.end_read_only_transaction): psycopg keeps the statements
    it prepared, where a ROLLBACK makes it DEALLOCATE ALL, so PostgreSQL stops planning them on every request.
    A GET that flushed a write without committing it is still rolled back, and so is every other method."""
    from govtech.accounts import services
    from govtech.accounts.models import User
    from govtech.core.web import end_read_only_transaction
    from tests.conftest import PASSWORD, login

    app = make_test_app(pg_url)
    with app.app_context():
        init_db()
        services.create_user(email="coord@example.jp", password=PASSWORD, role="coordinator",
                             municipality=None, display_name="coord")
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    login(client, "coord@example.jp")
    for _ in range(8):  # psycopg prepares a statement at its fifth execution on a connection
        assert client.get("/procurement/tenders").status_code == 200
    with app.app_context():
        prepared = db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
        db.session.remove()
    assert prepared > 0

    update = text("UPDATE \"user\" SET display_name = 'after' WHERE email = 'coord@example.jp'")
    for method, write in (("GET", None), ("GET", "flush"), ("GET", "statement"), ("POST", None)):
        with app.test_request_context("/", method=method):
            user = db.session.scalar(db.select(User).where(User.email == "coord@example.jp"))
            if write == "flush":
                user.display_name = "after"
                db.session.flush()
            elif write == "statement":
                db.session.execute(update)
            end_read_only_transaction(None)
            committed = not db.session().in_transaction()
            db.session.remove()  # what Flask-SQLAlchemy does next: roll back what is left
        with app.app_context():
            name = db.session.scalar(text("SELECT display_name FROM \"user\" WHERE email = 'coord@example.jp'"))
            db.session.remove()
        assert name == "coord", (method, write)  # nothing written without a commit is ever kept
        assert committed == (method == "GET" and write is None), (method, write)
    with app.app_context():
        db.engine.dispose()


def test_a_bulk_import_leaves_fresh_planner_statistics(pg_url, tmp_path, monkeypatch):
    """core.statistics: the tables a large import filled are analysed at its commit (reltuples is -1 until a
    table is first analysed or vacuumed); a failed import, or one under BULK_ROWS rows, analyses nothing."""
    from govtech.core import statistics
    from tests.talent.test_cli import PROS, ROLES

    app = make_test_app(pg_url)
    with app.app_context():
        init_db()
        db.session.remove()

    def tuples(table):
        with app.app_context():
            value = db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = :t"), {"t": table})
            db.session.remove()
            return value

    runner = app.test_cli_runner()
    (tmp_path / "r.csv").write_text(ROLES, encoding="utf-8")
    assert runner.invoke(args=["talent", "import-roles", str(tmp_path / "r.csv")]).exit_code == 0
    assert tuples("role") == -1  # two rows: left to autovacuum
    monkeypatch.setattr(statistics, "BULK_ROWS", 3)
    (tmp_path / "bad.csv").write_text(PROS + "P9,x,x@example.jp,no.such-skill:3,1,,remote,,0,\n", encoding="utf-8")
    assert runner.invoke(args=["talent", "import-professionals", str(tmp_path / "bad.csv")]).exit_code != 0
    assert tuples("professional") == -1
    (tmp_path / "p.csv").write_text(PROS, encoding="utf-8")
    result = runner.invoke(args=["talent", "import-professionals", str(tmp_path / "p.csv")])
    assert result.exit_code == 0, result.output
    assert tuples("professional") == 4 and tuples("professional_skill") == 6
    with app.app_context():
        db.engine.dispose()
