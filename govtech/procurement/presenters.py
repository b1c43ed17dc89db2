"""What a tender page shows to whom: steps, next actions, visible participants, amounts, forms (no writes)."""
from __future__ import annotations

from govtech.procurement.access import can_see_private_amounts, own_participation
from govtech.procurement.awards import bid_scores
from govtech.procurement.dates import tokyo_date
from govtech.procurement.estimates import tender_estimate
from govtech.procurement.forms import AllocationForm, BidForm, DeadlineForm, JoinForm, ReasonForm, SpecForm
from govtech.procurement.models import TENDER_FLOW, JointTender

# Coordinator buttons per state: (step endpoint argument, button style).
NEXT_STEPS = {
    "survey_open": [("close_survey", "button")],
    "survey_closed": [("start_spec", "button")],
    "spec_drafting": [("publish", "button")],
    "tendering": [("evaluate", "button")],
    "evaluating": [("award", "button")],
    "awarded": [("start_contracting", "button")],
    "contracting": [("activate", "button")],
    "active": [("close", "button secondary")],
    "failed": [("retender", "button")],
}
ESTIMATED = ("survey_open", "survey_closed", "spec_drafting", "tendering", "evaluating")
CANCELLABLE = ("survey_open", "survey_closed", "spec_drafting", "tendering", "evaluating", "failed")


def steps(tender: JointTender) -> list[tuple[str, str]]:
    """(state, css class) of the main line: done, current or to come; cancelled/failed shown at the end."""
    if tender.state in TENDER_FLOW:
        current = TENDER_FLOW.index(tender.state)
        return [(s, "done" if i < current else "current" if i == current else "") for i, s in enumerate(TENDER_FLOW)]
    return [(s, "") for s in TENDER_FLOW[:5]] + [(tender.state, "current")]


def tender_view(tender: JointTender, user, **forms) -> dict:
    """Template context for the tender detail page; `forms` replaces forms that came back with errors."""
    coordinator = user.role == "coordinator"
    mine = own_participation(user, tender)
    members = [p for p in tender.participations if p.joined]
    view = {
        "tender": tender, "steps": steps(tender), "coordinator": coordinator, "mine": mine,
        "members": members, "offered": [p for p in tender.participations if p.status == "invited"],
        "private": {p.id: can_see_private_amounts(user, tender, p) for p in tender.participations},
        "estimate": tender_estimate(tender) if tender.state in ESTIMATED else None,
        "scores": bid_scores(tender) if tender.bids else {},
        "allocation_total": sum(p.allocated_jpy or 0 for p in members),
        "rounding_names": [p.municipality for p in members if p.rounding_extra_jpy],
    }
    if coordinator:
        view.update(_coordinator_forms(tender))
    elif tender.state == "survey_open":
        join = JoinForm()
        if mine is not None and mine.quantity and not join.is_submitted():
            join.quantity.data, join.budget_ceiling_jpy.data = mine.quantity, mine.budget_ceiling_jpy
        view["join_form"] = join
    view.update(forms)
    return view


def _coordinator_forms(tender: JointTender) -> dict:
    forms = {"next_steps": NEXT_STEPS.get(tender.state, []), "cancellable": tender.state in CANCELLABLE,
             "reason_form": ReasonForm()}
    if tender.state in ("survey_open", "survey_closed", "spec_drafting"):
        spec = SpecForm(obj=tender)
        if tender.bid_deadline and not spec.is_submitted():
            spec.bid_deadline.data = tokyo_date(tender.bid_deadline)
        forms["spec_form"] = spec
    if tender.state == "survey_closed":
        forms["deadline_form"] = DeadlineForm()
    if tender.state in ("tendering", "evaluating"):
        forms["bid_form"] = BidForm()
    if tender.state == "awarded":
        forms["allocation_form"] = AllocationForm(obj=tender)
    forms["failable"] = tender.state in ("tendering", "evaluating") and not any(b.valid for b in tender.bids)
    return forms
