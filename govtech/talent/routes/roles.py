"""Roles: officers post, edit and close their municipality's roles and see the candidates introduced to them;
the workflow step endpoint shared by every audience."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech.accounts.forms import ConfirmForm
from govtech.accounts.permissions import role_required
from govtech.core.errors import DomainError
from govtech.core.web import apply_field_errors, commit, get_locale_code, safe_next_url
from govtech.extensions import db
from govtech.talent import access, presenters, queries, role_templates, services, workflow
from govtech.talent.forms import ActionForm, RoleForm
from govtech.talent.routes import bp
from govtech.talent.routes.common import (
    attempt,
    fill_requirement_rows,
    match_or_404,
    page_args,
    requirement_data,
    role_data,
    role_or_404,
    skill_choices,
)


@bp.route("/")
@role_required("officer", "coordinator")
def index():
    """The talent section's start page is the role list."""
    return redirect(url_for("talent.roles"))


@bp.route("/roles")
@role_required("officer", "coordinator")
def roles():
    """Roles: the officer's municipality, or every municipality for coordinators."""
    args = request.args
    page = queries.roles_rows(user=current_user, state=args.get("state") or None, q=args.get("q") or None,
                              municipality_id=args.get("municipality", type=int), sort=args.get("sort"),
                              **page_args())
    coordinator = current_user.role == "coordinator"
    return render_template("talent/roles.html", page=page, rows=presenters.role_rows(page, coordinator=coordinator),
                           coordinator=coordinator, templates=role_templates.TEMPLATES,
                           municipality_filter=coordinator)


def _role_form(role=None) -> RoleForm:
    form = RoleForm(obj=role)
    for entry in form.requirements.entries:
        entry.form.skill.choices = skill_choices(get_locale_code())
    return form


def _prefill(form: RoleForm, role=None) -> None:
    template = role_templates.get(request.args.get("template"))
    if role is not None:
        reqs = [(r.skill_id, r.min_level, r.weight) for r in role.requirements]
        form.version.data = str(role.version)
    elif template is not None:
        ids = {s.code: s.id for s in queries.skills()}
        reqs = [(ids[c], lvl, w) for c, lvl, w in template.requirements if c in ids]
        form.title.data, form.description.data = str(template.title), str(template.description)
        form.days_per_week.data, form.work_style.data = template.days_per_week, template.work_style
        form.template.data = template.code
    else:
        reqs = []
    fill_requirement_rows(form, reqs)
    for entry in form.requirements.entries:
        entry.form.skill.choices = skill_choices(get_locale_code())


@bp.route("/roles/new", methods=["GET", "POST"])
@role_required("officer")
def role_new():
    """Post a role for my municipality (optionally starting from a template)."""
    form = _role_form()
    if request.method == "GET":
        _prefill(form)
    if form.validate_on_submit():
        try:
            role = services.create_role(municipality=current_user.municipality, data=role_data(form),
                                        requirements=requirement_data(form), actor=current_user,
                                        template=form.template.data)
            commit()
        except DomainError as exc:
            db.session.rollback()
            apply_field_errors(form, exc)
        else:
            flash(_("The role was posted. GovTech Tokyo coordinators will suggest candidates."), "success")
            return redirect(url_for("talent.role_detail", role_id=role.id))
    return render_template("talent/role_form.html", form=form, role=None, templates=role_templates.TEMPLATES)


@bp.route("/roles/<int:role_id>/edit", methods=["GET", "POST"])
@role_required("officer", "coordinator")
def role_edit(role_id: int):
    """Edit a role (stale edits are refused)."""
    role = role_or_404(role_id, access.can_edit_role)
    form = _role_form(role)
    if request.method == "GET":
        _prefill(form, role)
    if form.validate_on_submit():
        try:
            services.update_role(role=role, data=role_data(form), requirements=requirement_data(form),
                                 actor=current_user, expected_version=request.form.get("version", type=int))
            commit()
        except DomainError as exc:
            db.session.rollback()
            apply_field_errors(form, exc)
        else:
            flash(_("The role was saved."), "success")
            return redirect(url_for("talent.role_detail", role_id=role.id))
    return render_template("talent/role_form.html", form=form, role=role, templates=())


@bp.route("/roles/<int:role_id>/state", methods=["POST"])
@role_required("officer", "coordinator")
def role_state(role_id: int):
    """Close a role, or reopen it."""
    role = role_or_404(role_id, access.can_edit_role)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    state = "open" if request.form.get("state") == "open" else "closed"
    attempt(lambda: services.set_role_state(role=role, state=state, actor=current_user),
            _("The role was reopened.") if state == "open" else _("The role was closed."))
    return redirect(url_for("talent.role_detail", role_id=role.id))


@bp.route("/roles/<int:role_id>")
@role_required("officer", "coordinator")
def role_detail(role_id: int):
    """A role, its requirements and its candidates (officers: only those introduced and accepted)."""
    role = role_or_404(role_id)
    matches = queries.pipeline(role.id) if current_user.role == "coordinator" else queries.introduced(role.id)
    return render_template("talent/role_detail.html", role=role, matches=matches, action=ActionForm(),
                           appointed=workflow.appointed_count(role.id), confirm=ConfirmForm())


@bp.route("/candidates/<int:match_id>")
@role_required("officer", "coordinator", "professional")
def candidate(match_id: int):
    """A candidate's profile for one role, with the explanation of the match."""
    match = match_or_404(match_id)
    history = queries.match_history(match.id) if current_user.role == "coordinator" else []
    return render_template("talent/candidate.html", match=match, professional=match.professional,
                           skill_map=queries.skill_map(), action=ActionForm(), history=history)


@bp.route("/matches/<int:match_id>/action", methods=["POST"])
@role_required("officer", "coordinator", "professional")
def match_action(match_id: int):
    """One workflow step on a match (shortlist, introduce, accept, interview, appoint, …)."""
    match = match_or_404(match_id)
    form = ActionForm()
    if not form.validate_on_submit() or not str(form.version.data).isdigit():
        abort(400)
    attempt(lambda: workflow.transition(match_id=match.id, action=form.action.data, actor=current_user,
                                        expected_version=int(form.version.data), note=form.note.data or ""),
            _done(form.action.data))
    return redirect(safe_next_url(request.form.get("next")) or url_for("talent.role_detail", role_id=match.role_id))


def _done(action: str) -> str:
    from govtech.talent.vocab import ACTION_DONE, label

    return label(ACTION_DONE, action)
