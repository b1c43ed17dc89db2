"""Translated names of procurement states, methods and rules (for templates, forms and messages)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from govtech.core.web import translated

REQUEST_STATE_LABELS = {
    "draft": _l("Draft"), "submitted": _l("Submitted"), "returned": _l("Returned for changes"),
    "pooled": _l("In a joint tender"), "withdrawn": _l("Withdrawn"), "declined": _l("Not taken up"),
}
TENDER_STATE_LABELS = {
    "survey_open": _l("Open for participation"), "survey_closed": _l("Participation closed"),
    "spec_drafting": _l("Drafting the specification"), "tendering": _l("Tendering"),
    "evaluating": _l("Evaluating bids"), "awarded": _l("Awarded"), "contracting": _l("Contracting"),
    "active": _l("Contracts active"), "closed": _l("Closed"), "cancelled": _l("Cancelled"),
    "failed": _l("Failed (no valid bid)"),
}
PARTICIPATION_LABELS = {
    "invited": _l("Offered, no answer yet"), "interested": _l("Joined"), "declined": _l("Declined"),
    "confirmed": _l("Confirmed"), "withdrawn": _l("Withdrawn"), "contracted": _l("Contracted"),
}
AWARD_METHOD_LABELS = {"lowest_price": _l("Lowest price"), "combined": _l("Combined price and quality")}
RULE_LABELS = {"quantity": _l("By quantity"), "equal": _l("Equal split"), "population": _l("By population"),
               "mix": _l("Mix of rules")}
STEP_LABELS = {
    "close_survey": _l("Close participation"), "start_spec": _l("Start drafting the specification"),
    "publish": _l("Publish for bids"), "evaluate": _l("Close bidding and evaluate"), "award": _l("Award"),
    "start_contracting": _l("Start contracting"), "activate": _l("Contracts are signed"),
    "close": _l("Close the tender"), "retender": _l("Re-tender"),
}
CURVE_SOURCES = {"setting": _l("Setting"), "fitted": _l("Fitted on past awards"), "default": _l("Default")}
BADGES = {
    "draft": "badge-muted", "submitted": "badge-info", "returned": "badge-warn", "pooled": "badge-ok",
    "withdrawn": "badge-muted", "declined": "badge-err", "survey_open": "badge-info", "survey_closed": "badge-info",
    "spec_drafting": "badge-info", "tendering": "badge-warn", "evaluating": "badge-warn", "awarded": "badge-ok",
    "contracting": "badge-ok", "active": "badge-ok", "closed": "badge-muted", "cancelled": "badge-muted",
    "failed": "badge-err", "invited": "badge-warn", "interested": "badge-info", "confirmed": "badge-ok",
    "contracted": "badge-ok",
}


def label(kind: str, value: str) -> str:
    """The translated label of a value: kind is request, tender, participation, method, rule, step or curve."""
    table = {"request": REQUEST_STATE_LABELS, "tender": TENDER_STATE_LABELS, "participation": PARTICIPATION_LABELS,
             "method": AWARD_METHOD_LABELS, "rule": RULE_LABELS, "step": STEP_LABELS, "curve": CURVE_SOURCES}[kind]
    return translated(table.get(value, value))
