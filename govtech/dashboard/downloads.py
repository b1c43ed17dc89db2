"""CSV downloads of the main lists (Excel-friendly, see govtech/core/exports.py), next to the pages they mirror:
the same filters, the same role checks, the same object checks.

- /procurement/requests.csv                   officers (own municipality) and coordinators, list filters
- /procurement/tenders.csv                    coordinators, list filters
- /procurement/tenders/<id>/allocations.csv   coordinators: every participant; officers: their own row
- /talent/roles/<id>/suggestions.csv          coordinators (the suggestions page's ranking, explained)
"""
from __future__ import annotations

from flask import Blueprint, abort, request
from flask_babel import gettext as _
from flask_login import current_user

from govtech.accounts.permissions import role_required
from govtech.core.exports import csv_response
from govtech.core.web import get_locale_code
from govtech.procurement import queries as procurement
from govtech.procurement.access import can_see_private_amounts, can_view_tender
from govtech.procurement.dates import tokyo_date, tokyo_today
from govtech.procurement.labels import label
from govtech.talent import access as talent_access
from govtech.talent import queries as talent
from govtech.talent import ranking
from govtech.talent.vocab import MATCH_STATE_LABELS
from govtech.talent.vocab import label as talent_label

bp = Blueprint("downloads", __name__)
MAX_ROWS = 50_000
MAX_SUGGESTIONS = 200


def _name(prefix: str) -> str:
    return f"{prefix}-{tokyo_today().isoformat()}.csv"


@bp.route("/procurement/requests.csv")
@role_required("officer", "coordinator")
def requests_csv():
    """The requests list as CSV, with the list's filters and sort (officers: their municipality's)."""
    args, lang = request.args, get_locale_code()
    page = procurement.request_page(user=current_user, page=1, per_page=MAX_ROWS, state=args.get("state") or None,
                                    category=args.get("category") or None, fiscal_year=args.get("fy", type=int),
                                    municipality_id=args.get("municipality", type=int), q=args.get("q") or None,
                                    sort=args.get("sort"))
    header = [_("Reference"), _("Municipality code"), _("Municipality"), _("Subject"), _("Category"), _("Quantity"),
              _("Unit"), _("Budget (JPY)"), _("Fiscal year"), _("Desired start"), _("State"), _("Updated")]
    rows = ([r.reference, r.municipality.code, r.municipality.display_name(lang), r.title,
             r.category.display_name(lang), r.quantity, r.unit, r.budget_jpy, r.fiscal_year, r.desired_start,
             label("request", r.state), r.updated_at] for r in page.items)
    return csv_response(_name("requests"), header, rows)


@bp.route("/procurement/tenders.csv")
@role_required("coordinator")
def tenders_csv():
    """The joint tenders list as CSV, with the list's filters and sort."""
    args, lang = request.args, get_locale_code()
    page = procurement.tender_page(page=1, per_page=MAX_ROWS, state=args.get("state") or None,
                                   category=args.get("category") or None, fiscal_year=args.get("fy", type=int),
                                   q=args.get("q") or None, sort=args.get("sort"))
    header = [_("Reference"), _("Subject"), _("Category"), _("Fiscal year"), _("State"), _("Deadline for joining"),
              _("Municipalities"), _("Total quantity"), _("Award (JPY)"), _("Allocation rule")]
    rows = ([t.reference, t.title, t.category.display_name(lang), t.fiscal_year, label("tender", t.state),
             tokyo_date(t.survey_deadline), len(t.joined), t.total_quantity, t.award.total_jpy if t.award else None,
             label("rule", t.allocation_rule)] for t in page.items)
    return csv_response(_name("tenders"), header, rows)


@bp.route("/procurement/tenders/<int:tender_id>/allocations.csv")
@role_required("officer", "coordinator")
def allocations_csv(tender_id: int):
    """Each participant's quantity, share, stand-alone cost and savings; officers get their own row only."""
    tender = procurement.get_tender(tender_id)
    if tender is None or not can_view_tender(current_user, tender):
        abort(404)
    lang = get_locale_code()
    header = [_("Tender"), _("Municipality code"), _("Municipality"), _("Participation"), _("Quantity"),
              _("Budget ceiling (JPY)"), _("Contract amount (JPY)"), _("Rounding yen"), _("Buying alone (JPY)"),
              _("Buying alone is an estimate"), _("Savings (JPY)")]
    rows = ([tender.reference, p.municipality.code, p.municipality.display_name(lang),
             label("participation", p.status), p.quantity, p.budget_ceiling_jpy, p.allocated_jpy,
             p.rounding_extra_jpy, p.standalone_jpy, p.standalone_estimated, p.savings_jpy]
            for p in tender.joined if can_see_private_amounts(current_user, tender, p))
    return csv_response(_name(f"{tender.reference}-allocations"), header, rows)


@bp.route("/talent/roles/<int:role_id>/suggestions.csv")
@role_required("coordinator")
def suggestions_csv(role_id: int):
    """The role's ranked suggestions with the skills met, partly met and missing (personal data: coordinators)."""
    role = talent.role(role_id)
    if role is None:
        abort(404)
    if not talent_access.can_view_role(current_user, role):
        abort(403)
    ranked = ranking.suggest(role, top=MAX_SUGGESTIONS)
    people = talent.professionals_by_id([s.professional_id for s in ranked])
    status = {m.professional_id: m.status for m in talent.pipeline(role.id)}
    header = [_("Rank"), _("External ID"), _("Name"), _("Email"), _("Score"), _("Skills met"), _("Skills partly met"),
              _("Skills missing"), _("Days per week"), _("Workflow state")]

    def skills(s, state: str) -> str:
        return ";".join(x["skill"] for x in s.explanation.get("skills", []) if x["status"] == state)

    rows = ([rank, people[s.professional_id].external_id, people[s.professional_id].name,
             people[s.professional_id].email, round(s.score * 100, 1), skills(s, "met"), skills(s, "partial"),
             skills(s, "missing"), people[s.professional_id].days_per_week,
             talent_label(MATCH_STATE_LABELS, status[s.professional_id]) if s.professional_id in status else ""]
            for rank, s in enumerate(ranked, start=1))
    return csv_response(_name(f"role-{role.external_id or role.id}-suggestions"), header, rows)
