"""Read-side queries for accounts."""
from functools import cache

from sqlalchemy import bindparam, select

from govtech.accounts.models import User
from govtech.core.models import Municipality
from govtech.extensions import db


def user_page(*, page: int, per_page: int, role: str | None = None, q: str | None = None):
    """Users, paginated and filtered by role and email/name."""
    stmt = select(User).order_by(User.role, User.email)
    if role:
        stmt = stmt.where(User.role == role)
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(User.email.like(like) | User.display_name.like(like))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def session_user(user_id: int):
    """(user, unread notifications) for the user loader, which runs on every signed-in request: one statement,
    built once per process (building it and its cache key cost about as much as running it)."""
    return db.session.execute(_session_user_statement(), {"user_id": user_id}).first()


@cache
def _session_user_statement():
    from govtech.core import notifications

    return select(User, notifications.unread_count_of(User.id)).where(User.id == bindparam("user_id"))


def municipality_choices(locale: str) -> list[tuple[str, str]]:
    """(id, name) pairs for select boxes, in code order."""
    rows = db.session.scalars(select(Municipality).order_by(Municipality.code)).all()
    return [(str(m.id), m.display_name(locale)) for m in rows]
