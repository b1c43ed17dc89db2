"""Joint tender lifecycle: creation (by hand or from a pool) and state transitions.

survey_open → survey_closed → spec_drafting → tendering → evaluating → awarded → contracting → active → closed,
or cancelled / failed. Each transition is one function with its rules and one audit entry. Participation
(手挙げ) is in participation.py.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from govtech.core import audit
from govtech.core.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from govtech.core.models import Category, utcnow
from govtech.extensions import db
from govtech.procurement import notices
from govtech.procurement.dates import end_of_day_utc, tokyo_today
from govtech.procurement.labels import label
from govtech.procurement.models import (
    ALLOCATION_RULES,
    AWARD_METHODS,
    JointTender,
    Participation,
    ProcurementRequest,
)
from govtech.procurement.services import flush

PRE_AWARD = ("survey_open", "survey_closed", "spec_drafting", "tendering", "evaluating", "failed")


def require_coordinator(actor) -> None:
    """Tender steps are GovTech Tokyo's (actor None: the CLI or the demo seeder)."""
    if actor is not None and actor.role != "coordinator":
        raise NotAllowed(_("Only GovTech Tokyo coordinators can do this."))


def settings_errors(values: dict) -> dict[str, str]:
    """Field -> message for a tender's settings (title, deadline, award method, allocation rule…)."""
    errors: dict[str, str] = {}
    if not (values.get("title") or "").strip() or len(values.get("title") or "") > 200:
        errors["title"] = _("Give a title of 1 to 200 characters.")
    if not isinstance(values.get("category"), Category):
        errors["category"] = _("Choose a category.")
    if not isinstance(values.get("fiscal_year"), int) or not 2000 <= values["fiscal_year"] <= 2100:
        errors["fiscal_year"] = _("Give the fiscal year as four digits, e.g. 2026.")
    deadline = values.get("survey_deadline")
    if not isinstance(deadline, date) or deadline < tokyo_today():
        errors["survey_deadline"] = _("Choose a deadline from today on.")
    if values.get("award_method") not in AWARD_METHODS:
        errors["award_method"] = _("Choose an award method.")
    elif values["award_method"] == "combined":
        price, quality = values.get("price_weight"), values.get("quality_weight")
        if not (isinstance(price, int) and isinstance(quality, int) and price >= 0 and quality > 0
                and price + quality == 100):
            errors["quality_weight"] = _("Price and quality weights must be whole percentages adding up to 100.")
    errors.update(rule_errors(values))
    return errors


def rule_errors(values: dict) -> dict[str, str]:
    """Field -> message for an allocation rule and its mix percentages."""
    rule = values.get("allocation_rule")
    if rule not in ALLOCATION_RULES:
        return {"allocation_rule": _("Choose how costs are split.")}
    if rule == "mix":
        parts = [values.get(k) or 0 for k in ("mix_equal", "mix_quantity", "mix_population")]  # empty = 0
        if not all(isinstance(p, int) and p >= 0 for p in parts) or sum(parts) != 100:
            return {"mix_quantity": _("The mix percentages must be whole numbers adding up to 100.")}
    return {}


def apply_settings(tender: JointTender, values: dict) -> None:
    """Copy checked settings onto the tender (weights and mix normalised to the chosen method and rule)."""
    tender.title = values["title"].strip()
    tender.description = (values.get("description") or "").strip()
    tender.category_id = values["category"].id
    tender.fiscal_year = values["fiscal_year"]
    tender.unit = (values.get("unit") or "").strip()[:20]
    tender.survey_deadline = end_of_day_utc(values["survey_deadline"])
    tender.award_method = values["award_method"]
    combined = tender.award_method == "combined"
    tender.price_weight = values["price_weight"] if combined else 100
    tender.quality_weight = values["quality_weight"] if combined else 0
    set_rule(tender, values)


def set_rule(tender: JointTender, values: dict) -> None:
    """Set the allocation rule; the mix percentages are kept only for the mix rule."""
    tender.allocation_rule = values["allocation_rule"]
    mix = tender.allocation_rule == "mix"
    for name in ("mix_equal", "mix_quantity", "mix_population"):
        setattr(tender, name, values.get(name) or 0 if mix else 0)


