"""seed-demo: realistic requests from 15+ municipalities, tenders in several states, one awarded with an exact
split and active contracts; running it twice changes nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from govtech.extensions import db
from govtech.procurement.models import JointTender, Participation, ProcurementRequest


def _counts():
    return (db.session.scalar(select(func.count(ProcurementRequest.id))),
            db.session.scalar(select(func.count(JointTender.id))),
            db.session.scalar(select(func.count(Participation.id))))


def test_seed_demo_builds_a_realistic_story_once(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    first = _counts()
    municipalities = db.session.scalar(select(func.count(func.distinct(ProcurementRequest.municipality_id))))
    assert municipalities >= 15
    states = set(db.session.scalars(select(JointTender.state)))
    assert {"survey_open", "tendering", "spec_drafting", "active", "failed"} <= states
    active = db.session.scalar(select(JointTender).where(JointTender.state == "active"))
    assert len(active.bids) >= 3 and active.award is not None
    members = [p for p in active.participations if p.status == "contracted"]
    assert len(members) >= 3
    assert sum(p.allocated_jpy for p in members) == active.award.total_jpy
    assert all(p.savings_jpy > 0 for p in members)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert _counts() == first
