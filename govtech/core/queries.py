"""Read-side queries for the core pages (audit trail, reference data)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from govtech.core.audit import AuditEvent
from govtech.core.models import Municipality
from govtech.extensions import db


def audit_page(*, page: int, per_page: int, action: str | None = None, object_type: str | None = None,
               municipality_id: int | None = None, day_from: str | None = None, day_to: str | None = None):
    """Audit entries, newest first, filtered."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        stmt = stmt.where(AuditEvent.action.like(f"{action}%"))
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if municipality_id:
        stmt = stmt.where(AuditEvent.municipality_id == municipality_id)
    for value, after in ((day_from, True), (day_to, False)):
        try:
            day = datetime.strptime(value or "", "%Y-%m-%d")
        except ValueError:
            continue
        stmt = stmt.where(AuditEvent.created_at >= day if after else AuditEvent.created_at < day + timedelta(days=1))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def audit_object_types() -> list[str]:
    """Distinct object types in the trail, for the filter."""
    return list(db.session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)))


def municipalities() -> list[Municipality]:
    """All municipalities in code order."""
    return list(db.session.scalars(select(Municipality).order_by(Municipality.code)))
