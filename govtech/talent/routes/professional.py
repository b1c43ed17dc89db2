"""Pages of a digital professional: the profile with the skill grid, roles that fit, introductions."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech.accounts.permissions import role_required
from govtech.core.errors import DomainError
from govtech.core.web import apply_field_errors, commit
from govtech.extensions import db
from govtech.talent import queries, ranking, services, workflow
from govtech.talent.forms import ActionForm, profile_form, skill_field_name
from govtech.talent.routes import bp
from govtech.talent.routes.common import attempt


def _profile_data(form, skills) -> tuple[dict, dict[int, int]]:
    data = {name: form[name].data for name in services.PROFILE_FIELDS}
    data["bio"] = (data["bio"] or "").strip()
    data["regions"] = form.regions.data or []
    levels = {s.id: int(form[skill_field_name(s.id)].data or 0) for s in skills}
    return data, levels


@bp.route("/profile", methods=["GET", "POST"])
@role_required("professional")
def profile():
    """Edit one's profile: availability, work style, areas, skills by level, bio, consent."""
    professional = services.profile_for(current_user, create=request.method == "POST")
    skills = queries.skills()
    form = profile_form(skills, obj=professional, data=None if professional else {
        "name": current_user.display_name, "email": current_user.email,
        "consent_to_introduce": current_user.consent_at is not None})
    if request.method == "GET" and professional is not None:
        held = {ps.skill_id: ps.level for ps in professional.skills}
        for s in skills:
            form[skill_field_name(s.id)].data = str(held.get(s.id, 0))
    if form.validate_on_submit():
        try:
            data, levels = _profile_data(form, skills)
            services.save_profile(professional=professional, data=data, levels=levels, actor=current_user)
            commit()
        except DomainError as exc:
            db.session.rollback()
            apply_field_errors(form, exc)
        else:
            flash(_("Your profile was saved."), "success")
            return redirect(url_for("talent.my_roles"))
    return render_template("talent/profile.html", form=form, skill_map=queries.skill_map(),
                           professional=professional, completeness=services.profile_completeness(professional))


@bp.route("/my-roles")
@role_required("professional")
def my_roles():
    """Open roles ranked by how well they fit me, with my score and the skills I miss."""
    professional = services.profile_for(current_user, create=False)
    results = ranking.roles_for(professional, queries.open_roles()) if professional else []
    mine = {m.role_id: m for m in queries.my_matches(professional.id)} if professional else {}
    show_all = request.args.get("all") == "1"
    shown = results if show_all else [r for r in results if r[1]["eligible"]]
    return render_template("talent/my_roles.html", professional=professional, results=shown, mine=mine,
                           hidden=len(results) - len(shown), show_all=show_all, action=ActionForm())


@bp.route("/my-roles/<int:role_id>/interest", methods=["POST"])
@role_required("professional")
def interest(role_id: int):
    """Ask the coordinators to consider me for an open role."""
    professional = services.profile_for(current_user, create=False)
    role = queries.role(role_id)
    if role is None or role.state != "open" or professional is None or not ActionForm().validate_on_submit():
        abort(400 if role else 404)
    explanation = ranking.explain_pair(role, professional.id)
    attempt(lambda: workflow.express_interest(role=role, professional=professional, actor=current_user,
                                              score=explanation["score"] if explanation else None,
                                              explanation=explanation),
            _("Thank you. A coordinator will look at your profile for this role."))
    return redirect(url_for("talent.my_roles"))


@bp.route("/introductions")
@role_required("professional")
def introductions():
    """My introductions: accept or decline them, or withdraw."""
    professional = services.profile_for(current_user, create=False)
    matches = queries.my_matches(professional.id) if professional else []
    return render_template("talent/introductions.html", matches=matches, action=ActionForm())
