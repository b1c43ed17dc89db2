"""Concurrent 手挙げ on PostgreSQL: 50 simultaneous joins for one municipality make exactly one participation
(row lock on the tender, and the unique constraint even without the lock); no join after the deadline. A
control test removes both guards and shows that the same race then makes duplicates, so the tests above can
fail."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from govtech.core.models import Municipality, utcnow
from govtech.extensions import db
from govtech.procurement import participation, tenders
from govtech.procurement.errors import AlreadyJoined, TenderClosed
from govtech.procurement.models import JointTender, Participation
from tests.conftest import make_test_app
from tests.procurement.builders import make_tender

pytestmark = pytest.mark.postgres
THREADS = 50  # issue #7: "50 threads joining one tender → no duplicate participation"
WAIT = 30  # seconds a thread waits for the others at a barrier before the race counts as broken
# Every thread holds its own session (and connection) at the start line, plus the fixture's: the default pool
# (5 + 10 overflow) would leave 35 threads waiting for a connection. The test cluster allows 120 connections.
ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": THREADS + 2, "max_overflow": 0, "pool_timeout": WAIT}


@pytest.fixture()
def pg_app(pg_url):
    """The app on a fresh PostgreSQL database, migrated, with one tender open for participation."""
    from govtech.cli import init_db

    app = make_test_app(pg_url, SQLALCHEMY_ENGINE_OPTIONS=ENGINE_OPTIONS)
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        max_connections = int(db.session.scalar(text("SHOW max_connections")))
        assert max_connections >= THREADS + 10, f"the server allows {max_connections} connections"
        init_db()
        tender = make_tender(codes=("13307", "13112"), quantities=(10, 300), budgets=(600_000, 15_000_000))
        app.config["TEST_TENDER_ID"] = tender.id
        db.session.remove()
        yield app
        db.session.remove()
        db.engine.dispose()


def _race(app, code: str) -> list[str]:
    """THREADS threads, each in its own app context, session and connection, join at the same moment."""
    tender_id = app.config["TEST_TENDER_ID"]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker():
        with app.app_context():
            try:
                municipality = db.session.scalar(select(Municipality).where(Municipality.code == code))
                barrier.wait(timeout=WAIT)  # every thread holds an open transaction here: 50 sessions at once
                participation.join_tender(actor=None, tender_id=tender_id, municipality=municipality, quantity=7,
                                          budget_ceiling_jpy=1_000_000)
                db.session.commit()
                outcome = "joined"
            except AlreadyJoined:
                outcome = "already"
            except TenderClosed:
                outcome = "closed"
            except Exception as exc:  # noqa: BLE001 - reported in the assertion instead of lost in a thread
                outcome = f"error: {exc!r}"[:300]
            finally:
                db.session.rollback()
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=worker, name=f"join-{n}") for n in range(THREADS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=2 * WAIT)
    assert not any(t.is_alive() for t in threads), "a joining thread hangs"
    assert len(outcomes) == THREADS
    assert time.monotonic() - started < 2 * WAIT
    return outcomes


def _rows(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Participation.id)).join(Municipality).where(
            Participation.tender_id == app.config["TEST_TENDER_ID"], Municipality.code == code))


def _without_row_lock(monkeypatch) -> None:
    def no_lock(tender_id):  # what a careless caller would do: read without FOR UPDATE
        return db.session.get(JointTender, tender_id)

    monkeypatch.setattr(tenders, "lock_tender", no_lock)


def _all_read_before_anyone_writes(monkeypatch) -> None:
    """Without the lock, make the worst interleaving certain: every thread has read "not joined yet" before
    any of them inserts (instead of hoping the scheduler produces it)."""
    barrier = threading.Barrier(THREADS)
    read = participation._participation

    def read_then_wait(tender, municipality_id):
        found = read(tender, municipality_id)
        barrier.wait(timeout=WAIT)
        return found

    monkeypatch.setattr(participation, "_participation", read_then_wait)


@pytest.mark.parametrize("code", ["13101", "13307"], ids=["new-row", "offered-row"])
def test_simultaneous_joins_make_exactly_one_participation(pg_app, code):
    outcomes = _race(pg_app, code)
    assert sorted(outcomes) == ["already"] * (THREADS - 1) + ["joined"]
    assert _rows(pg_app, code) == 1


def test_unique_constraint_holds_even_without_the_row_lock(pg_app, monkeypatch):
    _without_row_lock(monkeypatch)
    _all_read_before_anyone_writes(monkeypatch)  # so all 49 losers really reach the INSERT
    outcomes = _race(pg_app, "13101")
    assert sorted(outcomes) == ["already"] * (THREADS - 1) + ["joined"]
    assert _rows(pg_app, "13101") == 1


@pytest.mark.parametrize("interleaving", ["forced", "scheduler"])
def test_without_lock_and_constraint_the_race_makes_duplicates(pg_app, monkeypatch, interleaving):
    """Control: with both guards removed the same race makes several participations, so the tests above
    would fail. "scheduler" relies on the 50 threads alone, as the real test does."""
    with pg_app.app_context():
        db.session.execute(text("ALTER TABLE participation DROP CONSTRAINT uq_participation_tender_municipality"))
        db.session.commit()
    _without_row_lock(monkeypatch)
    if interleaving == "forced":
        _all_read_before_anyone_writes(monkeypatch)
    outcomes = _race(pg_app, "13101")
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    joined = outcomes.count("joined")
    assert joined > 1 and _rows(pg_app, "13101") == joined, outcomes
    if interleaving == "forced":
        assert joined == THREADS


def test_no_join_after_the_deadline(pg_app):
    with pg_app.app_context():
        tender = db.session.get(JointTender, pg_app.config["TEST_TENDER_ID"])
        tender.survey_deadline = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert _race(pg_app, "13101") == ["closed"] * THREADS
    assert _rows(pg_app, "13101") == 0
