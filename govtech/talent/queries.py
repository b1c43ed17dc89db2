"""Talent reads: role lists, pipelines, the pool, introductions, supply vs demand, home-panel figures."""
from __future__ import annotations

from functools import cache, lru_cache

from sqlalchemy import String, bindparam, case, cast, func, or_, select
from sqlalchemy.orm import selectinload

from govtech.core.jobs import Job
from govtech.core.models import Municipality, Skill, SkillCategory
from govtech.core.pagination import counted, paginate
from govtech.core.row_counts import total_of
from govtech.extensions import db
from govtech.talent.models import (
    ACTIVE_MATCH_STATES,
    Match,
    Professional,
    ProfessionalSkill,
    Role,
    RoleRequirement,
)
from govtech.talent.vocab import PIPELINE_STATES

PRO_SORTS = {"name": Professional.name, "days": Professional.days_per_week, "style": Professional.work_style,
             "updated": Professional.updated_at}
SORTS = {"title": Role.title, "start": Role.start_date, "created": Role.created_at, "state": Role.state}


def skill_map() -> list[SkillCategory]:
    """Skill categories with their active skills, in map order."""
    return list(db.session.scalars(select(SkillCategory).options(selectinload(SkillCategory.skills))
                                   .order_by(SkillCategory.position)))


def skills() -> list[Skill]:
    """Every active skill, in map order."""
    return list(db.session.scalars(select(Skill).where(Skill.active.is_(True)).order_by(Skill.position)))


def roles_page(*, user, page: int, per_page: int, state: str | None = None, q: str | None = None,
               municipality_id: int | None = None, sort: str | None = None, with_requirements: bool = True):
    """Roles an officer (own municipality) or a coordinator (all) may list, filtered and sorted (the API; the
    list page reads the same rows as plain values, `roles_rows`).

    `with_requirements=False` for lists that show none (the API lists them)."""
    params, order = _roles_params(user, state, q, municipality_id, sort)
    return paginate(_roles_statements(with_requirements, frozenset(params), order), params, page=page,
                    per_page=per_page)


def _roles_params(user, state, q, municipality_id, sort) -> tuple[dict, tuple[str, bool]]:
    """The bound values of roles_page's filters (an officer's own municipality only) and its order."""
    params = {name: value for name, value in (("state", state), ("like", f"%{q}%" if q else None)) if value}
    if user.role == "officer":
        params["municipality_id"] = user.municipality_id
    elif municipality_id:
        params["municipality_id"] = municipality_id
    key = (sort or "").lstrip("-")
    return params, (key if key in SORTS else "created", (sort or "-").startswith("-"))


def _roles_filtered(stmt, filters: frozenset, order: tuple[str, bool]):
    """A select of roles with the filters of one shape (values bound at execution), in the list's order."""
    if "municipality_id" in filters:
        stmt = stmt.where(Role.municipality_id == bindparam("municipality_id"))
    if "state" in filters:
        stmt = stmt.where(Role.state == bindparam("state"))
    if "like" in filters:
        stmt = stmt.where(or_(Role.title.ilike(bindparam("like")), Role.external_id.ilike(bindparam("like"))))
    column = SORTS[order[0]]
    return stmt.order_by(column.desc() if order[1] else column.asc(), Role.id.desc())


@lru_cache(maxsize=64)
def _roles_statements(with_requirements: bool, filters: frozenset, order: tuple[str, bool]):
    """roles_page's statements for one shape of filters, their values bound at execution."""
    stmt = select(Role)
    if with_requirements:
        stmt = stmt.options(selectinload(Role.requirements))
    return counted(_roles_filtered(stmt, filters, order), total=None if filters else total_of(Role.__table__))


def roles_rows(*, user, page: int, per_page: int, state: str | None = None, q: str | None = None,
               municipality_id: int | None = None, sort: str | None = None):
    """roles_page for the list page, as plain rows with the total, in one statement (no ORM objects, no
    separate count or pipeline-count query): the ids of the page's roles (`items`) and per role, in `extra`,
    (title, external id, municipality name_ja, name_en, days per week, work style, start date, state,
    positions, pipeline counts), the last its numbers of matches in each vocab.PIPELINE_STATES as text
    "n:n:n:n" (`pipeline_counts`)."""
    params, order = _roles_params(user, state, q, municipality_id, sort)
    return paginate(_roles_rows_statements(frozenset(params), order), params, page=page, per_page=per_page)


def pipeline_counts(text: str) -> dict[str, int]:
    """A roles_rows pipeline counts text as {state: count} (all four states)."""
    return dict(zip(PIPELINE_STATES, map(int, text.split(":")), strict=True))


