"""Coordinators' view of the talent pool: search, profiles, verified levels, CSV intake."""
from __future__ import annotations

import base64

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech.accounts.forms import ConfirmForm
from govtech.accounts.permissions import role_required
from govtech.core import jobs
from govtech.core.web import commit, get_locale_code
from govtech.talent import csv_import, presenters, queries, services
from govtech.talent.forms import ImportForm
from govtech.talent.routes import bp
from govtech.talent.routes.common import attempt, page_args


@bp.route("/professionals")
@role_required("coordinator")
def professionals():
    """The pool: search by name, email, id or bio; filter by a skill at a minimum level."""
    args = request.args
    consenting = {"yes": True, "no": False}.get(args.get("consent", ""))
    page = queries.professionals_rows(q=args.get("q") or None, skill_id=args.get("skill", type=int),
                                      min_level=args.get("level", 2, type=int), consenting=consenting,
                                      sort=args.get("sort"), **page_args())
    skills, skill_names = queries.skill_names(get_locale_code())
    return render_template("talent/professionals.html", page=page, rows=presenters.professional_rows(page, skill_names),
                           skill_options=presenters.skill_options(skills, args.get("skill")))


@bp.route("/professionals/<int:professional_id>")
@role_required("coordinator")
def professional_detail(professional_id: int):
    """A professional's full profile and their matches; coordinators can verify levels here."""
    professional = queries.professional(professional_id) or abort(404)
    return render_template("talent/professional.html", professional=professional, skill_map=queries.skill_map(),
                           matches=queries.my_matches(professional.id), confirm=ConfirmForm())


@bp.route("/professionals/<int:professional_id>/verify/<int:skill_id>", methods=["POST"])
@role_required("coordinator")
def verify(professional_id: int, skill_id: int):
    """Mark a self-assessed level as verified (or undo it)."""
    professional = queries.professional(professional_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    verified = request.form.get("verified") == "1"
    attempt(lambda: services.verify_skill(professional=professional, skill_id=skill_id, verified=verified,
                                          actor=current_user),
            _("The level is marked verified.") if verified else _("The verification was removed."))
    return redirect(url_for("talent.professional_detail", professional_id=professional_id))


@bp.route("/import", methods=["GET", "POST"])
@role_required("coordinator")
def import_csv():
    """Bulk intake of professionals.csv or roles.csv as a background job: all rows or none, every error listed."""
    form = ImportForm()
    if form.validate_on_submit():
        job_id = jobs.submit(kind=csv_import.IMPORT_JOB, user=current_user, payload={
            "kind": form.kind.data, "data": base64.b64encode(form.file.data.read()).decode("ascii"),
            "user_id": current_user.id, "locale": get_locale_code()}).id
        commit()  # the id was read before: no refresh query (and no write lock) after the commit
        jobs.start(job_id)
        return redirect(url_for("core.job_status", job_id=job_id))
    return render_template("talent/import.html", form=form)
