"""Coordinators' tender actions (state steps, specification, bids, award, allocation, OCDS) and the savings and
volume-discount settings pages."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from govtech.accounts.permissions import role_required
from govtech.core.errors import DomainError
from govtech.core.web import apply_field_errors, commit
from govtech.extensions import db
from govtech.procurement import awards, ocds, queries, services, tenders
from govtech.procurement.estimates import curves_by_category
from govtech.procurement.forms import (
    AllocationForm,
    BidForm,
    CategoryCurveForm,
    DeadlineForm,
    ReasonForm,
    SpecForm,
)
from govtech.procurement.open_data import ocds_download
from govtech.procurement.routes import bp, run_action
from govtech.procurement.tender_routes import detail_url, render_detail, tender_or_404

STEPS = {
    "close_survey": (tenders.close_survey, _l("Participation is closed; the joined municipalities are confirmed.")),
    "start_spec": (tenders.start_spec_drafting, _l("Specification drafting started.")),
    "publish": (tenders.publish_tender, _l("The tender was published for bids.")),
    "evaluate": (tenders.start_evaluation, _l("Bidding closed; evaluate the bids.")),
    "award": (awards.award_tender, _l("The tender was awarded and the costs allocated.")),
    "start_contracting": (tenders.start_contracting, _l("Contracting started.")),
    "activate": (tenders.activate_contracts, _l("The contracts are active.")),
    "close": (tenders.close_tender, _l("The tender is closed.")),
}


@bp.route("/tenders/<int:tender_id>/step/<action>", methods=["POST"])
@role_required("coordinator")
def tender_step(tender_id: int, action: str):
    """Move a tender one step along its lifecycle (each step checks its own rules)."""
    tender = tender_or_404(tender_id)
    if action == "retender":
        try:
            new = tenders.retender(actor=current_user, tender=tender)
            commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(detail_url(tender))
        flash(_("A new tender was created for the same participants."), "success")
        return redirect(detail_url(new))
    service, message = STEPS.get(action) or abort(404)
    return run_action(lambda: service(actor=current_user, tender=tender), str(message), detail_url(tender))


@bp.route("/tenders/<int:tender_id>/<any(cancel, fail):action>", methods=["POST"])
@role_required("coordinator")
def tender_stop(tender_id: int, action: str):
    """Cancel the tender, or declare it failed for lack of a valid bid (with a reason)."""
    tender = tender_or_404(tender_id)
    form = ReasonForm()
    service, message = {"cancel": (tenders.cancel_tender, _("The tender was cancelled.")),
                        "fail": (tenders.fail_tender, _("The tender failed; you can re-tender it."))}[action]
    return run_action(lambda: service(actor=current_user, tender=tender, reason=form.reason.data or ""),
                      message, detail_url(tender))


@bp.route("/tenders/<int:tender_id>/reopen", methods=["POST"])
@role_required("coordinator")
def tender_reopen(tender_id: int):
    """Open participation again with a new deadline."""
    tender = tender_or_404(tender_id)
    form = DeadlineForm()
    return run_action(lambda: tenders.reopen_survey(actor=current_user, tender=tender, deadline=form.deadline.data),
                      _("Participation is open again."), detail_url(tender))


def _save_form(tender, form, action, message: str, form_name: str):
    """Validate a form on the tender page, run the service, re-render with errors next to the fields."""
    if form.validate_on_submit():
        try:
            action()
            commit()
        except DomainError as exc:
            db.session.rollback()
            apply_field_errors(form, exc)
        else:
            flash(message, "success")
            return redirect(detail_url(tender))
    return render_detail(tender_or_404(tender.id), 422, **{form_name: form})


@bp.route("/tenders/<int:tender_id>/spec", methods=["POST"])
@role_required("coordinator")
def tender_spec(tender_id: int):
    """Save the joint specification, bid deadline and contract period."""
    tender = tender_or_404(tender_id)
    form = SpecForm()
    return _save_form(tender, form, lambda: tenders.update_specification(
        actor=current_user, tender=tender, specification=form.specification.data, bid_deadline=form.bid_deadline.data,
        contract_start=form.contract_start.data, contract_end=form.contract_end.data),
        _("The specification was saved."), "spec_form")


@bp.route("/tenders/<int:tender_id>/bids", methods=["POST"])
@role_required("coordinator")
def tender_bid(tender_id: int):
    """Record one bid."""
    tender = tender_or_404(tender_id)
    form = BidForm()
    score = form.technical_score.data
    return _save_form(tender, form, lambda: awards.record_bid(
        actor=current_user, tender=tender, vendor_name=form.vendor_name.data, unit_price_jpy=form.unit_price_jpy.data,
        total_jpy=form.total_jpy.data, technical_score=float(score) if score is not None else None,
        valid=form.valid.data, invalid_reason=form.invalid_reason.data), _("The bid was recorded."), "bid_form")


@bp.route("/tenders/<int:tender_id>/bids/<int:bid_id>/validity", methods=["POST"])
@role_required("coordinator")
def bid_validity(tender_id: int, bid_id: int):
    """Mark a bid valid again, or invalid with a reason."""
    tender = tender_or_404(tender_id)
    bid = next((b for b in tender.bids if b.id == bid_id), None) or abort(404)
    form = ReasonForm()
    return run_action(lambda: awards.set_bid_validity(actor=current_user, bid=bid, valid=not bid.valid,
                                                      reason=form.reason.data or ""),
                      _("The bid was updated."), detail_url(tender))


@bp.route("/tenders/<int:tender_id>/allocate", methods=["POST"])
@role_required("coordinator")
def tender_allocate(tender_id: int):
    """Split the award total again with another rule (before contracting)."""
    tender = tender_or_404(tender_id)
    form = AllocationForm()
    rule = {name: getattr(form, name).data for name in ("allocation_rule", "mix_equal", "mix_quantity",
                                                        "mix_population")}
    return _save_form(tender, form, lambda: awards.allocate_costs(actor=current_user, tender=tender, rule=rule),
                      _("The costs were allocated."), "allocation_form")


@bp.route("/tenders/<int:tender_id>/ocds.json")
@role_required("coordinator")
def tender_ocds(tender_id: int):
    """The tender's OCDS release package (any state), as a download."""
    tender = tender_or_404(tender_id)
    return ocds_download([tender], f"{ocds.ocid(tender)}.json")


@bp.route("/savings")
@role_required("officer", "coordinator")
def savings():
    """Allocated cost and savings per municipality and fiscal year (officers: their own)."""
    own = current_user.municipality_id if current_user.role == "officer" else None
    rows = queries.savings_table(municipality_id=own)
    return render_template("procurement/savings.html", rows=rows,
                           total={k: sum(r[k] for r in rows) for k in ("standalone_jpy", "allocated_jpy", "savings_jpy")})


@bp.route("/categories", methods=["GET", "POST"])
@role_required("coordinator", "admin")
def category_curves():
    """Volume-discount exponent per category: a setting, else fitted on past awards, else the default."""
    form = CategoryCurveForm()
    if form.validate_on_submit():
        category = next((c for c in queries.categories() if c.code == request.form.get("code")), None) or abort(404)
        value = form.discount_exponent.data
        return run_action(lambda: services.set_discount_exponent(
            actor=current_user, category=category, exponent=float(value) if value is not None else None),
            _("The setting was saved."), url_for("procurement.category_curves"))
    return render_template("procurement/categories.html", categories=queries.categories(),
                           curves=curves_by_category(), form=form)
