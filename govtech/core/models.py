"""Reference data models: municipalities, procurement categories, the skill map."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtech.extensions import db

AREAS = ("wards", "tama", "islands")
KINDS = ("ward", "city", "town", "village")


def utcnow() -> datetime:
    """Naive UTC now: the one timestamp convention of the database (Flask-Babel shows it in Asia/Tokyo)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Municipality(db.Model):
    """One of Tokyo's 62 municipalities (code from the national local-government code list)."""

    __tablename__ = "municipality"
    __table_args__ = (
        CheckConstraint("kind IN ('ward','city','town','village')", name="kind"),
        CheckConstraint("area IN ('wards','tama','islands')", name="area"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(5), unique=True)
    name_ja: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))
    area: Mapped[str] = mapped_column(String(10))
    population: Mapped[int | None] = mapped_column(default=None)

    def display_name(self, locale: str = "ja") -> str:
        """Name in the UI language."""
        return self.name_en if locale == "en" else self.name_ja

    def __repr__(self) -> str:
        return f"<Municipality {self.code} {self.name_en}>"


class Category(db.Model):
    """Procurement category (e-learning, office-license, …); admins can add more."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_ja: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    # Volume-discount exponent b of price(q) = p1 * q**-b; None means the built-in default.
    discount_exponent: Mapped[float | None] = mapped_column(default=None)
    active: Mapped[bool] = mapped_column(default=True)

    def display_name(self, locale: str = "ja") -> str:
        """Name in the UI language."""
        return self.name_en if locale == "en" else self.name_ja


class SkillCategory(db.Model):
    """A group of skills on the skill map (strategy, delivery, …)."""

    __tablename__ = "skill_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_ja: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    skills: Mapped[list[Skill]] = relationship(back_populates="category", order_by="Skill.position")

    def display_name(self, locale: str = "ja") -> str:
        """Name in the UI language."""
        return self.name_en if locale == "en" else self.name_ja


class Skill(db.Model):
    """One skill on the map, held at level 0–4 (none, awareness, working, practitioner, expert)."""

    __tablename__ = "skill"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("skill_category.id"))
    name_ja: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    category: Mapped[SkillCategory] = relationship(back_populates="skills")

    def display_name(self, locale: str = "ja") -> str:
        """Name in the UI language."""
        return self.name_en if locale == "en" else self.name_ja


class RowCount(db.Model):
    """The number of rows of a large table, kept exact by database triggers (core/row_counts.py): the list
    pages show the total of 50,000 professionals, which counting again on every page cost more than the page."""

    __tablename__ = "row_count"

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)
