"""Dashboard figures, aggregated in SQL: each figure is one to three GROUP BY queries whatever the number of
rows (no per-row loading), optionally scoped to one municipality (what an officer sees). Rows come back as
plain dicts; `charts.py` turns them into charts and tables.
"""
from __future__ import annotations

from sqlalchemy import distinct, func, select

from govtech.accounts.models import User
from govtech.core.audit import AuditEvent
from govtech.core.models import AREAS, Category, Municipality, Skill, SkillCategory
from govtech.extensions import db
from govtech.procurement.models import AWARDED_STATES, JOINED, JointTender, Participation, ProcurementRequest
from govtech.talent.models import Match, Professional, ProfessionalSkill, Role, RoleRequirement

LEVELS = (1, 2, 3, 4)
FUNNEL = ("suggested", "shortlisted", "introduced", "interviewing", "appointed")
ENDED = ("declined", "withdrawn", "rejected")


def _savings_base(*columns):
    """Joined participations of awarded tenders that have their share allocated (the savings ledger)."""
    return (select(*columns).select_from(Participation)
            .join(JointTender, JointTender.id == Participation.tender_id)
            .where(JointTender.state.in_(AWARDED_STATES), Participation.allocated_jpy.is_not(None),
                   Participation.status.in_(JOINED)))


def _sums():
    def total(column):
        return func.coalesce(func.sum(column), 0)

    return (func.count(distinct(JointTender.id)), total(Participation.standalone_jpy),
            total(Participation.allocated_jpy), total(Participation.savings_jpy))


def _money(key, n, alone, paid, saved) -> dict:
    return {"key": key, "tenders": n, "standalone_jpy": int(alone), "allocated_jpy": int(paid),
            "savings_jpy": int(saved)}


def savings_by_year(municipality_id: int | None = None) -> list[dict]:
    """Buying alone, paid jointly and saved per fiscal year, oldest first."""
    stmt = _savings_base(JointTender.fiscal_year, *_sums()).group_by(JointTender.fiscal_year).order_by(
        JointTender.fiscal_year)
    if municipality_id:
        stmt = stmt.where(Participation.municipality_id == municipality_id)
    return [_money(*row) for row in db.session.execute(stmt)]


def savings_by_municipality() -> list[dict]:
    """The same sums per municipality, largest savings first (`key` is the Municipality)."""
    stmt = (_savings_base(Municipality, *_sums()).join(Municipality, Municipality.id == Participation.municipality_id)
            .group_by(Municipality.id).order_by(func.sum(Participation.savings_jpy).desc(), Municipality.code))
    return [_money(*row) for row in db.session.execute(stmt)]


def savings_by_category(municipality_id: int | None = None) -> list[dict]:
    """The same sums per procurement category, largest savings first (`key` is the Category)."""
    stmt = (_savings_base(Category, *_sums()).join(Category, Category.id == JointTender.category_id)
            .group_by(Category.id).order_by(func.sum(Participation.savings_jpy).desc(), Category.code))
    if municipality_id:
        stmt = stmt.where(Participation.municipality_id == municipality_id)
    return [_money(*row) for row in db.session.execute(stmt)]


def participation_by_area() -> list[dict]:
    """Per area (wards, Tama, islands): municipalities, how many filed a request, how many joined a tender,
    and the number of participations. Three grouped queries."""
    total = dict(db.session.execute(select(Municipality.area, func.count()).group_by(Municipality.area)).all())
    filed = dict(db.session.execute(
        select(Municipality.area, func.count(distinct(ProcurementRequest.municipality_id)))
        .join(ProcurementRequest, ProcurementRequest.municipality_id == Municipality.id)
        .where(ProcurementRequest.state != "draft").group_by(Municipality.area)).all())
    joined = {area: (m, n) for area, m, n in db.session.execute(
        select(Municipality.area, func.count(distinct(Participation.municipality_id)), func.count(Participation.id))
        .join(Participation, Participation.municipality_id == Municipality.id)
        .where(Participation.status.in_(JOINED)).group_by(Municipality.area))}
    return [{"area": area, "municipalities": total.get(area, 0), "filed": filed.get(area, 0),
             "joined": joined.get(area, (0, 0))[0], "participations": joined.get(area, (0, 0))[1]}
            for area in AREAS]


