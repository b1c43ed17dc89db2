"""The one place where database rows become the scorer's arrays (ProfessionalArrays, RoleArrays).

Everything is loaded in bulk (one query per table, never one per professional) so that the whole pool of
50,000 professionals turns into arrays in about a second. The fitted scorer is cached per process and keyed
on a cheap fingerprint of the pool, so pages reuse it until a profile or the active model changes.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date

import numpy as np
from flask import current_app
from sqlalchemy import event, func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from govtech.core.models import Municipality, Skill
from govtech.extensions import db
from govtech.scoring.arrays import AREAS, WORK_STYLES, ProfessionalArrays, RoleArrays, days_since_epoch
from govtech.talent.models import Professional, ProfessionalSkill, Role, RoleRequirement

WEIGHT_CODES = {"bonus": 1, "important": 2, "must": 3}


@dataclass(frozen=True)
class SkillColumns:
    """The skill map as scorer columns: codes in column order and database id -> column."""

    codes: tuple[str, ...]
    ids: tuple[int, ...]

    @property
    def index(self) -> dict[int, int]:
        return {skill_id: col for col, skill_id in enumerate(self.ids)}


def skill_columns() -> SkillColumns:
    """Every skill of the map (ordered by id, so columns stay stable when admins add skills)."""
    rows = db.session.execute(select(Skill.id, Skill.code).order_by(Skill.id)).all()
    return SkillColumns(codes=tuple(r.code for r in rows), ids=tuple(r.id for r in rows))


def _ws_codes(values) -> np.ndarray:
    table = {ws: i for i, ws in enumerate(WORK_STYLES)}
    return np.array([table[v] for v in values], dtype=np.int8)


def _prof_filter(stmt, consenting_only: bool, only_ids):
    if consenting_only:
        stmt = stmt.where(Professional.consent_to_introduce.is_(True))
    if only_ids is not None:
        stmt = stmt.where(Professional.id.in_(list(only_ids)))
    return stmt


def _core_rows(stmt):
    """Rows of a column select through Core (the ORM's per-row loading is not needed for plain columns)."""
    db.session.flush()  # what the ORM's autoflush would have done
    return db.session.connection().execute(stmt).all()


def _int_matrix(stmt) -> np.ndarray:
    """(rows, columns) int64 of a select of integer (or boolean) columns, read straight from the DBAPI cursor:
    Row objects and the Boolean result processor cost seconds at 900,000 skill rows."""
    db.session.flush()
    result = db.session.connection().execute(stmt)
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    return np.array(rows, dtype=np.int64).reshape(len(rows), len(stmt.selected_columns))


def pool_arrays(columns: SkillColumns, *, consenting_only: bool = True, only_ids=None) -> ProfessionalArrays:
    """Professionals as arrays in id order: by default the pool (those who agreed to introductions)."""
    rows = _core_rows(_prof_filter(select(
        Professional.id, Professional.days_per_week, Professional.available_from, Professional.work_style,
        Professional.onsite_wards, Professional.onsite_tama, Professional.onsite_islands,
        Professional.public_sector_years, Professional.bio), consenting_only, only_ids)
        .order_by(Professional.id))
    ids = np.array([r.id for r in rows], dtype=np.int64)
    levels = np.zeros((len(rows), len(columns.ids)), dtype=np.int8)
    verified = np.zeros_like(levels, dtype=bool)
    data = _int_matrix(_prof_filter(select(
        ProfessionalSkill.professional_id, ProfessionalSkill.skill_id, ProfessionalSkill.level,
        ProfessionalSkill.verified).join(Professional, Professional.id == ProfessionalSkill.professional_id)
        .where(ProfessionalSkill.level > 0), consenting_only, only_ids))
    if len(data) and len(ids):
        col_of = np.full(max(columns.ids) + 1, -1, dtype=np.int64)
        col_of[list(columns.ids)] = np.arange(len(columns.ids))
        row = np.searchsorted(ids, data[:, 0])
        ok = (row < len(ids)) & (ids[np.minimum(row, len(ids) - 1)] == data[:, 0]) & (data[:, 1] < len(col_of))
        col = col_of[np.where(ok, data[:, 1], 0)]
        ok &= col >= 0
        levels[row[ok], col[ok]] = data[ok, 2]
        verified[row[ok], col[ok]] = data[ok, 3].astype(bool)
    return ProfessionalArrays(
        ids=ids, levels=levels, verified=verified,
        days=[r.days_per_week for r in rows],
        available_from=[days_since_epoch(r.available_from) for r in rows],
        work_style=_ws_codes([r.work_style for r in rows]),
        regions=np.array([(r.onsite_wards, r.onsite_tama, r.onsite_islands) for r in rows],
                         dtype=bool).reshape(len(rows), len(AREAS)),
        public_years=[r.public_sector_years for r in rows],
        bios=[r.bio for r in rows])


def role_arrays(roles: list[Role], columns: SkillColumns, today: date | None = None) -> RoleArrays:
    """Arrays for these roles. Requirements and areas already loaded with a role (the suggestion page's role)
    are used as they are; the others are read in one query each, never one per role."""
    role_ids = [r.id for r in roles]
    req_level = np.zeros((len(roles), len(columns.ids)), dtype=np.int8)
    req_weight = np.zeros_like(req_level)
    position = {rid: i for i, rid in enumerate(role_ids)}
    index = columns.index
    unloaded = [sa_inspect(r).unloaded for r in roles]
    requirements = [(r.id, q.skill_id, q.min_level, q.weight)
                    for r, u in zip(roles, unloaded, strict=True) if "requirements" not in u for q in r.requirements]
    missing = [r.id for r, u in zip(roles, unloaded, strict=True) if "requirements" in u]
    if missing:
        requirements += db.session.execute(select(
            RoleRequirement.role_id, RoleRequirement.skill_id, RoleRequirement.min_level,
            RoleRequirement.weight).where(RoleRequirement.role_id.in_(missing))).all()
    for rid, sid, level, weight in requirements:
        if sid in index:
            req_level[position[rid], index[sid]] = level
            req_weight[position[rid], index[sid]] = WEIGHT_CODES[weight]
    areas = {r.municipality_id: r.municipality.area for r, u in zip(roles, unloaded, strict=True)
             if "municipality" not in u and r.municipality is not None}
    if any(r.municipality_id not in areas for r in roles):
        areas = dict(db.session.execute(select(Municipality.id, Municipality.area)).all())
    fallback = days_since_epoch(today or date.today())
    return RoleArrays(
        ids=role_ids, req_level=req_level, req_weight=req_weight,
        days=[r.days_per_week for r in roles],
        start=[days_since_epoch(r.start_date, default=fallback) for r in roles],
        work_style=_ws_codes([r.work_style for r in roles]),
        area=[AREAS.index(areas[r.municipality_id]) for r in roles],
        descriptions=[f"{r.title}\n{r.description}" for r in roles])


def exact_pool_fingerprint() -> tuple:
    """Changes whenever a profile, a skill level or consent changes (every write bumps version). The sum of
    versions does not depend on the order in which transactions commit, unlike a latest timestamp; it reads
    the whole table (13 ms at 50,000 professionals on PostgreSQL), hence `pool_fingerprint`."""
    row = db.session.execute(select(func.count(Professional.id), func.max(Professional.updated_at),
                                     func.coalesce(func.sum(Professional.version), 0))).one()
    skills = db.session.scalar(select(func.count(Skill.id)))
    return (str(db.engine.url), row[0], str(row[1]), int(row[2]), skills)


# Local writes: a commit that changed a professional, a skill level or a skill in this process bumps it, so
# this process never reuses a fingerprint read before its own change.
_WATCHED_TABLES = frozenset({"professional", "professional_skill", "skill"})
_local_changes = 0
_fingerprints: dict[str, tuple[float, int, tuple]] = {}  # database URL -> (read at, _local_changes, value)


def pool_fingerprint() -> tuple:
    """`exact_pool_fingerprint`, read again at most every POOL_CHECK_S seconds (default 5) unless this
    process committed a change to the pool since: a change made by another worker or host is noticed within
    that time, this process's own changes at once. 0 reads it on every call."""
    url = str(db.engine.url)
    max_age = float(current_app.config.get("POOL_CHECK_S", 5))
    if uncommitted_pool_change():
        return exact_pool_fingerprint()  # this transaction changed the pool and has not committed yet
    now = time.monotonic()
    with _lock:
        known = _fingerprints.get(url)
        generation = _local_changes
    if known is not None and known[1] == generation and now - known[0] < max_age:
        return known[2]
    value = exact_pool_fingerprint()
    with _lock:
        _fingerprints[url] = (now, generation, value)
    return value


def uncommitted_pool_change() -> bool:
    """The current transaction changed professionals, skill levels or skills and has not committed yet."""
    session = db.session()
    return bool(session.info.get("pool_changed")) or _changes_pool(session)


def _changes_pool(session) -> bool:
    """The session holds new, changed or deleted professionals, skill levels or skills."""
    return any(getattr(obj, "__tablename__", None) in _WATCHED_TABLES
               for obj in (*session.new, *session.dirty, *session.deleted))


def _note_pool_write(session, *_args) -> None:
    """after_flush: remember that this transaction changed the pool (ORM objects)."""
    if _changes_pool(session):
        session.info["pool_changed"] = True


def _note_bulk_pool_write(state) -> None:
    """do_orm_execute: the same for bulk INSERT / UPDATE / DELETE statements (the CSV imports)."""
    if state.is_select:
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in _WATCHED_TABLES:
        state.session.info["pool_changed"] = True


def _after_commit(session) -> None:
    global _local_changes
    if session.info.pop("pool_changed", False):
        with _lock:
            _local_changes += 1


event.listen(Session, "after_flush", _note_pool_write)
event.listen(Session, "do_orm_execute", _note_bulk_pool_write)
event.listen(Session, "after_commit", _after_commit)
# (A rolled-back change leaves the flag for the next commit: one needless re-read, never a missed change.)


_cache: dict[str, object] = {}
_lock = threading.Lock()


def cached(key: tuple, build):
    """One cached value per process (the fitted pool scorer); rebuilt when the key changes."""
    with _lock:
        if _cache.get("key") == key:
            return _cache["value"]
    value = build()
    with _lock:
        _cache.update(key=key, value=value)
    return value


def clear_cache() -> None:
    """Forget the cached scorer and fingerprints (tests, CLI imports)."""
    with _lock:
        _cache.clear()
        _fingerprints.clear()
