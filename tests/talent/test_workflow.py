"""The introduction workflow as services: steps, consent, positions, versions, audit (no HTTP)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from govtech.core.audit import AuditEvent
from govtech.core.errors import Conflict, InvalidTransition, NotAllowed
from govtech.extensions import db
from govtech.talent import workflow
from govtech.talent.models import Match
from tests.talent.conftest import step


def test_full_path_to_appointment_is_audited_and_fills_the_role(introduced, people):
    role, match = introduced
    assert match.status == "introduced" and match.professional_consent is None
    step(match, "accept", people["professional"])
    step(match, "interview", people["officer"])
    step(match, "appoint", people["officer"])
    assert match.status == "appointed" and match.decided_by_id == people["officer"].id
    db.session.refresh(role)
    assert role.state == "filled"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "match",
                                                                 AuditEvent.object_id == str(match.id))).all()
    assert actions == ["match.shortlisted", "match.introduce", "match.accept", "match.interview", "match.appoint"]
    last = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "match.appoint"))
    assert last.before_data["status"] == "interviewing" and last.after_data["status"] == "appointed"
    assert "Pro" not in (last.before or "") + (last.after or "")  # ids and states only, never names


def test_officer_cannot_act_before_consent_nor_for_another_municipality(introduced, people):
    _role, match = introduced
    with pytest.raises(NotAllowed):
        step(match, "interview", people["officer"])  # not accepted yet: officers cannot even see it
    db.session.rollback()
    step(match, "accept", people["professional"])
    with pytest.raises(NotAllowed):
        step(match, "interview", people["officer2"])
    db.session.rollback()
    with pytest.raises(NotAllowed):
        step(match, "accept", people["coordinator"])  # the professional has a login: they answer themselves


def test_declining_ends_the_introduction(introduced, people):
    _role, match = introduced
    step(match, "decline", people["professional"])
    assert match.status == "declined" and match.professional_consent is False
    with pytest.raises(InvalidTransition):
        step(match, "accept", people["professional"])


def test_stale_version_is_refused(introduced, people):
    _role, match = introduced
    seen = match.version
    step(match, "accept", people["professional"])
    with pytest.raises(Conflict):
        workflow.transition(match_id=match.id, action="withdraw", actor=people["professional"], expected_version=seen)


def test_positions_are_never_over_filled(make_role, make_professional, people):
    role = make_role(positions=1)
    matches = []
    for _ in range(2):
        pro = make_professional(skills={"data.analysis": 3})
        m = workflow.consider(role=role, professional=pro, actor=people["coordinator"])
        db.session.commit()
        step(m, "introduce", people["coordinator"])
        step(m, "accept", people["coordinator"])  # imported professionals: the coordinator records the answer
        matches.append(m)
    step(matches[0], "appoint", people["coordinator"])
    with pytest.raises(workflow.PositionsFilled):
        step(matches[1], "appoint", people["coordinator"])
    db.session.rollback()
    assert workflow.appointed_count(role.id) == 1


def test_introductions_need_an_open_role_and_consent(make_role, make_professional, people):
    role = make_role()
    pro = make_professional(skills={"data.analysis": 3})
    m = workflow.consider(role=role, professional=pro, actor=people["coordinator"])
    db.session.commit()
    pro.consent_to_introduce = False
    db.session.commit()
    with pytest.raises(InvalidTransition):
        step(m, "introduce", people["coordinator"])
    db.session.rollback()
    with pytest.raises(InvalidTransition):
        workflow.consider(role=role, professional=pro, actor=people["coordinator"])


def test_a_pair_is_considered_once(make_role, make_professional, people):
    role, pro = make_role(), make_professional()
    workflow.consider(role=role, professional=pro, actor=people["coordinator"])
    with pytest.raises(Conflict):
        workflow.consider(role=role, professional=pro, actor=people["coordinator"], status="rejected")
    db.session.rollback()
    assert db.session.query(Match).count() == 1


def test_interest_creates_a_flagged_suggestion_once(make_role, make_professional, people):
    role = make_role()
    pro = make_professional(user=people["professional"])
    m = workflow.express_interest(role=role, professional=pro, actor=people["professional"])
    db.session.commit()
    assert m.status == "suggested" and m.interest and m.origin == "interest"
    with pytest.raises(Conflict):
        workflow.express_interest(role=role, professional=pro, actor=people["professional"])