def create_tender(*, actor, values: dict, requests: list[ProcurementRequest] = ()) -> JointTender:
    """Open a joint tender for participation; the requests' municipalities are offered it."""
    require_coordinator(actor)
    errors = settings_errors(values)
    for req in requests:
        if req.state != "submitted" or req.tender_id is not None:
            errors["requests"] = _("Request %(ref)s is no longer waiting to be pooled.", ref=req.reference)
        elif req.fiscal_year != values.get("fiscal_year"):
            errors["requests"] = _("Request %(ref)s is for fiscal year %(fy)s.", ref=req.reference,
                                   fy=req.fiscal_year)
    if errors:
        raise ValidationFailed(_("Some fields need correcting."), fields=errors)
    tender = JointTender(state="survey_open", created_by_id=getattr(actor, "id", None))
    apply_settings(tender, values)
    db.session.add(tender)
    flush()
    offers: dict[int, Participation] = {}
    for req in requests:
        req.state, req.tender_id = "pooled", tender.id
        offer = offers.get(req.municipality_id)
        if offer is None:
            offer = offers[req.municipality_id] = Participation(
                tender_id=tender.id, municipality_id=req.municipality_id, request_id=req.id, status="invited",
                quantity=0, budget_ceiling_jpy=0)
            db.session.add(offer)
        offer.quantity += req.quantity
        offer.budget_ceiling_jpy += req.budget_jpy
    flush()
    audit.record(actor=actor, action="tender.create", object_type="tender", object_id=tender.id,
                 after={"state": tender.state, "request_ids": [r.id for r in requests],
                        "offered_municipality_ids": sorted(offers)})
    for req in requests:
        audit.record(actor=actor, action="request.pool", object_type="procurement_request", object_id=req.id,
                     before={"state": "submitted"}, after={"state": "pooled", "tender_id": tender.id},
                     municipality_id=req.municipality_id)
    notices.tender_opened(tender)
    return tender


def create_tender_from_pool(*, actor, request_ids: list[int], values: dict) -> JointTender:
    """A tender from a pooling suggestion as the coordinator edited it (requests dropped or added)."""
    ids = sorted({int(i) for i in request_ids})
    if not ids:
        raise ValidationFailed(_("Choose at least one request."), fields={"requests": _("Choose at least one.")})
    requests = list(db.session.scalars(select(ProcurementRequest).where(ProcurementRequest.id.in_(ids))
                                       .order_by(ProcurementRequest.id)))
    if len(requests) != len(ids):
        raise NotFound(_("One of the chosen requests does not exist."))
    return create_tender(actor=actor, values=values, requests=requests)


def lock_tender(tender_id: int) -> JointTender:
    """The tender row, locked for this transaction (FOR UPDATE on PostgreSQL), freshly read."""
    tender = db.session.execute(select(JointTender).where(JointTender.id == tender_id).with_for_update()
                                .execution_options(populate_existing=True)).scalar_one_or_none()
    if tender is None:
        raise NotFound(_("This joint tender does not exist."))
    db.session.expire(tender, ["participations", "bids"])  # read them again under the lock
    return tender


def release_request(p: Participation) -> None:
    """The municipality's pooled request goes back to the pool of submitted requests."""
    req = p.request
    if req is not None and req.state == "pooled" and req.tender_id == p.tender_id:
        req.state, req.tender_id = "submitted", None


def transition(actor, tender: JointTender, allowed: tuple[str, ...], target: str, action: str,
               after: dict | None = None, reason: str | None = None) -> None:
    """Move the tender to `target` if it is in one of `allowed`; audit it."""
    require_coordinator(actor)
    if tender.state not in allowed:
        raise InvalidTransition(_("This tender is %(state)s; that step is not possible now.",
                                  state=label("tender", tender.state)))
    before = tender.state
    tender.state = target
    if reason is not None:
        tender.status_reason = reason.strip()
    flush()
    audit.record(actor=actor, action=f"tender.{action}", object_type="tender", object_id=tender.id,
                 before={"state": before}, after={"state": target, **(after or {})})


def close_survey(*, actor, tender: JointTender) -> None:
    """Close participation: joined municipalities are confirmed, unanswered offers lapse."""
    require_coordinator(actor)
    tender = lock_tender(tender.id)  # no join can slip in between reading and confirming
    if tender.state == "survey_open" and not tender.joined:
        raise ValidationFailed(_("No municipality has joined yet: extend the deadline or cancel the tender."))
    transition(actor, tender, ("survey_open",), "survey_closed", "close_survey",
               after={"confirmed": len(tender.joined)})
    for p in tender.participations:
        if p.status == "interested":
            p.status = "confirmed"
        elif p.status == "invited":
            p.status = "declined"
            release_request(p)
    flush()


def reopen_survey(*, actor, tender: JointTender, deadline: date) -> None:
    """Open participation again until a new deadline."""
    if not isinstance(deadline, date) or deadline < tokyo_today():
        raise ValidationFailed(_("Choose a deadline from today on."),
                               fields={"deadline": _("Choose a deadline from today on.")})
    transition(actor, tender, ("survey_closed",), "survey_open", "reopen_survey")
    tender.survey_deadline = end_of_day_utc(deadline)
    for p in tender.participations:
        if p.status == "confirmed":
            p.status = "interested"
    flush()


def start_spec_drafting(*, actor, tender: JointTender) -> None:
    """Participants are fixed; one expert team writes one specification."""
    transition(actor, tender, ("survey_closed",), "spec_drafting", "start_spec")