@lru_cache(maxsize=64)
def _roles_rows_statements(filters: frozenset, order: tuple[str, bool]):
    """roles_rows' statements for one shape of filters: the roles' ids, filtered and sorted, counted without
    the municipality (joined for the names only); the pipeline counts from one subquery correlated per row
    of the page (the database evaluates it for those rows only)."""
    filtered = _roles_filtered(select(Role.id), filters, order)
    # Without a filter (coordinators) the total is the table's, kept by triggers (core/row_counts.py).
    total = total_of(Role.__table__) if not filters else (
        select(func.count()).select_from(filtered.order_by(None).subquery()).scalar_subquery())
    counts = [cast(func.count(case((Match.status == status, 1))), String) for status in PIPELINE_STATES]
    text = counts[0]
    for count in counts[1:]:
        text = text + ":" + count
    pipeline = (select(text).where(Match.role_id == Role.id, Match.status.in_(PIPELINE_STATES))
                .correlate(Role).scalar_subquery())
    rows = filtered.outerjoin(Municipality, Municipality.id == Role.municipality_id)
    return counted(rows, (Role.title, Role.external_id, Municipality.name_ja, Municipality.name_en,
                          Role.days_per_week, Role.work_style, Role.start_date, Role.state, Role.positions, pipeline),
                   total=total)


def role(role_id: int) -> Role | None:
    """A role with its requirements."""
    return db.session.scalar(select(Role).where(Role.id == role_id).options(selectinload(Role.requirements)))


def pipeline(role_id: int) -> list[Match]:
    """Every match of a role with its professional (coordinators' view)."""
    return list(db.session.scalars(select(Match).where(Match.role_id == role_id)
                                   .options(selectinload(Match.professional))
                                   .order_by(Match.status, Match.score.desc().nulls_last(), Match.id)))


def introduced(role_id: int) -> list[Match]:
    """Matches of a role the municipality's officers may see (introduced and accepted)."""
    return [m for m in pipeline(role_id) if m.visible_to_municipality]


def match(match_id: int) -> Match | None:
    """One match with its role and professional (and the professional's skills)."""
    return db.session.scalar(select(Match).where(Match.id == match_id).options(
        selectinload(Match.professional).selectinload(Professional.skills)))


def match_history(match_id: int) -> list:
    """The audit entries of one match, oldest first (who took which step, when)."""
    from govtech.core.audit import AuditEvent

    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "match",
                                                            AuditEvent.object_id == str(match_id))
                                   .order_by(AuditEvent.id)))


def my_matches(professional_id: int) -> list[Match]:
    """A professional's matches, most recent first."""
    return list(db.session.scalars(select(Match).where(Match.professional_id == professional_id)
                                   .order_by(Match.updated_at.desc())))


def open_roles() -> list[Role]:
    """Every open role with its requirements."""
    return list(db.session.scalars(select(Role).where(Role.state == "open")
                                   .options(selectinload(Role.requirements)).order_by(Role.id)))


def professionals_page(*, page: int, per_page: int, q: str | None = None, skill_id: int | None = None,
                       min_level: int = 1, consenting: bool | None = None, sort: str | None = None,
                       with_skills: bool = True):
    """The pool for coordinators: search by name, email, external id or bio; filter by a skill level; sort (the
    API; the list page reads the same rows as plain values, `professionals_rows`).

    `with_skills=False`: without their skill levels."""
    params, order = _professionals_params(q, skill_id, min_level, consenting, sort)
    return paginate(_professionals_statements(with_skills, frozenset(params), order), params, page=page,
                    per_page=per_page)


def _professionals_params(q, skill_id, min_level, consenting, sort) -> tuple[dict, tuple[str | None, bool]]:
    """The bound values of professionals_page's filters and its order."""
    params = {"like": f"%{q}%"} if q else {}
    if skill_id:
        params.update(skill_id=skill_id, min_level=min_level)
    if consenting is not None:
        params["consenting"] = consenting
    key = (sort or "").lstrip("-")
    return params, (key if key in PRO_SORTS else None, (sort or "").startswith("-"))


@lru_cache(maxsize=64)
def _professionals_statements(with_skills: bool, filters: frozenset, order: tuple[str | None, bool]):
    """professionals_page's statements for one shape of filters, their values bound at execution."""
    stmt = select(Professional)
    if with_skills:
        stmt = stmt.options(selectinload(Professional.skills))
    return _professionals_counted(stmt, filters, order)


