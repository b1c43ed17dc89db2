"""Sign-in, sign-out, registration, password change and user administration pages."""
from __future__ import annotations

import json
import time

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from govtech.accounts import privacy as privacy_service
from govtech.accounts import queries, services
from govtech.accounts.forms import (
    ConfirmForm,
    DeleteAccountForm,
    LoginForm,
    PasswordForm,
    RegisterForm,
    UserCreateForm,
)
from govtech.accounts.models import User
from govtech.accounts.permissions import public, role_required
from govtech.core.errors import DomainError
from govtech.core.web import apply_field_errors, commit, get_locale_code, safe_next_url
from govtech.extensions import db

bp = Blueprint("accounts", __name__)


def _start_session(user: User) -> None:
    session.clear()  # a fresh session at sign-in: nothing from before survives (fixation)
    session.permanent = True
    login_user(user)
    session["lang"] = user.locale
    session["started"] = int(time.time())


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign in with email and password; throttled per account and per address."""
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(email=form.email.data, password=form.password.data,
                                         ip=request.remote_addr or "")
        except services.TooManyAttempts:
            commit()
            flash(_("Too many failed sign-ins. Wait 15 minutes and try again."), "error")
            return render_template("accounts/login.html", form=form), 429
        commit()
        if user is None:
            flash(_("Email or password is not correct."), "error")
            return render_template("accounts/login.html", form=form), 401
        _start_session(user)
        return redirect(safe_next_url(request.args.get("next")) or url_for("core.home"))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out of every session of this account."""
    if ConfirmForm().validate_on_submit():
        services.end_all_sessions(current_user)
        commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    """Self-registration for digital professionals (consent recorded)."""
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(email=form.email.data, password=form.password.data, role="professional",
                                        display_name=form.display_name.data, consent=True)
            user.locale = get_locale_code()
            commit()
        except DomainError as exc:
            db.session.rollback()
            apply_field_errors(form, exc)
        else:
            _start_session(user)
            flash(_("Welcome! Fill in your skill profile so coordinators can find you."), "success")
            return redirect(url_for("core.home"))
    return render_template("accounts/register.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
def password():
    """Change one's own password; other sessions end."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(user=current_user, current=form.current_password.data,
                                     new=form.new_password.data)
            commit()
        except DomainError as exc:
            db.session.rollback()
            apply_field_errors(form, exc)
        else:
            _start_session(current_user._get_current_object())
            flash(_("Your password was changed. Other sessions were signed out."), "success")
            return redirect(url_for("core.home"))
    return render_template("accounts/password.html", form=form)


@bp.route("/admin/users")
@role_required("admin")
def users():
    """All accounts, filtered and paginated."""
    page = queries.user_page(page=request.args.get("page", 1, type=int),
                             per_page=current_app.config["PAGE_SIZE"],
                             role=request.args.get("role") or None, q=request.args.get("q") or None)
    return render_template("accounts/users.html", page=page, confirm=ConfirmForm())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@role_required("admin")
def user_new():
    """Create an officer, coordinator or admin account."""
    form = UserCreateForm()
    form.municipality.choices = [("", "—")] + queries.municipality_choices(get_locale_code())
    if form.validate_on_submit():
        muni = db.session.get(services.Municipality, int(form.municipality.data)) if form.municipality.data else None
        try:
            services.create_user(email=form.email.data, password=form.password.data, role=form.role.data,
                                 municipality=muni if form.role.data == "officer" else None,
                                 display_name=form.display_name.data, actor=current_user)
            commit()
        except DomainError as exc:
            db.session.rollback()
            apply_field_errors(form, exc)
        else:
            flash(_("The account was created."), "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_new.html", form=form)


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@role_required("admin")
def user_active(user_id: int):
    """Disable or re-enable an account (disabling signs it out everywhere)."""
    user = db.session.get(User, user_id) or abort(404)
    if not ConfirmForm().validate_on_submit() or user.id == current_user.id:
        abort(400)
    services.set_active(user=user, active=not user.active, actor=current_user)
    commit()
    flash(_("The account was updated."), "success")
    return redirect(url_for("accounts.users"))


@bp.route("/account/privacy")
def privacy():
    """Your data: download it, or (professionals) delete your account."""
    return render_template("accounts/privacy.html", form=DeleteAccountForm())


@bp.route("/account/data.json")
def my_data():
    """Everything the portal holds about you, as a JSON download."""
    payload = json.dumps(privacy_service.export_user_data(current_user), ensure_ascii=False, indent=2, default=str)
    return Response(payload, mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=my-govtech-data.json"})


@bp.route("/account/delete", methods=["POST"])
@role_required("professional")
def delete_account():
    """Delete (anonymise) your own professional account, then sign out."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            privacy_service.delete_account(user=current_user, password=form.password.data)
            commit()
        except DomainError as exc:
            db.session.rollback()
            apply_field_errors(form, exc)
        else:
            logout_user()
            session.clear()
            flash(_("Your account was deleted. Thank you for your help."), "info")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/privacy.html", form=form), 422
