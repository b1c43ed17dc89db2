"""Procurement request pages: officers file, edit, import, submit and withdraw; coordinators return or decline."""
from __future__ import annotations

import base64

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech.accounts.permissions import role_required
from govtech.core import jobs
from govtech.core.errors import DomainError
from govtech.core.web import apply_field_errors, commit, get_locale_code
from govtech.extensions import db
from govtech.procurement import queries, services
from govtech.procurement.access import can_edit_request, can_view_request
from govtech.procurement.forms import ImportForm, ReasonForm, RequestForm
from govtech.procurement.models import REQUEST_STATES, fiscal_year_of
from govtech.procurement.presenters import category_choices, request_rows, state_choices
from govtech.procurement.tenders import tokyo_today

bp = Blueprint("procurement", __name__, url_prefix="/procurement")
SAMPLE_CSV = ("external_id,municipality,title,category,description,quantity,unit,budget_jpy,desired_start,fiscal_year\r\n"
              "13307-2026-01,檜原村,Microsoft 365 ライセンス,office-license,職員用のメール・表計算・Teams,40,ライセンス,"
              "2400000,2026-04-01,2026\r\n")


def run_action(action, ok_message: str, target: str):
    """Run one service call for a button, commit, flash the outcome, redirect back."""
    try:
        action()
        commit()
        flash(ok_message, "success")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(target)


def _request_or_404(request_id: int, *, edit: bool = False):
    req = queries.get_request(request_id)
    if req is None or not can_view_request(current_user, req):
        abort(404)  # another municipality's draft is as good as nonexistent
    if edit and not can_edit_request(current_user, req):
        abort(403)
    return req


def _request_form(obj=None) -> RequestForm:
    form = RequestForm(obj=obj)
    lang = get_locale_code()
    form.category.choices = [("", "—")] + [(c.code, c.display_name(lang)) for c in queries.categories()]
    if obj is not None and request.method == "GET":
        form.category.data, form.version.data = obj.category.code, obj.version
    elif request.method == "GET":
        form.fiscal_year.data = fiscal_year_of(tokyo_today())
    return form


def _values(form: RequestForm) -> dict:
    cats = {c.code: c for c in queries.categories()}
    return {"category": cats.get(form.category.data), "title": form.title.data, "description": form.description.data,
            "requirements": form.requirements.data, "quantity": form.quantity.data, "unit": form.unit.data,
            "budget_jpy": form.budget_jpy.data, "desired_start": form.desired_start.data,
            "fiscal_year": form.fiscal_year.data, "external_id": form.external_id.data}


def _all_errors(form: RequestForm) -> None:
    """After a failed form validation, also show the service's rule errors, so every problem is listed at once."""
    if not form.is_submitted():
        return
    for name, message in services.request_errors(_values(form)).items():
        field = getattr(form, name, None)
        if field is not None and not field.errors:
            field.errors = list(field.errors) + [message]


@bp.route("/requests")
@role_required("officer", "coordinator")
def requests():
    """Officers: their municipality's requests. Coordinators: every submitted request."""
    args = request.args
    page = queries.request_rows_page(user=current_user, page=args.get("page", 1, type=int),
                                     per_page=current_app.config["PAGE_SIZE"], lang=get_locale_code(),
                                     state=args.get("state") or None, category=args.get("category") or None,
                                     fiscal_year=args.get("fy", type=int),
                                     municipality_id=args.get("municipality", type=int), q=args.get("q") or None,
                                     sort=args.get("sort"))
    categories, years, _counts = queries.list_filters()
    officer = current_user.role == "officer"  # only officers see drafts (their own)
    states = state_choices("request", [s for s in REQUEST_STATES if officer or s != "draft"], args.get("state"))
    return render_template("procurement/requests.html", page=page, rows=request_rows(page), states=states,
                           categories=category_choices(categories, get_locale_code(), args.get("category")),
                           years=years, municipality_filter=not officer)