def _professionals_counted(stmt, filters: frozenset, order: tuple[str | None, bool], columns=()):
    """counted() of a select of professionals with the filters of one shape, in the list's order."""
    if "like" in filters:
        like = bindparam("like")
        stmt = stmt.where(or_(Professional.name.ilike(like), Professional.email.ilike(like),
                              Professional.external_id.ilike(like), Professional.bio.ilike(like)))
    if "skill_id" in filters:
        stmt = stmt.where(Professional.id.in_(select(ProfessionalSkill.professional_id).where(
            ProfessionalSkill.skill_id == bindparam("skill_id"), ProfessionalSkill.level >= bindparam("min_level"))))
    if "consenting" in filters:
        stmt = stmt.where(Professional.consent_to_introduce == bindparam("consenting"))
    column = PRO_SORTS[order[0]] if order[0] else Professional.id
    # Without a filter the total is the table's, kept by triggers (core/row_counts.py) instead of counted.
    total = None if filters else total_of(Professional.__table__)
    return counted(stmt.order_by(column.desc() if order[1] else column.asc(), Professional.id), columns,
                   total=total)


TOP_SKILLS = 4  # skills shown per professional on the pool page


def professionals_rows(*, page: int, per_page: int, q: str | None = None, skill_id: int | None = None,
                       min_level: int = 1, consenting: bool | None = None, sort: str | None = None):
    """professionals_page for the list page, as plain rows: the ids of the page's professionals (`items`) and
    per professional, in `extra`, (name, external id, days per week, work style, consent, top skills), with the
    total, in one statement. Top skills: the TOP_SKILLS highest levels (ties: lower skill id first),
    picked by the database, as text "skill id:level:verified (1/0),…" in no guaranteed order (NULL: none). No
    ORM objects, none of the columns the page does not show, no second query for the skill rows."""
    params, order = _professionals_params(q, skill_id, min_level, consenting, sort)
    return paginate(_professionals_rows_statements(frozenset(params), order), params, page=page,
                    per_page=per_page)


@lru_cache(maxsize=64)
def _professionals_rows_statements(filters: frozenset, order: tuple[str | None, bool]):
    """professionals_rows' statements for one shape of filters (the top skills correlated per row of the page)."""
    ps = ProfessionalSkill
    top = (select(ps.skill_id, ps.level, ps.verified)
           .where(ps.professional_id == Professional.id, ps.level > 0)
           .order_by(ps.level.desc(), ps.skill_id).limit(TOP_SKILLS).correlate(Professional).subquery())
    text = (cast(top.c.skill_id, String) + ":" + cast(top.c.level, String) + ":"
            + case((top.c.verified, "1"), else_="0"))
    top_text = select(func.aggregate_strings(text, ",")).correlate(Professional).scalar_subquery()
    return _professionals_counted(select(Professional.id), filters, order,
                                  (Professional.name, Professional.external_id, Professional.days_per_week,
                                   Professional.work_style, Professional.consent_to_introduce, top_text))


def skill_names(locale: str) -> tuple[list[tuple[int, str]], dict[int, str]]:
    """(id, name) of the active skills in map order, and every skill's name by id (inactive ones too: old
    profiles may hold them), from one query of plain rows: the pool page's filter and its rows' skills."""
    every = db.session.execute(_skill_names_statement(locale == "en")).all()
    return [(sid, label) for sid, label, active in every if active], {sid: label for sid, label, _a in every}


def skill_labels(locale: str) -> dict[int, str]:
    """Every skill's name (inactive ones too: old profiles may hold them) by id."""
    name = Skill.name_en if locale == "en" else Skill.name_ja
    return dict(db.session.execute(select(Skill.id, name)).all())


# Statements of the list pages built once per process, their values bound at execution: building a statement
# and its cache key cost more than running these small ones.
@cache
def _skill_names_statement(english: bool):
    return select(Skill.id, Skill.name_en if english else Skill.name_ja, Skill.active).order_by(Skill.position)


def professional(professional_id: int) -> Professional | None:
    """A professional with skills."""
    return db.session.scalar(select(Professional).where(Professional.id == professional_id)
                             .options(selectinload(Professional.skills)))


def professionals_by_id(ids, *, with_skills: bool = True) -> dict[int, Professional]:
    """Professionals by id, loaded in one query (with their skill levels unless with_skills=False)."""
    ids = list(ids)
    if not ids:
        return {}
    stmt = select(Professional).where(Professional.id.in_(ids))
    rows = db.session.scalars(stmt.options(selectinload(Professional.skills)) if with_skills else stmt)
    return {p.id: p for p in rows}


def roles_by_id(ids) -> dict[int, Role]:
    """Roles by id, loaded in one query."""
    ids = list(ids)
    return {r.id: r for r in db.session.scalars(select(Role).where(Role.id.in_(ids)))} if ids else {}


