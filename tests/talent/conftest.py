"""Builders for talent tests: professionals, roles, matches (no shared global data)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from govtech.core.models import Municipality, Skill
from govtech.extensions import db
from govtech.talent import matrices


@pytest.fixture(autouse=True)
def _fresh_pool_cache():
    """The pool scorer is cached per process: each test starts without it."""
    matrices.clear_cache()
    yield
    matrices.clear_cache()


@pytest.fixture()
def skill_ids(app) -> dict[str, int]:
    """Skill code -> id."""
    return dict(db.session.execute(select(Skill.code, Skill.id)).all())


@pytest.fixture()
def make_professional(app, skill_ids):
    """make_professional(skills={"data.bi": 3}, days=2, work_style="remote", regions=(), user=None, …)."""
    from govtech.talent.models import Professional, ProfessionalSkill

    counter = {"n": 0}

    def build(skills=None, days=2.0, work_style="onsite", regions=("wards", "tama", "islands"), user=None,
              consent=True, bio="", years=0, available_from=None, name=None, external_id=None):
        counter["n"] += 1
        n = counter["n"]
        p = Professional(user_id=getattr(user, "id", None), external_id=external_id or (None if user else f"T-P-{n}"),
                         name=name or f"Pro {n}", email=f"pro{n}@example.jp", days_per_week=days,
                         work_style=work_style, public_sector_years=years, bio=bio, consent_to_introduce=consent,
                         available_from=available_from or date.today() - timedelta(days=1))
        p.set_regions(regions)
        for code, level in (skills or {}).items():
            p.skills.append(ProfessionalSkill(skill_id=skill_ids[code], level=level))
        db.session.add(p)
        db.session.commit()
        return p

    return build


@pytest.fixture()
def make_role(app, skill_ids):
    """make_role(reqs=[("data.bi", 3, "must")], municipality="13307", days=1, work_style="remote", …)."""
    from govtech.talent.models import Role, RoleRequirement

    counter = {"n": 0}

    def build(reqs=(("data.analysis", 3, "must"), ("data.bi", 2, "important")), municipality="13307", days=1.0,
              work_style="remote", positions=1, state="open", title=None, description="", start=None):
        counter["n"] += 1
        muni = db.session.scalar(select(Municipality).where(Municipality.code == municipality))
        role = Role(municipality_id=muni.id, external_id=f"T-R-{counter['n']}", title=title or f"Role {counter['n']}",
                    description=description, days_per_week=days, work_style=work_style, positions=positions,
                    state=state, start_date=start or date.today() + timedelta(days=30))
        for code, level, weight in reqs:
            role.requirements.append(RoleRequirement(skill_id=skill_ids[code], min_level=level, weight=weight))
        db.session.add(role)
        db.session.commit()
        return role

    return build


@pytest.fixture()
def people(make_user):
    """One user per role: coordinator, officer (檜原村), other officer (世田谷区), professional, admin."""
    return {"coordinator": make_user(role="coordinator"), "officer": make_user(role="officer", municipality="13307"),
            "officer2": make_user(role="officer", municipality="13112"), "professional": make_user(role="professional"),
            "admin": make_user(role="admin")}


@pytest.fixture()
def introduced(people, make_professional, make_role):
    """A role of 檜原村 and the signed-in professional introduced to it and accepted: (role, match)."""
    from govtech.talent import workflow

    role = make_role()
    pro = make_professional(skills={"data.analysis": 3, "data.bi": 2}, user=people["professional"])
    match = workflow.consider(role=role, professional=pro, actor=people["coordinator"])
    workflow.transition(match_id=match.id, action="introduce", actor=people["coordinator"],
                        expected_version=match.version)
    db.session.commit()
    return role, match


def step(match, action, actor):
    """Take a workflow step with the current version and commit."""
    from govtech.talent import workflow

    db.session.refresh(match)
    result = workflow.transition(match_id=match.id, action=action, actor=actor, expected_version=match.version)
    db.session.commit()
    return result
