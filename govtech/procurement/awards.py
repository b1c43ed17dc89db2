"""Bids, award and cost allocation of a joint tender.

Award: lowest price (最低価格), or combined scoring (総合評価) where a bid earns
``price_weight × lowest total / its total + quality_weight × technical score / 100`` points. Allocation uses
allocation.py (exact fractions, floor to yen, remainder yen to the largest fractional parts, ties by
municipality code), so the per-municipality contract amounts always sum to the award total.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from govtech.core import audit
from govtech.core.errors import Conflict, InvalidTransition, ValidationFailed
from govtech.core.models import utcnow
from govtech.extensions import db
from govtech.procurement.allocation import AllocationError, Participant, explain_rounding
from govtech.procurement.errors import NoValidBid
from govtech.procurement.estimates import curve_for, standalone_estimate
from govtech.procurement.models import Award, Bid, JointTender
from govtech.procurement.populations import population_of
from govtech.procurement.services import flush
from govtech.procurement.tenders import lock_tender, require_coordinator, rule_errors, set_rule, transition


def record_bid(*, actor, tender: JointTender, vendor_name: str, unit_price_jpy: int | None = None,
               total_jpy: int | None = None, technical_score: float | None = None, valid: bool = True,
               invalid_reason: str = "") -> Bid:
    """Record one vendor's bid: a unit price (× the tender's total quantity) or a total."""
    require_coordinator(actor)
    if tender.state not in ("tendering", "evaluating"):
        raise InvalidTransition(_("Bids are recorded while the tender is out for bids or being evaluated."))
    vendor = (vendor_name or "").strip()
    errors = {}
    if not vendor or len(vendor) > 200:
        errors["vendor_name"] = _("Give the vendor's name.")
    if (unit_price_jpy is None) == (total_jpy is None):
        errors["unit_price_jpy"] = _("Give either a unit price or a total, not both.")
    for name, value in (("unit_price_jpy", unit_price_jpy), ("total_jpy", total_jpy)):
        if value is not None and not 0 < value <= 10**12:
            errors[name] = _("Give a whole number of yen greater than zero.")
    if technical_score is not None and not 0 <= technical_score <= 100:
        errors["technical_score"] = _("Technical scores go from 0 to 100.")
    if not valid and not (invalid_reason or "").strip():
        errors["invalid_reason"] = _("Say why the bid is not valid.")
    if errors:
        raise ValidationFailed(_("Some fields need correcting."), fields=errors)
    quantity = tender.total_quantity
    total = total_jpy if total_jpy is not None else unit_price_jpy * quantity
    bid = Bid(tender=tender, vendor_name=vendor, unit_price_jpy=unit_price_jpy, total_jpy=total,
              technical_score=technical_score, valid=valid, invalid_reason=(invalid_reason or "").strip() or None,
              recorded_by_id=getattr(actor, "id", None))
    db.session.add(bid)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(_("This vendor already has a bid on this tender."),
                       fields={"vendor_name": _("Already has a bid.")}) from exc
    audit.record(actor=actor, action="bid.record", object_type="bid", object_id=bid.id,
                 after={"tender_id": tender.id, "total_jpy": total, "valid": valid})
    return bid


def set_bid_validity(*, actor, bid: Bid, valid: bool, reason: str = "") -> None:
    """Mark a bid valid or not (with a reason) before the award."""
    require_coordinator(actor)
    if bid.tender.state not in ("tendering", "evaluating"):
        raise InvalidTransition(_("Bids can only be judged before the award."))
    if not valid and not (reason or "").strip():
        raise ValidationFailed(_("Say why the bid is not valid."), fields={"invalid_reason": _("Give a reason.")})
    before = bid.valid
    bid.valid, bid.invalid_reason = valid, None if valid else reason.strip()
    flush()
    audit.record(actor=actor, action="bid.validity", object_type="bid", object_id=bid.id,
                 before={"valid": before}, after={"valid": valid})


def bid_scores(tender: JointTender) -> dict[int, float]:
    """Combined score of each valid bid (price points + quality points); lowest price: price points only."""
    valid = [b for b in tender.bids if b.valid]
    if not valid:
        return {}
    lowest = min(b.total_jpy for b in valid)
    scores = {}
    for b in valid:
        quality = (b.technical_score or 0) / 100 * tender.quality_weight
        scores[b.id] = round(tender.price_weight * lowest / b.total_jpy + quality, 2)
    return scores


def winning_bid(tender: JointTender) -> Bid:
    """The bid the method picks; raises NoValidBid when none is valid."""
    valid = [b for b in tender.bids if b.valid]
    if not valid:
        raise NoValidBid(_("There is no valid bid: the tender cannot be awarded. Declare it failed and re-tender."))
    if tender.award_method == "lowest_price":
        return min(valid, key=lambda b: (b.total_jpy, -(b.technical_score or 0), b.id))
    missing = [b.vendor_name for b in valid if b.technical_score is None]
    if missing:
        raise ValidationFailed(_("Combined scoring needs a technical score for every valid bid (missing: %(names)s).",
                                 names=", ".join(missing)))
    scores = bid_scores(tender)
    return min(valid, key=lambda b: (-scores[b.id], b.total_jpy, b.id))


def award_tender(*, actor, tender: JointTender) -> Award:
    """Award the tender to the winning valid bid, then allocate the costs with the tender's rule."""
    require_coordinator(actor)
    tender = lock_tender(tender.id)
    if tender.state != "evaluating":
        raise InvalidTransition(_("Bids are awarded after evaluation starts."))
    bid = winning_bid(tender)
    award = Award(tender=tender, bid_id=bid.id, total_jpy=bid.total_jpy, unit_price_jpy=bid.unit_price_jpy,
                  quantity=max(1, tender.total_quantity), score=bid_scores(tender).get(bid.id),
                  awarded_by_id=getattr(actor, "id", None))
    db.session.add(award)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(_("This tender was already awarded.")) from exc
    transition(actor, tender, ("evaluating",), "awarded", "award",
               after={"bid_id": bid.id, "total_jpy": bid.total_jpy, "method": tender.award_method})
    allocate_costs(actor=actor, tender=tender)
    return award


