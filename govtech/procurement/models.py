"""Joint procurement data: requests, joint tenders, one participation row per municipality, bids, awards.

The rules that must hold whatever the code does live in the database: one participation per tender and
municipality, one award per tender (for a bid of that very tender), one re-tender per failed tender,
states from fixed lists, and amounts that cannot be negative.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtech.core.models import Category, Municipality, utcnow
from govtech.extensions import db

REQUEST_STATES = ("draft", "submitted", "returned", "pooled", "withdrawn", "declined")
REQUEST_EDITABLE = ("draft", "submitted", "returned")
TENDER_STATES = ("survey_open", "survey_closed", "spec_drafting", "tendering", "evaluating", "awarded",
                 "contracting", "active", "closed", "cancelled", "failed")
# The main line a tender follows; cancelled and failed branch off it.
TENDER_FLOW = TENDER_STATES[:9]
AWARDED_STATES = ("awarded", "contracting", "active", "closed")
PARTICIPATION_STATUSES = ("invited", "interested", "declined", "confirmed", "withdrawn", "contracted")
JOINED = ("interested", "confirmed", "contracted")
AWARD_METHODS = ("lowest_price", "combined")
ALLOCATION_RULES = ("quantity", "equal", "population", "mix")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({','.join(repr(v) for v in values)})"


def fiscal_year_of(day: date) -> int:
    """Japanese fiscal year (April to March) a date falls in."""
    return day.year if day.month >= 4 else day.year - 1


class ProcurementRequest(db.Model):
    """One municipality's need (category, quantity, budget…) on its way to a joint tender."""

    __tablename__ = "procurement_request"
    __table_args__ = (
        CheckConstraint(_one_of("state", REQUEST_STATES), name="state"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("budget_jpy >= 0", name="budget_non_negative"),
        CheckConstraint("fiscal_year BETWEEN 2000 AND 2100", name="fiscal_year"),
        # A request is pooled exactly when it belongs to a tender (and then to only that one).
        CheckConstraint("(state = 'pooled') = (tender_id IS NOT NULL)", name="pooled_has_tender"),
        Index("ix_procurement_request_muni_state", "municipality_id", "state"),
        Index("ix_procurement_request_updated", "updated_at", "id"),  # the list's default order
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    requirements: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[int]
    unit: Mapped[str] = mapped_column(String(20))
    budget_jpy: Mapped[int] = mapped_column(BigInteger)
    desired_start: Mapped[date | None] = mapped_column(Date)
    fiscal_year: Mapped[int] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    tender_id: Mapped[int | None] = mapped_column(ForeignKey("joint_tender.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]

    municipality: Mapped[Municipality] = relationship()
    category: Mapped[Category] = relationship()
    tender: Mapped[JointTender | None] = relationship(back_populates="requests")

    # Optimistic locking: an UPDATE carries "WHERE version = <read version>" and bumps it.
    __mapper_args__ = {"version_id_col": version}

    @property
    def requirement_list(self) -> list[str]:
        """Must-have requirements, one per line (or ';'-separated from CSV)."""
        return [r.strip() for r in self.requirements.replace(";", "\n").splitlines() if r.strip()]

    @property
    def reference(self) -> str:
        """The external id, else a stable internal one."""
        return self.reference_of(self.id, self.external_id)

    @staticmethod
    def reference_of(request_id: int, external_id: str | None) -> str:
        """`reference` from the two columns (list rows read without the ORM)."""
        return external_id or f"REQ-{request_id}"

    def __repr__(self) -> str:
        return f"<ProcurementRequest {self.id} {self.state}>"


class JointTender(db.Model):
    """A joint tender run by GovTech Tokyo for several municipalities."""

    __tablename__ = "joint_tender"
    __table_args__ = (
        CheckConstraint(_one_of("state", TENDER_STATES), name="state"),
        CheckConstraint(_one_of("award_method", AWARD_METHODS), name="award_method"),
        CheckConstraint(_one_of("allocation_rule", ALLOCATION_RULES), name="allocation_rule"),
        CheckConstraint("price_weight >= 0 AND quality_weight >= 0 AND price_weight + quality_weight = 100",
                        name="weights"),
        CheckConstraint("award_method = 'combined' OR (price_weight = 100 AND quality_weight = 0)",
                        name="lowest_price_weights"),
        CheckConstraint("mix_equal >= 0 AND mix_quantity >= 0 AND mix_population >= 0", name="mix_non_negative"),
        CheckConstraint("allocation_rule <> 'mix' OR mix_equal + mix_quantity + mix_population = 100",
                        name="mix_sums_to_100"),
        CheckConstraint("fiscal_year BETWEEN 2000 AND 2100", name="fiscal_year"),
        CheckConstraint("retender_of_id IS NULL OR retender_of_id <> id", name="retender_not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    specification: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    fiscal_year: Mapped[int] = mapped_column(index=True)
    unit: Mapped[str] = mapped_column(String(20), default="")
    state: Mapped[str] = mapped_column(String(16), default="survey_open", index=True)
    survey_deadline: Mapped[datetime]  # naive UTC, end of the chosen day in Tokyo
    bid_deadline: Mapped[datetime | None]
    contract_start: Mapped[date | None] = mapped_column(Date)
    contract_end: Mapped[date | None] = mapped_column(Date)
    award_method: Mapped[str] = mapped_column(String(16), default="lowest_price")
    price_weight: Mapped[int] = mapped_column(default=100)
    quality_weight: Mapped[int] = mapped_column(default=0)
    allocation_rule: Mapped[str] = mapped_column(String(12), default="quantity")
    mix_equal: Mapped[int] = mapped_column(default=0)
    mix_quantity: Mapped[int] = mapped_column(default=0)
    mix_population: Mapped[int] = mapped_column(default=0)
    rounding_remainder_jpy: Mapped[int | None]  # yen placed by the rounding rule at the last allocation
    allocated_at: Mapped[datetime | None]
    status_reason: Mapped[str | None] = mapped_column(Text)
    retender_of_id: Mapped[int | None] = mapped_column(ForeignKey("joint_tender.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    category: Mapped[Category] = relationship()
    participations: Mapped[list[Participation]] = relationship(
        back_populates="tender", order_by="Participation.id", cascade="all, delete-orphan")
    bids: Mapped[list[Bid]] = relationship(back_populates="tender", order_by="Bid.id",
                                           cascade="all, delete-orphan")
    award: Mapped[Award | None] = relationship(back_populates="tender", uselist=False)
    requests: Mapped[list[ProcurementRequest]] = relationship(back_populates="tender",
                                                               order_by="ProcurementRequest.id")
    retender_of: Mapped[JointTender | None] = relationship(remote_side=[id], foreign_keys=[retender_of_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def reference(self) -> str:
        """Human reference, e.g. GT-2026-0007 (fiscal year and id)."""
        return self.reference_of(self.id, self.fiscal_year)

    @staticmethod
    def reference_of(tender_id: int, fiscal_year: int) -> str:
        """`reference` from the two columns (list rows read without the ORM)."""
        return f"GT-{fiscal_year}-{tender_id:04d}"

    @property
    def mix(self) -> dict[str, float] | None:
        """The mix weights for allocation.py (fractions of 1), or None for a single rule."""
        if self.allocation_rule != "mix":
            return None
        parts = {"equal": self.mix_equal, "quantity": self.mix_quantity, "population": self.mix_population}
        return {rule: pct / 100 for rule, pct in parts.items() if pct}

    @property
    def joined(self) -> list[Participation]:
        """Participations of municipalities that joined (interested, confirmed or contracted)."""
        return [p for p in self.participations if p.status in JOINED]

    @property
    def total_quantity(self) -> int:
        """Sum of the joined municipalities' quantities."""
        return sum(p.quantity or 0 for p in self.joined)

    def __repr__(self) -> str:
        return f"<JointTender {self.id} {self.state}>"


class Participation(db.Model):
    """One municipality in one joint tender: its answer, quantity, ceiling, contract amount and savings."""

    __tablename__ = "participation"
    __table_args__ = (
        UniqueConstraint("tender_id", "municipality_id", name="uq_participation_tender_municipality"),
        CheckConstraint(_one_of("status", PARTICIPATION_STATUSES), name="status"),
        CheckConstraint("quantity IS NULL OR quantity > 0", name="quantity_positive"),
        CheckConstraint(f"quantity IS NOT NULL OR NOT ({_one_of('status', JOINED)})", name="joined_has_quantity"),
        CheckConstraint("budget_ceiling_jpy IS NULL OR budget_ceiling_jpy >= 0", name="ceiling_non_negative"),
        CheckConstraint("allocated_jpy IS NULL OR allocated_jpy >= 0", name="allocated_non_negative"),
        CheckConstraint("rounding_extra_jpy >= 0", name="rounding_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("joint_tender.id", ondelete="CASCADE"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("procurement_request.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default="invited")
    quantity: Mapped[int | None]
    budget_ceiling_jpy: Mapped[int | None] = mapped_column(BigInteger)
    allocated_jpy: Mapped[int | None] = mapped_column(BigInteger)
    rounding_extra_jpy: Mapped[int] = mapped_column(default=0)
    standalone_jpy: Mapped[int | None] = mapped_column(BigInteger)  # ceiling, else the curve's estimate
    standalone_estimated: Mapped[bool] = mapped_column(default=False)
    savings_jpy: Mapped[int | None] = mapped_column(BigInteger)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    responded_at: Mapped[datetime | None]
    contract_signed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    tender: Mapped[JointTender] = relationship(back_populates="participations")
    municipality: Mapped[Municipality] = relationship()
    request: Mapped[ProcurementRequest | None] = relationship()

    @property
    def joined(self) -> bool:
        return self.status in JOINED

    def __repr__(self) -> str:
        return f"<Participation t{self.tender_id} m{self.municipality_id} {self.status}>"


class Bid(db.Model):
    """A vendor's bid: unit price or total, technical score, and whether it is valid."""

    __tablename__ = "bid"
    __table_args__ = (
        UniqueConstraint("tender_id", "vendor_name", name="uq_bid_tender_vendor"),
        UniqueConstraint("id", "tender_id", name="uq_bid_id_tender"),  # target of the award's composite key
        CheckConstraint("total_jpy > 0", name="total_positive"),
        CheckConstraint("unit_price_jpy IS NULL OR unit_price_jpy > 0", name="unit_price_positive"),
        CheckConstraint("technical_score IS NULL OR (technical_score >= 0 AND technical_score <= 100)",
                        name="technical_score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("joint_tender.id", ondelete="CASCADE"), index=True)
    vendor_name: Mapped[str] = mapped_column(String(200))
    unit_price_jpy: Mapped[int | None] = mapped_column(BigInteger)
    total_jpy: Mapped[int] = mapped_column(BigInteger)
    technical_score: Mapped[float | None]
    valid: Mapped[bool] = mapped_column(default=True)
    invalid_reason: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)

    tender: Mapped[JointTender] = relationship(back_populates="bids")

    def __repr__(self) -> str:
        return f"<Bid {self.id} t{self.tender_id} {self.total_jpy}>"


class Award(db.Model):
    """The award of a tender to one valid bid; fixes the total and the unit price."""

    __tablename__ = "award"
    __table_args__ = (
        # The awarded bid must belong to the same tender.
        ForeignKeyConstraint(["bid_id", "tender_id"], ["bid.id", "bid.tender_id"], name="fk_award_bid_tender"),
        CheckConstraint("total_jpy > 0", name="total_positive"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("joint_tender.id", ondelete="CASCADE"), unique=True)
    bid_id: Mapped[int] = mapped_column(unique=True)
    total_jpy: Mapped[int] = mapped_column(BigInteger)
    unit_price_jpy: Mapped[int | None] = mapped_column(BigInteger)
    quantity: Mapped[int]  # total quantity awarded (for fitting the volume-discount curve later)
    score: Mapped[float | None]
    awarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    awarded_at: Mapped[datetime] = mapped_column(default=utcnow)

    tender: Mapped[JointTender] = relationship(back_populates="award")
    bid: Mapped[Bid] = relationship(foreign_keys=[bid_id], primaryjoin="Award.bid_id == Bid.id")

    @property
    def effective_unit_price(self) -> float:
        """The bid's unit price, or the total divided by the quantity."""
        return float(self.unit_price_jpy) if self.unit_price_jpy else self.total_jpy / self.quantity
