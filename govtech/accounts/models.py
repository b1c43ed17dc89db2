"""User accounts and login attempts."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtech.core.models import Municipality, utcnow
from govtech.extensions import db

ROLES = ("admin", "coordinator", "officer", "professional")


class User(UserMixin, db.Model):
    """A person who signs in. Officers belong to exactly one municipality; no other role does."""

    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint("role IN ('admin','coordinator','officer','professional')", name="role"),
        CheckConstraint("(role = 'officer') = (municipality_id IS NOT NULL)", name="officer_municipality"),
        CheckConstraint("locale IN ('ja','en')", name="locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    locale: Mapped[str] = mapped_column(String(5), default="ja")
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped by logout, password change and disabling: every session that carries an older value ends.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    consent_at: Mapped[datetime | None] = mapped_column(default=None)
    municipality: Mapped[Municipality | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """Session identity: id plus session version, so bumping the version signs out everywhere."""
        return f"{self.id}.{self.session_version}"

    def has_role(self, *roles: str) -> bool:
        """True when the user holds one of the roles."""
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class LoginAttempt(db.Model):
    """A sign-in attempt, kept in the database so every worker shares the same throttle.

    Stores keyed hashes of the email and IP, never the raw values (no personal data at rest here).
    """

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_account", "account_key", "created_at"),
        Index("ix_login_attempt_ip", "ip_key", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    account_key: Mapped[str] = mapped_column(String(64))
    ip_key: Mapped[str] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(default=False)