def participation_by_municipality() -> list[dict]:
    """All 62 municipalities with the number of tenders each joined (0 included), by area then code."""
    joined = func.count(Participation.id)
    stmt = (select(Municipality, joined)
            .outerjoin(Participation, (Participation.municipality_id == Municipality.id)
                       & Participation.status.in_(JOINED))
            .group_by(Municipality.id).order_by(Municipality.code))
    return [{"municipality": m, "joined": n} for m, n in db.session.execute(stmt)]


def skill_heatmap(municipality_id: int | None = None) -> list[dict]:
    """Per skill category and level 1–4: supply (consenting professionals whose best skill in the category
    reaches the level) against demand (open roles needing a skill of the category at exactly that level)."""
    best = (select(ProfessionalSkill.professional_id, Skill.category_id,
                   func.max(ProfessionalSkill.level).label("level"))
            .join(Skill, Skill.id == ProfessionalSkill.skill_id)
            .join(Professional, Professional.id == ProfessionalSkill.professional_id)
            .where(Professional.consent_to_introduce.is_(True), ProfessionalSkill.level > 0, Skill.active.is_(True))
            .group_by(ProfessionalSkill.professional_id, Skill.category_id).subquery())
    supply: dict[tuple[int, int], int] = {(c, lvl): n for c, lvl, n in db.session.execute(
        select(best.c.category_id, best.c.level, func.count()).group_by(best.c.category_id, best.c.level))}
    demand_stmt = (select(Skill.category_id, RoleRequirement.min_level, func.count(distinct(Role.id)))
                   .join(Role, Role.id == RoleRequirement.role_id).join(Skill, Skill.id == RoleRequirement.skill_id)
                   .where(Role.state == "open").group_by(Skill.category_id, RoleRequirement.min_level))
    if municipality_id:
        demand_stmt = demand_stmt.where(Role.municipality_id == municipality_id)
    demand = {(c, lvl): n for c, lvl, n in db.session.execute(demand_stmt)}
    rows = []
    for category in db.session.scalars(select(SkillCategory).order_by(SkillCategory.position)):
        cells = []
        for level in LEVELS:
            at_least = sum(supply.get((category.id, lvl), 0) for lvl in LEVELS if lvl >= level)
            cells.append({"level": level, "supply": at_least, "demand": demand.get((category.id, level), 0)})
        rows.append({"category": category, "cells": cells})
    return rows


def funnel(municipality_id: int | None = None) -> dict:
    """How far matches got: suggested → shortlisted → introduced → interviewing → appointed, and how many ended.

    A match that ended (declined, withdrawn, not selected) counts up to the last stage it certainly reached:
    introduced when the professional was asked for consent, else suggested.
    """
    asked = Match.professional_consent.is_not(None)
    stmt = select(Match.status, asked, func.count(Match.id)).group_by(Match.status, asked)
    if municipality_id:
        stmt = stmt.join(Role, Role.id == Match.role_id).where(Role.municipality_id == municipality_id)
    reached = dict.fromkeys(FUNNEL, 0)
    ended = dict.fromkeys(ENDED, 0)
    for status, was_asked, n in db.session.execute(stmt):
        if status in ENDED:
            ended[status] += n
            stage = "introduced" if was_asked else "suggested"
        else:
            stage = status
        for name in FUNNEL[:FUNNEL.index(stage) + 1]:
            reached[name] += n
    return {"reached": reached, "ended": ended}


def role_counts(municipality_id: int | None = None) -> dict[str, int]:
    """Roles per state (open, filled, closed)."""
    stmt = select(Role.state, func.count()).group_by(Role.state)
    if municipality_id:
        stmt = stmt.where(Role.municipality_id == municipality_id)
    return dict(db.session.execute(stmt).all())


def users_by_role() -> dict[str, dict[str, int]]:
    """Active and inactive accounts per role."""
    out: dict[str, dict[str, int]] = {}
    for role, active, n in db.session.execute(select(User.role, User.active, func.count()).group_by(User.role,
                                                                                                    User.active)):
        out.setdefault(role, {"active": 0, "inactive": 0})["active" if active else "inactive"] += n
    return out


def reference_counts() -> dict[str, int]:
    """Sizes of the reference data admins look after (one query)."""
    def count(model, *where):
        return select(func.count()).select_from(model).where(*where).scalar_subquery()

    row = db.session.execute(select(count(Municipality), count(Category, Category.active.is_(True)),
                                    count(SkillCategory), count(Skill, Skill.active.is_(True)))).one()
    return dict(zip(("municipalities", "categories", "skill_categories", "skills"), row, strict=True))


def recent_events(limit: int = 8) -> list[AuditEvent]:
    """The newest audit entries."""
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)))
