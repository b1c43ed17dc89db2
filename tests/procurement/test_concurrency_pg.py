"""Concurrent 手挙げ on PostgreSQL: many simultaneous joins for one municipality make exactly one
participation (row lock on the tender, and the unique constraint even without the lock); no join after the
deadline."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from govtech.core.models import Municipality, utcnow
from govtech.extensions import db
from govtech.procurement import participation, tenders
from govtech.procurement.errors import AlreadyJoined, TenderClosed
from govtech.procurement.models import JointTender, Participation
from tests.conftest import make_test_app
from tests.procurement.builders import make_tender

pytestmark = pytest.mark.postgres
THREADS = 8


@pytest.fixture()
def pg_app(pg_url):
    """The app on a fresh PostgreSQL database, migrated, with one tender open for participation."""
    from govtech.cli import init_db

    app = make_test_app(pg_url)
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        init_db()
        tender = make_tender(codes=("13307", "13112"), quantities=(10, 300), budgets=(600_000, 15_000_000))
        app.config["TEST_TENDER_ID"] = tender.id
        db.session.remove()
        yield app
        db.session.remove()
        db.engine.dispose()


def _race(app, code: str) -> list[str]:
    """THREADS threads, each in its own app context and session, join at the same moment."""
    tender_id = app.config["TEST_TENDER_ID"]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def worker():
        with app.app_context():
            municipality = db.session.scalar(select(Municipality).where(Municipality.code == code))
            barrier.wait()
            try:
                participation.join_tender(actor=None, tender_id=tender_id, municipality=municipality, quantity=7,
                                    budget_ceiling_jpy=1_000_000)
                db.session.commit()
                outcomes.append("joined")
            except AlreadyJoined:
                db.session.rollback()
                outcomes.append("already")
            except TenderClosed:
                db.session.rollback()
                outcomes.append("closed")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def _rows(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Participation.id)).join(Municipality).where(
            Participation.tender_id == app.config["TEST_TENDER_ID"], Municipality.code == code))


@pytest.mark.parametrize("code", ["13101", "13307"], ids=["new-row", "offered-row"])
def test_simultaneous_joins_make_exactly_one_participation(pg_app, code):
    outcomes = _race(pg_app, code)
    assert sorted(outcomes) == ["already"] * (THREADS - 1) + ["joined"]
    assert _rows(pg_app, code) == 1


def test_unique_constraint_holds_even_without_the_row_lock(pg_app, monkeypatch):
    def no_lock(tender_id):  # what a careless caller would do: read without FOR UPDATE
        return db.session.get(JointTender, tender_id)

    monkeypatch.setattr(tenders, "lock_tender", no_lock)
    outcomes = _race(pg_app, "13101")
    assert outcomes.count("joined") == 1 and outcomes.count("already") == THREADS - 1
    assert _rows(pg_app, "13101") == 1


def test_no_join_after_the_deadline(pg_app):
    with pg_app.app_context():
        tender = db.session.get(JointTender, pg_app.config["TEST_TENDER_ID"])
        tender.survey_deadline = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert _race(pg_app, "13101") == ["closed"] * THREADS
    assert _rows(pg_app, "13101") == 0
