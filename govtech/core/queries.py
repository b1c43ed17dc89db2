"""Read-side queries for the core pages (audit trail, reference data)."""
from __future__ import annotations

import time
from datetime import datetime, timedelta

from flask import current_app
from markupsafe import Markup, escape
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


OPTIONS_TTL_S = 300.0


def municipality_options(lang: str, selected=None) -> Markup:
    """The `<option>`s of every municipality (code order, names in `lang`), `selected` marked.

    Nationwide there are 1,741 municipalities: building them per request cost more than the rest of a list
    page. Reference data changes only through `init-db`, so the HTML is kept per app and language for
    OPTIONS_TTL_S (reference.load clears it in its own process).
    """
    cache = current_app.extensions.setdefault("govtech_municipality_options", {})
    hit = cache.get(lang)
    if hit is None or time.monotonic() - hit[0] > OPTIONS_TTL_S:
        name = Municipality.name_en if lang == "en" else Municipality.name_ja
        rows = db.session.execute(select(Municipality.id, name).order_by(Municipality.code))
        hit = cache[lang] = (time.monotonic(), "".join(f'<option value="{mid}">{escape(label)}</option>'
                                                         for mid, label in rows))
    html = hit[1]
    if selected is not None and str(selected).isdigit():
        tag = f'<option value="{int(selected)}">'
        html = html.replace(tag, tag[:-1] + " selected>", 1)
    return Markup(html)  # noqa: S704  # nosec B704 - ids are ints and names are escaped above
