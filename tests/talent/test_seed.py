"""Demo data: a realistic pool, roles across municipalities, matches in several states; safe to run twice."""
from __future__ import annotations

from sqlalchemy import func, select

from govtech.demo import seed_users
from govtech.extensions import db
from govtech.talent import services
from govtech.talent.models import Match, Professional, Role
from govtech.talent.seed import seed_talent


def test_seed_is_realistic_and_idempotent(app):
    users = seed_users()
    seed_talent(users)
    db.session.commit()
    counts = (db.session.query(Professional).count(), db.session.query(Role).count(), db.session.query(Match).count())
    assert counts[0] >= 60 and counts[1] >= 10
    assert db.session.scalar(select(func.count(func.distinct(Role.municipality_id)))) >= 10
    states = set(db.session.scalars(select(Match.status)))
    assert {"shortlisted", "introduced", "interviewing", "appointed", "declined", "rejected"} <= states
    demo = services.profile_for(users["professional"], create=False)
    assert services.profile_completeness(demo) == 100
    bios = list(db.session.scalars(select(Professional.bio)))
    assert any(b.isascii() for b in bios) and any(not b.isascii() for b in bios)  # English and Japanese
    seed_talent(seed_users())
    db.session.commit()
    assert (db.session.query(Professional).count(), db.session.query(Role).count(),
            db.session.query(Match).count()) == counts