def computed_plan(job_id: int | None = None) -> dict | None:
    """A finished pool-wide plan (that job's, else the newest): its pairs still worth proposing (role open,
    professional there, pair not tried since), with their roles and professionals."""
    from govtech.talent.ranking import PLAN_JOB  # ranking loads the scorer; most queries do not need it

    stmt = select(Job).where(Job.kind == PLAN_JOB, Job.status == "done")
    job = db.session.scalar(stmt.where(Job.id == job_id) if job_id else stmt.order_by(Job.id.desc()).limit(1))
    if job is None:
        return None
    rows = (job.result or {}).get("pairs", [])
    roles, people = roles_by_id({r for r, _p, _s in rows}), professionals_by_id({p for _r, p, _s in rows})
    tried = {tuple(row) for row in db.session.execute(select(Match.role_id, Match.professional_id).where(
        Match.role_id.in_(list(roles))))} if roles else set()
    pairs = [{"role_id": r, "professional_id": p, "score": s} for r, p, s in rows
             if r in roles and roles[r].state == "open" and p in people and (r, p) not in tried]
    return {"job": job, "pairs": pairs, "roles": roles, "people": people, "max": (job.result or {}).get("max", 2)}


def supply_and_demand() -> list[dict]:
    """Per skill: open roles needing it (by weight, highest level asked) vs consenting professionals by level."""
    demand: dict[int, dict] = {}
    for sid, weight, level, n in db.session.execute(
            select(RoleRequirement.skill_id, RoleRequirement.weight, RoleRequirement.min_level, func.count())
            .join(Role, Role.id == RoleRequirement.role_id).where(Role.state == "open")
            .group_by(RoleRequirement.skill_id, RoleRequirement.weight, RoleRequirement.min_level)):
        d = demand.setdefault(sid, {"must": 0, "important": 0, "bonus": 0, "roles": 0, "levels": []})
        d[weight] += n
        d["roles"] += n
        d["levels"] += [level] * n
    supply: dict[int, list[int]] = {}
    for sid, level, n in db.session.execute(
            select(ProfessionalSkill.skill_id, ProfessionalSkill.level, func.count())
            .join(Professional, Professional.id == ProfessionalSkill.professional_id)
            .where(Professional.consent_to_introduce.is_(True), ProfessionalSkill.level > 0)
            .group_by(ProfessionalSkill.skill_id, ProfessionalSkill.level)):
        supply.setdefault(sid, [0, 0, 0, 0, 0])[level] += n
    rows = []
    for skill in skills():
        d = demand.get(skill.id, {"must": 0, "important": 0, "bonus": 0, "roles": 0, "levels": []})
        by_level = supply.get(skill.id, [0] * 5)
        at_least = [sum(by_level[lvl:]) for lvl in range(5)]
        typical = max(d["levels"]) if d["levels"] else 0
        qualified = at_least[typical] if typical else at_least[1]
        rows.append({"skill": skill, "roles": d["roles"], "must": d["must"], "important": d["important"],
                     "bonus": d["bonus"], "level": typical, "by_level": by_level[1:], "qualified": qualified,
                     "ratio": (qualified / d["roles"]) if d["roles"] else None})
    return sorted(rows, key=lambda r: (r["ratio"] if r["ratio"] is not None else 1e9, -r["roles"],
                                       r["skill"].position))


def roles_without_candidates(limit: int = 8) -> list[Role]:
    """Open roles with no active candidate (what a coordinator should look at first)."""
    busy = select(Match.role_id).where(Match.status.in_(ACTIVE_MATCH_STATES + ("appointed",)))
    return list(db.session.scalars(select(Role).where(Role.state == "open", Role.id.not_in(busy))
                                   .order_by(Role.created_at).limit(limit)))


def pending_introductions(professional_id: int) -> list[Match]:
    """Introductions waiting for the professional's answer."""
    return list(db.session.scalars(select(Match).where(
        Match.professional_id == professional_id, Match.status == "introduced",
        Match.professional_consent.is_(None)).order_by(Match.updated_at.desc())))


def officer_summary(municipality_id: int) -> dict:
    """An officer's home panel: open roles and candidates introduced to them."""
    roles = list(db.session.scalars(select(Role).where(Role.municipality_id == municipality_id,
                                                       Role.state == "open").order_by(Role.created_at.desc())))
    candidates = [m for m in db.session.scalars(
        select(Match).join(Role, Role.id == Match.role_id).where(
            Role.municipality_id == municipality_id, Match.professional_consent.is_(True),
            Match.status.in_(("introduced", "interviewing"))).options(selectinload(Match.professional))
        .order_by(Match.updated_at.desc()))]
    return {"roles": roles, "candidates": candidates}
