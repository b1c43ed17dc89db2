"""Bulk intake of professionals.csv and roles.csv (the DOMAIN.md contract): all rows or none.

Rows are checked first (`csv_parse`); then they are upserted by external_id in bulk: existing ids are loaded
in one query and rows are written with executemany, so 50,000 rows import in seconds.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, insert, select, update

from govtech.accounts.models import User
from govtech.core import audit, statistics
from govtech.core.errors import ValidationFailed
from govtech.core.jobs import Job
from govtech.core.models import utcnow
from govtech.extensions import db
from govtech.talent.csv_parse import ImportFailed, RowError, decode, parse_professionals, parse_roles
from govtech.talent.models import Professional, ProfessionalSkill, Role, RoleRequirement

__all__ = ["IMPORT_JOB", "ImportFailed", "ImportResult", "RowError", "import_job", "import_professionals",
           "import_roles", "save_professionals", "save_roles"]
CHUNK = 2000
IMPORT_JOB = "talent.import_csv"
SHOWN_ERRORS = 200  # listed on the job page; the count says how many more


@dataclass
class ImportResult:
    """What an import did."""

    created: int = 0
    updated: int = 0
    external_ids: list[str] = field(default_factory=list)


def _existing(model) -> dict[str, int]:
    return dict(db.session.execute(select(model.external_id, model.id).where(model.external_id.is_not(None))).all())


def _chunks(items, size=CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _insert_many(table, rows: list[dict]) -> None:
    """Insert plain rows in this transaction. On PostgreSQL through COPY: psycopg's executemany sends one
    INSERT per row, and 50,000 profiles have about 900,000 skill levels."""
    if not rows:
        return
    conn = db.session.connection()
    if conn.dialect.name != "postgresql":
        for chunk in _chunks(rows, 5000):
            conn.execute(insert(table), chunk)
        return
    from psycopg import sql

    columns = list(rows[0])
    copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns)))
    with conn.connection.dbapi_connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def save_professionals(rows: list[dict], *, actor=None) -> ImportResult:
    """Upsert professionals by external_id; skill levels are replaced, unchanged levels keep verification."""
    existing, now = _existing(Professional), utcnow()
    result = ImportResult(external_ids=[r["external_id"] for r in rows])
    fields = [c for c in rows[0] if c != "levels"] if rows else []
    new = [{**{k: r[k] for k in fields}, "consent_to_introduce": True, "created_at": now, "updated_at": now,
            "version": 1} for r in rows if r["external_id"] not in existing]
    for chunk in _chunks(new):
        db.session.execute(insert(Professional), chunk)
    changed = [{**{k: r[k] for k in fields}, "id": existing[r["external_id"]], "updated_at": now}
               for r in rows if r["external_id"] in existing]
    for chunk in _chunks(changed):
        db.session.execute(update(Professional), chunk)
        ids = [c["id"] for c in chunk]
        db.session.execute(update(Professional).where(Professional.id.in_(ids))
                           .values(version=Professional.version + 1).execution_options(synchronize_session=False))
    ids = _existing(Professional) if new else existing
    kept = _verified({ids[r["external_id"]] for r in rows if r["external_id"] in existing})
    skill_rows = []
    for r in rows:
        pid = ids[r["external_id"]]
        for skill_id, (level, _w) in r["levels"].items():
            if level > 0:
                verified = kept.get((pid, skill_id), (None, None))
                ok = verified[0] == level
                skill_rows.append({"professional_id": pid, "skill_id": skill_id, "level": level, "verified": ok,
                                   "verified_by_id": verified[1] if ok else None})
    for chunk in _chunks([c["id"] for c in changed]):
        db.session.execute(delete(ProfessionalSkill).where(ProfessionalSkill.professional_id.in_(chunk)))
    _insert_many(ProfessionalSkill.__table__, skill_rows)
    db.session.expire_all()
    result.created, result.updated = len(new), len(changed)
    audit.record(actor=actor, action="professional.import", object_type="professional",
                 after={"created": result.created, "updated": result.updated})
    statistics.analyze_after_commit(("professional", "professional_skill"), result.created + result.updated)
    return result


def _verified(professional_ids: set[int]) -> dict[tuple[int, int], tuple[int, int | None]]:
    """(professional, skill) -> (level, verified_by) of currently verified levels, loaded in chunks."""
    out = {}
    for chunk in _chunks(sorted(professional_ids)):
        for pid, sid, level, by in db.session.execute(select(
                ProfessionalSkill.professional_id, ProfessionalSkill.skill_id, ProfessionalSkill.level,
                ProfessionalSkill.verified_by_id).where(ProfessionalSkill.professional_id.in_(chunk),
                                                        ProfessionalSkill.verified.is_(True))):
            out[(pid, sid)] = (level, by)
    return out


def save_roles(rows: list[dict], *, actor=None) -> ImportResult:
    """Upsert roles by external_id; imported roles are open; requirements are replaced."""
    existing, now = _existing(Role), utcnow()
    result = ImportResult(external_ids=[r["external_id"] for r in rows])
    fields = [c for c in rows[0] if c != "requirements"] if rows else []
    new = [{**{k: r[k] for k in fields}, "state": "open", "created_at": now, "updated_at": now, "version": 1}
           for r in rows if r["external_id"] not in existing]
    for chunk in _chunks(new):
        db.session.execute(insert(Role), chunk)
    changed = [{**{k: r[k] for k in fields}, "id": existing[r["external_id"]], "state": "open", "updated_at": now}
               for r in rows if r["external_id"] in existing]
    for chunk in _chunks(changed):
        db.session.execute(update(Role), chunk)
        db.session.execute(update(Role).where(Role.id.in_([c["id"] for c in chunk]))
                           .values(version=Role.version + 1).execution_options(synchronize_session=False))
        db.session.execute(delete(RoleRequirement).where(RoleRequirement.role_id.in_([c["id"] for c in chunk])))
    ids = _existing(Role) if new else existing
    reqs = [{"role_id": ids[r["external_id"]], "skill_id": sid, "min_level": level, "weight": weight}
            for r in rows for sid, (level, weight) in r["requirements"].items()]
    _insert_many(RoleRequirement.__table__, reqs)
    db.session.expire_all()
    result.created, result.updated = len(new), len(changed)
    audit.record(actor=actor, action="role.import", object_type="role",
                 after={"created": result.created, "updated": result.updated})
    statistics.analyze_after_commit(("role", "role_requirement"), result.created + result.updated)
    return result


def import_professionals(data: bytes, *, actor=None) -> ImportResult:
    """Decode, validate every row, then upsert all of them (or raise ImportFailed and save nothing)."""
    return save_professionals(parse_professionals(decode(data)), actor=actor)


def import_roles(data: bytes, *, actor=None) -> ImportResult:
    """Decode, validate every row, then upsert all of them (or raise ImportFailed and save nothing)."""
    return save_roles(parse_roles(decode(data)), actor=actor)



def import_job(ctx, payload: dict) -> dict:
    """Background job of a coordinator's web upload (professionals.csv or roles.csv): all rows or none.

    The uploaded bytes are dropped from the job row as soon as they are read (the file holds personal data);
    bad rows end the job as failed with every problem listed on its status page, in the uploader's language.
    """
    db.session.get(Job, ctx.job_id).payload = {**payload, "data": None}
    db.session.commit()
    professionals = payload.get("kind") == "professionals"
    with force_locale(payload.get("locale", "ja")):
        actor = db.session.get(User, payload["user_id"])
        run = import_professionals if professionals else import_roles
        try:
            result = run(base64.b64decode(payload["data"]), actor=actor)
        except ImportFailed as exc:
            failed = ValidationFailed(_("Nothing was imported: %(n)s problem(s) found", n=len(exc.errors)))
            lines = [_("Line %(line)s, %(column)s: %(message)s", line=e.line, column=e.column, message=e.message)
                     for e in exc.errors[:SHOWN_ERRORS]]
            if len(exc.errors) > SHOWN_ERRORS:
                lines.append(_("…and %(n)s more.", n=len(exc.errors) - SHOWN_ERRORS))
            failed.result = {"errors": lines}
            raise failed from exc
        if professionals:
            from govtech.talent import ranking

            db.session.commit()  # saved: the pool fitted below must see the new rows
            ranking.store_pool()
        target = "talent.professionals" if professionals else "talent.roles"
        return {"summary": _("Imported: %(created)d new, %(updated)d updated.", created=result.created,
                             updated=result.updated), "redirect": current_app.url_map.bind("").build(target)}
