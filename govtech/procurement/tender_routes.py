"""Joint tender pages: coordinators' list, pooling suggestions and new tender; the detail page for both roles;
officers' open tenders (手挙げ) and their join, decline and withdraw answers."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech.accounts.permissions import role_required
from govtech.core.errors import DomainError
from govtech.core.web import apply_field_errors, commit, get_locale_code
from govtech.extensions import db
from govtech.procurement import participation, queries, tenders
from govtech.procurement.access import can_view_tender
from govtech.procurement.forms import JoinForm, TenderForm
from govtech.procurement.models import TENDER_STATES, fiscal_year_of
from govtech.procurement.presenters import (
    category_choices,
    state_choices,
    tender_pipeline,
    tender_rows,
    tender_view,
)
from govtech.procurement.routes import bp, run_action


def tender_or_404(tender_id: int):
    """The tender if this user may see it (404 otherwise, so private tenders do not leak)."""
    tender = queries.get_tender(tender_id)
    if tender is None or not can_view_tender(current_user, tender):
        abort(404)
    return tender


def render_detail(tender, status: int = 200, **forms):
    """The tender page, with forms that came back with errors."""
    return render_template("procurement/tender_detail.html", **tender_view(tender, current_user, **forms)), status


def detail_url(tender) -> str:
    return url_for("procurement.tender_detail", tender_id=tender.id)


@bp.route("/tenders")
@role_required("coordinator")
def tenders_list():
    """Every joint tender, filtered by state, category, fiscal year or title; sortable; paginated."""
    args = request.args
    page = queries.tender_rows_page(page=args.get("page", 1, type=int), per_page=current_app.config["PAGE_SIZE"],
                                    lang=get_locale_code(), state=args.get("state") or None,
                                    category=args.get("category") or None, fiscal_year=args.get("fy", type=int),
                                    q=args.get("q") or None, sort=args.get("sort"))
    categories, years, counts = queries.list_filters(pipeline=True)
    states = state_choices("tender", TENDER_STATES, args.get("state"))
    return render_template("procurement/tenders.html", page=page, rows=tender_rows(page), states=states,
                           pipeline=tender_pipeline(states, counts), years=years,
                           categories=category_choices(categories, get_locale_code(), args.get("category")))


@bp.route("/open-tenders")
@role_required("officer")
def open_tenders():
    """Tenders an officer's municipality can join now, and the ones it takes part in."""
    show_all = request.args.get("all") == "1"
    page = queries.open_tenders_for(current_user, show_all=show_all, page=request.args.get("page", 1, type=int),
                                    per_page=current_app.config["PAGE_SIZE"])
    mine = queries.my_participations(current_user, per_page=50)
    return render_template("procurement/open_tenders.html", page=page, mine=mine, show_all=show_all)


@bp.route("/pools")
@role_required("coordinator")
def pools():
    """Suggested pools: the same need filed by several municipalities, best estimated savings first."""
    views = queries.pool_suggestions()
    return render_template("procurement/pools.html", pools=views, waiting=len(queries.poolable_requests()))


def _prepare_tender_form(form: TenderForm, selected: list[int]) -> list:
    """Choices of the form and, on first display, defaults taken from the selected requests."""
    lang = get_locale_code()
    cats = queries.categories()
    form.category.choices = [("", "—")] + [(c.code, c.display_name(lang)) for c in cats]
    chosen = [r for r in queries.poolable_requests() if r.id in set(selected)]
    fy = form.fiscal_year.data or (chosen[0].fiscal_year if chosen else fiscal_year_of(tenders.tokyo_today()))
    candidates = queries.poolable_requests(fy)
    codes = {r.category.code for r in chosen}
    candidates.sort(key=lambda r: (r.id not in selected, r.category.code not in codes, r.category.code, r.id))
    form.requests.choices = [(r.id, r.title) for r in candidates]
    if request.method == "GET":
        form.requests.data = [r.id for r in chosen]
        form.fiscal_year.data = fy
        form.survey_deadline.data = tenders.tokyo_today() + timedelta(days=14)
        if chosen:
            first = chosen[0]
            form.category.data, form.unit.data = first.category.code, first.unit
            form.title.data = _("Joint procurement: %(title)s (FY%(fy)s)", title=first.title, fy=fy)
    return candidates


def _tender_values(form: TenderForm) -> dict:
    cats = {c.code: c for c in queries.categories()}
    values = {name: getattr(form, name).data for name in (
        "title", "description", "fiscal_year", "unit", "survey_deadline", "award_method", "price_weight",
        "quality_weight", "allocation_rule", "mix_equal", "mix_quantity", "mix_population")}
    values["category"] = cats.get(form.category.data)
    return values


@bp.route("/tenders/new", methods=["GET", "POST"])
@role_required("coordinator")
def tender_new():
    """Create a joint tender from a pool (requests preselected, add or drop any) or by hand."""
    form = TenderForm()
    candidates = _prepare_tender_form(form, request.args.getlist("request", type=int))
    if form.validate_on_submit():
        try:
            ids = form.requests.data or []
            values = _tender_values(form)
            tender = (tenders.create_tender_from_pool(actor=current_user, request_ids=ids, values=values) if ids
                      else tenders.create_tender(actor=current_user, values=values))
            commit()
        except DomainError as exc:
            db.session.rollback()
            apply_field_errors(form, exc)
        else:
            flash(_("The joint tender is open for participation."), "success")
            return redirect(detail_url(tender))
    return render_template("procurement/tender_form.html", form=form, candidates=candidates)


@bp.route("/tenders/<int:tender_id>")
@role_required("officer", "coordinator")
def tender_detail(tender_id: int):
    """A tender through its states: participants, specification, bids, award, allocation, savings."""
    return render_detail(tender_or_404(tender_id))


@bp.route("/tenders/<int:tender_id>/join", methods=["POST"])
@role_required("officer")
def tender_join(tender_id: int):
    """手挙げ: join with a quantity and a ceiling, or change the answer while the tender is open."""
    tender = tender_or_404(tender_id)
    form = JoinForm()
    if form.validate_on_submit():
        joined = any(p.joined and p.municipality_id == current_user.municipality_id for p in tender.participations)
        service = participation.update_participation if joined else participation.join_tender
        try:
            service(actor=current_user, tender_id=tender.id, municipality=current_user.municipality,
                    quantity=form.quantity.data, budget_ceiling_jpy=form.budget_ceiling_jpy.data)
            commit()
        except DomainError as exc:
            db.session.rollback()
            apply_field_errors(form, exc)
        else:
            flash(_("Your answer was saved: your municipality takes part in this tender."), "success")
            return redirect(detail_url(tender))
    return render_detail(tender_or_404(tender_id), 422, join_form=form)


@bp.route("/tenders/<int:tender_id>/<any(decline, withdraw):answer>", methods=["POST"])
@role_required("officer")
def tender_answer(tender_id: int, answer: str):
    """Decline an offered tender, or withdraw before it is published."""
    tender = tender_or_404(tender_id)
    service, message = {"decline": (participation.decline_participation, _("Your municipality declined this tender.")),
                        "withdraw": (participation.withdraw_participation, _("Your municipality left this tender."))}[answer]
    return run_action(lambda: service(actor=current_user, tender_id=tender.id, municipality=current_user.municipality),
                      message, detail_url(tender))