@bp.route("/requests/new", methods=["GET", "POST"])
@role_required("officer")
def request_new():
    """File a new request for one's municipality."""
    form = _request_form()
    if form.validate_on_submit():
        try:
            req = services.create_request(actor=current_user, municipality=current_user.municipality,
                                          values=_values(form), submit=form.save_submit.data)
            commit()
        except DomainError as exc:
            db.session.rollback()
            apply_field_errors(form, exc)
        else:
            flash(_("The request was submitted to GovTech Tokyo.") if req.state == "submitted"
                  else _("The draft was saved. Only your municipality can see it."), "success")
            return redirect(url_for("procurement.request_detail", request_id=req.id))
    else:
        _all_errors(form)
    return render_template("procurement/request_form.html", form=form, req=None)


@bp.route("/requests/<int:request_id>")
@role_required("officer", "coordinator")
def request_detail(request_id: int):
    """One request, its state and what can be done next."""
    req = _request_or_404(request_id)
    return render_template("procurement/request_detail.html", req=req, reason_form=ReasonForm())


@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
@role_required("officer")
def request_edit(request_id: int):
    """Change a request (draft, submitted or returned); a stale edit is refused, not lost silently."""
    req = _request_or_404(request_id, edit=True)
    form = _request_form(obj=req)
    if form.validate_on_submit():
        try:
            services.update_request(actor=current_user, request=req, values=_values(form),
                                    version=int(form.version.data or 0) or None)
            if form.save_submit.data and req.state in ("draft", "returned"):
                services.submit_request(actor=current_user, request=req)
            commit()
        except DomainError as exc:
            db.session.rollback()
            apply_field_errors(form, exc)
        else:
            flash(_("The request was saved."), "success")
            return redirect(url_for("procurement.request_detail", request_id=req.id))
    else:
        _all_errors(form)
    return render_template("procurement/request_form.html", form=form, req=req)


@bp.route("/requests/<int:request_id>/<any(submit, withdraw):step>", methods=["POST"])
@role_required("officer")
def request_step(request_id: int, step: str):
    """Submit or withdraw one's own request."""
    req = _request_or_404(request_id, edit=True)
    service, message = {"submit": (services.submit_request, _("The request was submitted to GovTech Tokyo.")),
                        "withdraw": (services.withdraw_request, _("The request was withdrawn."))}[step]
    return run_action(lambda: service(actor=current_user, request=req), message,
                      url_for("procurement.request_detail", request_id=req.id))


@bp.route("/requests/<int:request_id>/<any(return, decline):step>", methods=["POST"])
@role_required("coordinator")
def request_review(request_id: int, step: str):
    """A coordinator returns a request for changes or declines it, with a reason."""
    req = _request_or_404(request_id)
    form = ReasonForm()
    service, message = {"return": (services.return_request, _("The request was returned to the municipality.")),
                        "decline": (services.decline_request, _("The request was declined."))}[step]
    return run_action(lambda: service(actor=current_user, request=req, reason=form.reason.data or ""), message,
                      url_for("procurement.request_detail", request_id=req.id))


@bp.route("/requests/import", methods=["GET", "POST"])
@role_required("officer")
def request_import():
    """Upload requests from a CSV file; a background job checks every row and imports all of them or none."""
    form = ImportForm()
    if form.validate_on_submit():
        data = base64.b64encode(form.file.data.read()).decode("ascii")
        job_id = jobs.submit(kind=services.IMPORT_JOB, user=current_user, payload={
            "data": data, "state": form.state.data, "user_id": current_user.id, "locale": get_locale_code()}).id
        commit()  # the id was read before: no refresh query (and no write lock) after the commit
        jobs.start(job_id)
        return redirect(url_for("core.job_status", job_id=job_id))
    return render_template("procurement/import.html", form=form)


@bp.route("/requests/template.csv")
@role_required("officer")
def request_template():
    """A sample requests.csv (UTF-8 with BOM, so Excel opens it correctly)."""
    return Response("\ufeff" + SAMPLE_CSV, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=requests-sample.csv"})
