"""Append-only, hash-chained audit trail: who, when, what, which object, before → after.

Every state change in a service calls `record(...)`. Each entry stores the SHA-256 of its own content
and of the previous entry, so editing or deleting a row breaks the chain (`flask audit verify`).
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, select, text
from sqlalchemy.orm import Mapped, mapped_column

from govtech.core.models import utcnow
from govtech.extensions import db

GENESIS = "0" * 64
_PG_LOCK_KEY = 7_310_001  # advisory lock that serialises appends to the chain on PostgreSQL


class AuditEvent(db.Model):
    """One audit entry. Never updated or deleted by the application."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    actor_label: Mapped[str] = mapped_column(String(80), default="system")
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    def payload(self) -> str:
        """The canonical text the hash covers."""
        return json.dumps([
            self.created_at.isoformat(timespec="microseconds"), self.actor_id, self.actor_label, self.action,
            self.object_type, self.object_id, self.municipality_id, self.before, self.after, self.prev_hash,
        ], ensure_ascii=False, separators=(",", ":"))

    def compute_hash(self) -> str:
        """SHA-256 of the payload."""
        return hashlib.sha256(self.payload().encode()).hexdigest()

    @property
    def before_data(self) -> Any:
        return json.loads(self.before) if self.before else None

    @property
    def after_data(self) -> Any:
        return json.loads(self.after) if self.after else None


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(*, actor, action: str, object_type: str, object_id=None, before=None, after=None,
           municipality_id: int | None = None) -> AuditEvent:
    """Append one entry (in the caller's transaction; the request or command commits it)."""
    return record_many(actor=actor, entries=[{"action": action, "object_type": object_type, "object_id": object_id,
                                              "before": before, "after": after,
                                              "municipality_id": municipality_id}])[0]


def record_many(*, actor, entries: list[dict]) -> list[AuditEvent]:
    """Append several entries in order (bulk imports): one lock, one read of the chain's end, one flush.

    Each dict has the keyword arguments of `record` (action, object_type, object_id, before, after,
    municipality_id)."""
    if not entries:
        return []
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    prev = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or GENESIS
    now, actor_id, label = utcnow(), getattr(actor, "id", None), _actor_label(actor)
    events = []
    for entry in entries:
        object_id = entry.get("object_id")
        event = AuditEvent(created_at=now, actor_id=actor_id, actor_label=label, action=entry["action"],
                           object_type=entry["object_type"], object_id=None if object_id is None else str(object_id),
                           municipality_id=entry.get("municipality_id"), before=_dump(entry.get("before")),
                           after=_dump(entry.get("after")), prev_hash=prev)
        event.hash = prev = event.compute_hash()
        events.append(event)
    db.session.add_all(events)
    db.session.flush()
    return events


def _actor_label(actor) -> str:
    # A role and an id, never an email or a name: the trail must not leak personal data.
    if actor is None or getattr(actor, "id", None) is None:
        return "system"
    return f"{actor.role}#{actor.id}"


def verify_chain(batch: int = 5000) -> dict[str, Any]:
    """Walk the chain in id order; report the first broken link, if any."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)).all()
        if not events:
            return {"ok": True, "checked": checked}
        for event in events:
            if event.prev_hash != prev:
                return {"ok": False, "checked": checked, "broken_at": event.id, "reason": "prev_hash mismatch"}
            if event.compute_hash() != event.hash:
                return {"ok": False, "checked": checked, "broken_at": event.id, "reason": "content changed"}
            prev = event.hash
            checked += 1
            last_id = event.id