def update_specification(*, actor, tender: JointTender, specification: str, bid_deadline: date | None,
                         contract_start: date | None = None, contract_end: date | None = None) -> None:
    """Write the joint specification, the bid deadline and the contract period."""
    require_coordinator(actor)
    if tender.state not in ("survey_open", "survey_closed", "spec_drafting"):
        raise InvalidTransition(_("The specification is fixed once the tender is published."))
    if contract_start and contract_end and contract_end < contract_start:
        raise ValidationFailed(_("The contract cannot end before it starts."),
                               fields={"contract_end": _("On or after the start date.")})
    tender.specification = (specification or "").strip()
    tender.bid_deadline = end_of_day_utc(bid_deadline) if bid_deadline else None
    tender.contract_start, tender.contract_end = contract_start, contract_end
    flush()
    audit.record(actor=actor, action="tender.update_spec", object_type="tender", object_id=tender.id,
                 after={"state": tender.state, "has_spec": bool(tender.specification)})


def publish_tender(*, actor, tender: JointTender) -> None:
    """Call for bids: needs a specification, a future bid deadline and confirmed participants."""
    require_coordinator(actor)
    errors = {}
    if not tender.specification:
        errors["specification"] = _("Write the specification first.")
    if tender.bid_deadline is None or tender.bid_deadline < utcnow():
        errors["bid_deadline"] = _("Set a bid deadline in the future.")
    if not any(p.status == "confirmed" for p in tender.participations):
        errors["participants"] = _("No municipality is confirmed.")
    if errors and tender.state == "spec_drafting":
        raise ValidationFailed(" ".join(errors.values()), fields=errors)
    transition(actor, tender, ("spec_drafting",), "tendering", "publish")


def start_evaluation(*, actor, tender: JointTender) -> None:
    """Bidding is over: evaluate the bids (needs at least one)."""
    if tender.state == "tendering" and not tender.bids:
        raise InvalidTransition(_("No bid was recorded: record the bids, or declare the tender failed."))
    transition(actor, tender, ("tendering",), "evaluating", "evaluate")


def fail_tender(*, actor, tender: JointTender, reason: str) -> None:
    """No valid bid: the tender failed and can be re-tendered."""
    if any(b.valid for b in tender.bids):
        raise InvalidTransition(_("There is a valid bid: award the tender, or cancel it."))
    if not (reason or "").strip():
        raise ValidationFailed(_("Say why the tender failed."), fields={"reason": _("Give a reason.")})
    transition(actor, tender, ("tendering", "evaluating"), "failed", "fail", reason=reason)


def retender(*, actor, tender: JointTender) -> JointTender:
    """A new tender for the same participants and specification, linked to the failed one."""
    require_coordinator(actor)
    if tender.state != "failed":
        raise InvalidTransition(_("Only a failed tender can be re-tendered."))
    if db.session.scalar(select(JointTender.id).where(JointTender.retender_of_id == tender.id)):
        raise Conflict(_("This tender was already re-tendered."))
    new = JointTender(state="spec_drafting", retender_of_id=tender.id, created_by_id=getattr(actor, "id", None))
    for name in ("title", "description", "specification", "category_id", "fiscal_year", "unit", "survey_deadline",
                 "contract_start", "contract_end", "award_method", "price_weight", "quality_weight",
                 "allocation_rule", "mix_equal", "mix_quantity", "mix_population"):
        setattr(new, name, getattr(tender, name))
    db.session.add(new)
    flush()
    for p in tender.participations:
        if p.status == "confirmed":
            db.session.add(Participation(tender_id=new.id, municipality_id=p.municipality_id, status="confirmed",
                                         request_id=p.request_id, quantity=p.quantity,
                                         budget_ceiling_jpy=p.budget_ceiling_jpy))
    for req in list(tender.requests):
        req.tender_id = new.id
    flush()
    audit.record(actor=actor, action="tender.retender", object_type="tender", object_id=new.id,
                 after={"state": new.state, "retender_of": tender.id})
    return new


def cancel_tender(*, actor, tender: JointTender, reason: str) -> None:
    """Stop the tender before award; its requests go back to the pool."""
    if not (reason or "").strip():
        raise ValidationFailed(_("Say why the tender is cancelled."), fields={"reason": _("Give a reason.")})
    transition(actor, tender, PRE_AWARD, "cancelled", "cancel", reason=reason)
    for p in tender.participations:
        release_request(p)
    flush()


def start_contracting(*, actor, tender: JointTender) -> None:
    """Each municipality signs its own contract for its allocated amount."""
    if tender.state == "awarded" and tender.allocated_at is None:
        raise InvalidTransition(_("Allocate the costs first."))
    transition(actor, tender, ("awarded",), "contracting", "start_contracting")
    notices.contracting_started(tender)


def activate_contracts(*, actor, tender: JointTender) -> None:
    """Contracts are signed: participants become contracted."""
    transition(actor, tender, ("contracting",), "active", "activate")
    for p in tender.participations:
        if p.status == "confirmed":
            p.status, p.contract_signed_at = "contracted", utcnow()
    flush()


def close_tender(*, actor, tender: JointTender) -> None:
    """The contract period is over."""
    transition(actor, tender, ("active",), "closed", "close")
