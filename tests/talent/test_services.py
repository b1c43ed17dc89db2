"""Profile and role services: validation, verification, stale edits, state changes."""
from __future__ import annotations

import pytest

from govtech.core.errors import Conflict, InvalidTransition, ValidationFailed
from govtech.extensions import db
from govtech.talent import services
from govtech.talent.models import Professional


def _profile(**over):
    data = {"name": "山田 太郎", "email": "t@example.jp", "days_per_week": 2.0, "available_from": None,
            "work_style": "hybrid", "regions": ["wards"], "public_sector_years": 3, "bio": "自治体DX",
            "consent_to_introduce": True}
    return {**data, **over}


def test_profile_is_created_on_first_save_and_levels_saved(people, skill_ids):
    user = people["professional"]
    assert services.profile_for(user, create=False) is None
    pro = services.profile_for(user)
    services.save_profile(professional=pro, data=_profile(), actor=user,
                          levels={skill_ids["data.bi"]: 3, skill_ids["data.ebpm"]: 0})
    db.session.commit()
    pro = db.session.get(Professional, pro.id)
    assert pro.external_id == f"P-WEB-{pro.id}" and pro.regions == ["wards"]
    assert {(s.skill.code, s.level) for s in pro.skills} == {("data.bi", 3)}
    assert services.profile_completeness(pro) < 100


def test_changing_a_verified_level_removes_verification(make_professional, people, skill_ids):
    pro = make_professional(skills={"data.bi": 3})
    services.verify_skill(professional=pro, skill_id=skill_ids["data.bi"], verified=True, actor=people["coordinator"])
    db.session.commit()
    assert pro.skills[0].verified and pro.skills[0].verified_by_id == people["coordinator"].id
    services.set_levels(pro, {skill_ids["data.bi"]: 3})
    assert pro.skills[0].verified  # unchanged level keeps it
    services.set_levels(pro, {skill_ids["data.bi"]: 2})
    assert not pro.skills[0].verified


def test_profile_rules(people):
    pro = services.profile_for(people["professional"])
    with pytest.raises(ValidationFailed) as err:
        services.save_profile(professional=pro, data=_profile(regions=[], days_per_week=6), levels={},
                              actor=people["professional"])
    assert set(err.value.fields) == {"regions", "days_per_week"}


def test_role_rules_and_stale_edit(people, skill_ids):
    officer = people["officer"]
    data = {"title": "CIO補佐官", "description": "助言", "days_per_week": 1.0, "start_date": None,
            "work_style": "hybrid", "positions": 1}
    with pytest.raises(ValidationFailed) as err:
        services.create_role(municipality=officer.municipality, data=data, requirements=[], actor=officer)
    assert "requirements" in err.value.fields
    dup = [(skill_ids["data.bi"], 2, "must"), (skill_ids["data.bi"], 3, "bonus")]
    with pytest.raises(ValidationFailed):
        services.create_role(municipality=officer.municipality, data=data, requirements=dup, actor=officer)
    role = services.create_role(municipality=officer.municipality, data=data, actor=officer,
                                requirements=[(skill_ids["data.bi"], 2, "must")])
    db.session.commit()
    assert role.external_id == f"R-WEB-{role.id}" and role.state == "open"
    seen = role.version
    services.update_role(role=role, data={**data, "positions": 2}, actor=officer, expected_version=seen,
                         requirements=[(skill_ids["data.bi"], 3, "important"), (skill_ids["data.ebpm"], 1, "bonus")])
    db.session.commit()
    assert role.positions == 2 and {(r.skill_id, r.min_level) for r in role.requirements} == {
        (skill_ids["data.bi"], 3), (skill_ids["data.ebpm"], 1)}
    with pytest.raises(Conflict):
        services.update_role(role=role, data=data, requirements=[(skill_ids["data.bi"], 2, "must")], actor=officer,
                             expected_version=seen)


def test_close_and_reopen(make_role, people):
    role = make_role()
    services.set_role_state(role=role, state="closed", actor=people["officer"])
    assert role.state == "closed"
    with pytest.raises(InvalidTransition):
        services.set_role_state(role=role, state="closed", actor=people["officer"])
    services.set_role_state(role=role, state="open", actor=people["officer"])
    assert role.state == "open"
