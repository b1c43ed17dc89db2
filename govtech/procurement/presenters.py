"""What a tender page shows to whom: steps, next actions, visible participants, amounts, forms (no writes); the
rows and filter choices of the tender and request lists, formatted for printing."""
from __future__ import annotations

from flask import url_for

from govtech.core.templating import day, id_url, number, yen
from govtech.procurement.access import can_see_private_amounts, own_participation
from govtech.procurement.awards import bid_scores
from govtech.procurement.dates import tokyo_date
from govtech.procurement.estimates import tender_estimate
from govtech.procurement.forms import AllocationForm, BidForm, DeadlineForm, JoinForm, ReasonForm, SpecForm
from govtech.procurement.labels import label
from govtech.procurement.models import TENDER_FLOW, JointTender, ProcurementRequest
from govtech.procurement.web import deadline, state_badge

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


def _per_value(format_one):
    """`format_one` of one argument, called once per distinct argument: a page's rows repeat states and dates."""
    known: dict = {}

    def formatted(value):
        try:
            return known[value]
        except KeyError:
            found = known[value] = format_one(value)
            return found

    return formatted


# The list pages format their rows here, in one loop, into tuples the template prints as they are: formatting
# them cell by cell in the template (attribute lookups, filters and calls per cell) cost more than the query.
def tender_rows(page) -> list[tuple]:
    """The rows of the tender list (`queries.tender_rows_page`): reference (as `JointTender.reference`), detail
    URL, title (plain text, escaped by the template), category, fiscal year, municipalities joined, awarded
    total, participation deadline and state badge (Markup)."""
    url = id_url("procurement.tender_detail", "tender_id")
    badge = _per_value(lambda state: state_badge("tender", state))
    day_of = _per_value(deadline)
    return [(JointTender.reference_of(tender_id, fy), url(tender_id), title, category, fy, joined, yen(total),
             day_of(survey_deadline), badge(state))
            for tender_id, (title, fy, survey_deadline, state, category, total, joined)
            in zip(page.items, page.extra, strict=True)]


def request_rows(page) -> list[tuple]:
    """The rows of the request list (`queries.request_rows_page`): detail URL, title (plain text), reference (as
    `ProcurementRequest.reference`), municipality (None on an officer's list, which has no such column),
    category, quantity with its unit, budget, fiscal year, desired start and state badge (Markup)."""
    url = id_url("procurement.request_detail", "request_id")
    badge = _per_value(lambda state: state_badge("request", state))
    day_of = _per_value(day)
    return [(url(request_id), title, ProcurementRequest.reference_of(request_id, external_id), municipality[0] if municipality else None,
             category, f"{number(quantity)} {unit}" if unit else number(quantity), yen(budget), fy, day_of(start),
             badge(state))
            for request_id, (title, external_id, quantity, unit, budget, fy, start, state, category, *municipality)
            in zip(page.items, page.extra, strict=True)]


def state_choices(kind: str, states, chosen: str | None) -> list[tuple[str, str, bool]]:
    """(state, translated label, chosen) of a list's state filter (kind: request or tender)."""
    return [(state, label(kind, state), state == chosen) for state in states]


def tender_pipeline(states: list[tuple[str, str, bool]], counts: dict[str, int]) -> list[tuple]:
    """(URL of the tender list in the state, how many tenders are in it, label, current) over `state_choices`:
    the states are plain words, so the URLs are the list's URL with `?state=…`, routed once."""
    base = url_for("procurement.tenders_list")
    return [(f"{base}?state={state}", counts.get(state, 0), name, current) for state, name, current in states]


def category_choices(categories, lang: str, chosen: str | None) -> list[tuple[str, str, bool]]:
    """(code, name in `lang`, chosen) of a list's category filter."""
    return [(c.code, c.display_name(lang), c.code == chosen) for c in categories]
