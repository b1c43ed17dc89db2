"""In-app notifications: a tender opened for your category, a deadline nears, a candidate was introduced."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import g
from sqlalchemy import ForeignKey, Index, String, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from govtech.core.models import utcnow
from govtech.extensions import db


class Notification(db.Model):
    """One message for one user. `message` is a msgid, `params` its values: shown in the reader's language."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(String(300))
    params: Mapped[dict] = mapped_column(db.JSON, default=dict)
    link: Mapped[str | None] = mapped_column(String(300))
    # Same key, same user: notified once (e.g. "deadline:tender:12").
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    read_at: Mapped[datetime | None] = mapped_column(default=None)


def notify(user_ids: Iterable[int], *, kind: str, message: str, params: dict | None = None,
           link: str | None = None, dedupe_key: str | None = None) -> int:
    """Queue a notification for each user (in the caller's transaction); returns how many were added.

    `message` must be wrapped in `lazy_gettext`/`_l` at the call site's module level or be a literal msgid
    passed through `N_()` so the catalogue has it; it is translated when displayed.
    """
    ids = sorted(set(user_ids))
    if dedupe_key and ids:
        seen = set(db.session.scalars(select(Notification.user_id).where(
            Notification.dedupe_key == dedupe_key, Notification.user_id.in_(ids))))
        ids = [i for i in ids if i not in seen]
    for user_id in ids:
        db.session.add(Notification(user_id=user_id, kind=kind, message=str(message), params=params or {},
                                    link=link, dedupe_key=dedupe_key))
    db.session.flush()
    _forget_unread()
    return len(ids)


def unread_count_of(user_id_column):
    """The unread count as a scalar subquery: the user loader fetches it with the user, one statement less
    on every page."""
    return (select(func.count(Notification.id))
            .where(Notification.user_id == user_id_column, Notification.read_at.is_(None)).scalar_subquery())


def remember_unread(user_id: int, count: int) -> None:
    """Keep the count the user loader fetched for this request (forgotten when notifications change)."""
    g._unread_notifications = (user_id, count)


def _forget_unread() -> None:
    g.pop("_unread_notifications", None)


def unread_count(user_id: int) -> int:
    """How many unread notifications the user has."""
    known = g.get("_unread_notifications")
    if known is not None and known[0] == user_id:
        return known[1]
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def page_for(user_id: int, *, page: int, per_page: int = 25):
    """The user's notifications, newest first."""
    stmt = select(Notification).where(Notification.user_id == user_id).order_by(Notification.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def mark_all_read(user_id: int) -> None:
    """Mark every notification of the user as read."""
    db.session.execute(update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
                       .values(read_at=utcnow()))
    _forget_unread()


def N_(message: str) -> str:  # noqa: N802 - gettext convention for "mark for translation, translate later"
    """Mark a msgid for extraction without translating it now."""
    return message