def allocate_costs(*, actor, tender: JointTender, rule: dict | None = None) -> list:
    """Split the award total among the confirmed participants, exactly to the yen; store amounts and savings.

    `rule` optionally changes the tender's rule first: {"allocation_rule": …, "mix_equal": …, …}.
    """
    require_coordinator(actor)
    if tender.state != "awarded" or tender.award is None:
        raise InvalidTransition(_("Costs are allocated after the award and before contracting."))
    if rule is not None:
        errors = rule_errors(rule)
        if errors:
            raise ValidationFailed(_("Some fields need correcting."), fields=errors)
        set_rule(tender, rule)
    members = sorted((p for p in tender.participations if p.status == "confirmed"),
                     key=lambda p: p.municipality.code)
    if not members:
        raise InvalidTransition(_("No confirmed participant to share the cost."))
    people = [Participant(id=p.municipality.code, quantity=p.quantity, population=population_of(p.municipality) or 0)
              for p in members]
    if (tender.allocation_rule == "population" or tender.mix_population) and not all(x.population for x in people):
        raise ValidationFailed(_("A participant's population is unknown: choose another rule."),
                               fields={"allocation_rule": _("Choose another rule.")})
    try:
        result = explain_rounding(tender.award.total_jpy, people, tender.allocation_rule, tender.mix)
    except AllocationError as exc:
        raise ValidationFailed(_("The costs cannot be split this way: %(why)s", why=str(exc)),
                               fields={"allocation_rule": _("Choose another rule.")}) from exc
    curve = curve_for(tender.category)
    unit_price = tender.award.effective_unit_price
    for p, share in zip(members, result.shares, strict=True):
        p.allocated_jpy = share
        p.rounding_extra_jpy = 1 if p.municipality.code in result.extra_yen else 0
        if p.budget_ceiling_jpy:
            p.standalone_jpy, p.standalone_estimated = p.budget_ceiling_jpy, False
        else:
            p.standalone_jpy = standalone_estimate(unit_price, p.quantity, tender.award.quantity, curve)
            p.standalone_estimated = True
        p.savings_jpy = p.standalone_jpy - share
    tender.rounding_remainder_jpy = len(result.extra_yen)
    tender.allocated_at = utcnow()
    flush()
    audit.record(actor=actor, action="tender.allocate", object_type="tender", object_id=tender.id,
                 after={"rule": tender.allocation_rule, "mix": tender.mix, "total_jpy": tender.award.total_jpy,
                        "shares": {str(p.municipality_id): p.allocated_jpy for p in members}})
    return members


def bids_for(tender_id: int) -> list[Bid]:
    """A tender's bids in the order they were recorded."""
    return list(db.session.scalars(select(Bid).where(Bid.tender_id == tender_id).order_by(Bid.id)))
