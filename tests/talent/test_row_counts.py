"""The pool page's total comes from the kept row count (core/row_counts.py): it must equal count(*) after every
kind of write — ORM and bulk inserts, deletes, rolled-back writes, TRUNCATE — on SQLite and PostgreSQL, and
fall back to counting when no count is kept."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, func, insert, select, text

from govtech.core.models import RowCount
from govtech.extensions import db
from govtech.talent import queries
from govtech.talent.models import Professional


def _rows(n: int, prefix: str) -> list[dict]:
    return [{"external_id": f"{prefix}-{i}", "name": f"Bulk {i}", "email": f"{prefix}{i}@example.jp",
             "days_per_week": 2.0, "work_style": "remote", "public_sector_years": 0, "bio": "",
             "consent_to_introduce": i % 2 == 0} for i in range(n)]


def _kept() -> int | None:
    return db.session.scalar(select(RowCount.n).where(RowCount.table_name == "professional"))


def _assert_exact() -> int:
    counted = db.session.scalar(select(func.count()).select_from(Professional))
    assert _kept() == counted
    assert queries.professionals_page(page=1, per_page=10, with_skills=False).total == counted
    return counted


def test_kept_count_follows_every_write(app, make_professional):
    assert _assert_exact() == 0
    make_professional()
    make_professional()
    assert _assert_exact() == 2
    db.session.execute(insert(Professional), _rows(30, "B"))
    db.session.commit()
    assert _assert_exact() == 32
    db.session.execute(insert(Professional), _rows(5, "R"))
    db.session.rollback()  # a write that is rolled back counts nothing
    assert _assert_exact() == 32
    db.session.delete(db.session.scalar(select(Professional).where(Professional.external_id == "B-0")))
    db.session.commit()
    assert _assert_exact() == 31
    db.session.execute(delete(Professional).where(Professional.external_id.like("B-1%")))
    db.session.commit()
    assert _assert_exact() == 20


def test_filtered_totals_are_counted(app):
    db.session.execute(insert(Professional), _rows(30, "F"))
    db.session.commit()
    page = queries.professionals_page(page=2, per_page=10, consenting=True, with_skills=False)
    assert page.total == 15 and len(page.items) == 5


def test_page_past_the_end_and_missing_count(app):
    db.session.execute(insert(Professional), _rows(12, "M"))
    db.session.commit()
    assert queries.professionals_page(page=9, per_page=10, with_skills=False).total == 12
    db.session.execute(delete(RowCount))  # no kept count (triggers not installed): counted instead
    db.session.commit()
    assert queries.professionals_page(page=1, per_page=10, with_skills=False).total == 12


def test_pool_page_shows_the_total(app, client, make_user, login_as):
    db.session.execute(insert(Professional), _rows(60, "P"))
    db.session.commit()
    login_as(make_user(role="coordinator"))
    html = client.get("/talent/professionals").get_data(as_text=True)
    assert "60" in html.split('class="pagination"', 1)[1]


@pytest.mark.postgres
def test_kept_count_on_postgresql(pg_url):
    from govtech.cli import init_db
    from tests.conftest import make_test_app

    app = make_test_app(pg_url)
    with app.app_context(), app.test_request_context():
        init_db()
        assert _assert_exact() == 0
        db.session.execute(insert(Professional), _rows(1200, "G"))
        db.session.commit()
        assert _assert_exact() == 1200
        db.session.execute(delete(Professional).where(Professional.external_id.like("G-1%")))
        db.session.commit()
        remaining = _assert_exact()
        assert remaining < 1200
        init_db()  # installing again keeps the count exact
        assert _assert_exact() == remaining
        db.session.execute(text("TRUNCATE professional CASCADE"))
        db.session.commit()
        assert _assert_exact() == 0
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres
def test_concurrent_writers_settle_an_exact_count(pg_url):
    """Two transactions insert at once: the second waits for the first to commit, each commit settles the count
    of everything committed, and readers never see a count that differs from count(*)."""
    import threading

    from govtech.cli import init_db
    from tests.conftest import make_test_app

    app = make_test_app(pg_url)
    with app.app_context():
        init_db()
        engine = db.engine
        first = engine.connect()
        first.execute(insert(Professional), _rows(7, "T1"))
        done = threading.Event()

        def second_writer():
            with engine.begin() as conn:
                conn.execute(insert(Professional), _rows(5, "T2"))
            done.set()

        thread = threading.Thread(target=second_writer)
        thread.start()
        assert not done.wait(0.5)  # waits for the first writer
        with engine.connect() as reader:  # neither has committed: nothing counted yet
            assert reader.execute(select(RowCount.n).where(RowCount.table_name == "professional")).scalar() == 0
        first.commit()
        first.close()
        thread.join(10)
        assert done.is_set()
        with engine.connect() as reader:
            kept = reader.execute(select(RowCount.n).where(RowCount.table_name == "professional")).scalar()
            assert kept == reader.execute(select(func.count()).select_from(Professional)).scalar() == 12
        db.session.remove()
        engine.dispose()


def test_roles_are_counted_by_the_kept_count_too(app, people, make_role):
    """The coordinators' unfiltered roles list reads the kept count of `role`; an officer's list (own
    municipality) and filtered lists count; both equal count(*) after inserts and deletes."""
    from govtech.talent.models import Role

    def kept_roles():
        return db.session.scalar(select(RowCount.n).where(RowCount.table_name == "role"))

    roles = [make_role(title=f"募集{i}") for i in range(3)] + [make_role(title="世田谷", municipality="13112")]
    db.session.commit()
    assert kept_roles() == 4
    db.session.delete(roles[0])
    db.session.commit()
    counted = db.session.scalar(select(func.count()).select_from(Role))
    assert kept_roles() == counted == 3
    coordinator, officer = people["coordinator"], people["officer"]
    assert queries.roles_rows(user=coordinator, page=1, per_page=2).total == 3
    assert queries.roles_page(user=coordinator, page=1, per_page=2).total == 3
    assert queries.roles_rows(user=officer, page=1, per_page=2).total == 2  # 檜原村's own
    assert queries.roles_rows(user=coordinator, page=1, per_page=2, q="世田谷").total == 1
    db.session.execute(text("UPDATE row_count SET n = 99 WHERE table_name = 'role'"))
    assert queries.roles_rows(user=coordinator, page=1, per_page=2).total == 99  # read, not counted
    db.session.rollback()
