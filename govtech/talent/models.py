"""Talent models: professional profiles with skill levels, roles with requirements, matches, scoring models.

Rules that must hold whatever code writes the rows live in the database: unique pairs, level ranges, states.
No protected attributes (age, gender, birthplace, family, religion, health) are stored anywhere.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtech.core.models import Municipality, Skill, utcnow
from govtech.extensions import db

WORK_STYLES = ("remote", "hybrid", "onsite")
REGIONS = ("wards", "tama", "islands")
WEIGHTS = ("must", "important", "bonus")
ROLE_STATES = ("open", "closed", "filled")
MATCH_STATES = ("suggested", "shortlisted", "introduced", "interviewing", "appointed",
                "declined", "withdrawn", "rejected")
ACTIVE_MATCH_STATES = ("suggested", "shortlisted", "introduced", "interviewing")
MAX_DAYS = 5.0


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


class Professional(db.Model):
    """A digital professional in the pool: linked to a login, or imported by CSV (external_id) without one."""

    __tablename__ = "professional"
    __table_args__ = (
        CheckConstraint("days_per_week >= 0 AND days_per_week <= 5", name="days"),
        CheckConstraint(_in("work_style", WORK_STYLES), name="work_style"),
        CheckConstraint("public_sector_years >= 0 AND public_sector_years <= 60", name="public_years"),
        CheckConstraint("user_id IS NOT NULL OR external_id IS NOT NULL", name="identity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254), index=True)
    days_per_week: Mapped[float] = mapped_column(Float, default=1.0)
    available_from: Mapped[date | None] = mapped_column(Date, default=None)
    work_style: Mapped[str] = mapped_column(String(10), default="remote")
    onsite_wards: Mapped[bool] = mapped_column(default=False)
    onsite_tama: Mapped[bool] = mapped_column(default=False)
    onsite_islands: Mapped[bool] = mapped_column(default=False)
    public_sector_years: Mapped[int] = mapped_column(default=0)
    bio: Mapped[str] = mapped_column(Text, default="")
    consent_to_introduce: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    version: Mapped[int] = mapped_column(default=1)

    skills: Mapped[list[ProfessionalSkill]] = relationship(
        back_populates="professional", cascade="all, delete-orphan", order_by="ProfessionalSkill.skill_id")

    @property
    def regions(self) -> list[str]:
        """The areas where this professional can be on site."""
        return [r for r in REGIONS if getattr(self, f"onsite_{r}")]

    def set_regions(self, regions) -> None:
        """Set the on-site areas from a list of area codes."""
        for region in REGIONS:
            setattr(self, f"onsite_{region}", region in regions)

    def touch(self) -> None:
        """Mark the row changed: bumps version and updated_at (the pool cache keys on them)."""
        self.version = (self.version or 0) + 1
        self.updated_at = utcnow()

    def __repr__(self) -> str:
        return f"<Professional {self.id}>"


class ProfessionalSkill(db.Model):
    """A skill held by a professional at a level 0–4; a coordinator may mark the level verified."""

    __tablename__ = "professional_skill"
    __table_args__ = (
        UniqueConstraint("professional_id", "skill_id", name="uq_professional_skill_pair"),
        CheckConstraint("level >= 0 AND level <= 4", name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("professional.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id"), index=True)
    level: Mapped[int] = mapped_column(default=0)
    verified: Mapped[bool] = mapped_column(default=False)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    verified_at: Mapped[datetime | None] = mapped_column(default=None)

    professional: Mapped[Professional] = relationship(back_populates="skills")
    skill: Mapped[Skill] = relationship(lazy="joined")


class Role(db.Model):
    """A part-time role a municipality offers (CIO補佐官, DX推進アドバイザー, …)."""

    __tablename__ = "role"
    __table_args__ = (
        CheckConstraint("days_per_week > 0 AND days_per_week <= 5", name="days"),
        CheckConstraint(_in("work_style", WORK_STYLES), name="work_style"),
        CheckConstraint(_in("state", ROLE_STATES), name="state"),
        CheckConstraint("positions >= 1", name="positions"),
        Index("ix_role_municipality_state", "municipality_id", "state"),
        Index("ix_role_created", "created_at", "id"),  # the list's default order
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    days_per_week: Mapped[float] = mapped_column(Float, default=1.0)
    start_date: Mapped[date | None] = mapped_column(Date, default=None)
    work_style: Mapped[str] = mapped_column(String(10), default="hybrid")
    positions: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(10), default="open", index=True)
    template: Mapped[str | None] = mapped_column(String(40), default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    municipality: Mapped[Municipality] = relationship(lazy="joined")
    requirements: Mapped[list[RoleRequirement]] = relationship(
        back_populates="role", cascade="all, delete-orphan", order_by="RoleRequirement.id")

    def touch(self) -> None:
        """Bump version and updated_at after an edit."""
        self.version = (self.version or 0) + 1
        self.updated_at = utcnow()

    def __repr__(self) -> str:
        return f"<Role {self.id} {self.state}>"


class RoleRequirement(db.Model):
    """A skill a role needs: minimum level 1–4 and weight must / important / bonus."""

    __tablename__ = "role_requirement"
    __table_args__ = (
        UniqueConstraint("role_id", "skill_id", name="uq_role_requirement_pair"),
        CheckConstraint("min_level >= 1 AND min_level <= 4", name="min_level"),
        CheckConstraint(_in("weight", WEIGHTS), name="weight"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id"))
    min_level: Mapped[int] = mapped_column(default=2)
    weight: Mapped[str] = mapped_column(String(10), default="important")

    role: Mapped[Role] = relationship(back_populates="requirements")
    skill: Mapped[Skill] = relationship(lazy="joined")


class Match(db.Model):
    """One professional considered for one role, and where that stands in the introduction workflow."""

    __tablename__ = "match"
    __table_args__ = (
        UniqueConstraint("role_id", "professional_id", name="uq_match_pair"),
        CheckConstraint(_in("status", MATCH_STATES), name="status"),
        CheckConstraint(_in("origin", ("coordinator", "interest", "plan")), name="origin"),
        Index("ix_match_role_status", "role_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="CASCADE"))
    professional_id: Mapped[int] = mapped_column(ForeignKey("professional.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(15), default="suggested")
    origin: Mapped[str] = mapped_column(String(15), default="coordinator")
    interest: Mapped[bool] = mapped_column(default=False)  # the professional asked to be considered
    score: Mapped[float | None] = mapped_column(Float, default=None)  # snapshot when the match was made
    explanation: Mapped[dict | None] = mapped_column(JSON, default=None)
    model_version: Mapped[int | None] = mapped_column(default=None)
    professional_consent: Mapped[bool | None] = mapped_column(default=None)  # None: not asked or pending
    consent_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    role: Mapped[Role] = relationship(lazy="joined")
    professional: Mapped[Professional] = relationship()

    @property
    def visible_to_municipality(self) -> bool:
        """The municipality's officers may see the professional: introduced and consented."""
        return self.professional_consent is True and self.status in ("introduced", "interviewing", "appointed",
                                                                      "rejected")

    def __repr__(self) -> str:
        return f"<Match {self.id} {self.status}>"


class ScoringModel(db.Model):
    """A version of the scoring weights: the prior, or weights learned from coordinators' decisions."""

    __tablename__ = "scoring_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    weights: Mapped[dict] = mapped_column(JSON, default=dict)
    metrics: Mapped[dict] = mapped_column(JSON, default=dict)
    n_decisions: Mapped[int] = mapped_column(default=0)
    fallback: Mapped[bool] = mapped_column(default=True)  # True: too few decisions, prior weights kept
    active: Mapped[bool] = mapped_column(default=False, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
