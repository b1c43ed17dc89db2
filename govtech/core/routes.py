"""Core pages: home, language switch, health check, audit trail, municipalities, favicon."""
from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import text

from govtech.accounts import services as account_services
from govtech.accounts.forms import ConfirmForm
from govtech.accounts.permissions import public, role_required
from govtech.core import queries
from govtech.core.web import commit, safe_next_url
from govtech.extensions import db

bp = Blueprint("core", __name__)
HOME_HOOKS = "govtech_home_panels"


@bp.route("/")
def home():
    """Each role's start page: the panels that feature blueprints contribute for that role."""
    panels = []
    for hook in current_app.extensions.get(HOME_HOOKS, []):
        panel = hook(current_user)
        if panel:
            panels.append(panel)
    return render_template("core/home.html", panels=panels)


@bp.route("/lang/<code>", methods=["POST"])
@public
def set_language(code: str):
    """Switch the UI language; remembered on the account when signed in."""
    if ConfirmForm().validate_on_submit():
        user = current_user if current_user.is_authenticated else None
        session["lang"] = account_services.set_locale(user=user, locale=code)
        if user is not None:
            commit()
    return redirect(safe_next_url(request.form.get("next")) or url_for("core.home"))


@bp.route("/healthz")
@public
def healthz():
    """Liveness and database check for load balancers and monitoring."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}


@bp.route("/favicon.ico")
@public
def favicon():
    """Browsers ask for /favicon.ico directly."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml")


@bp.route("/audit")
@role_required("coordinator", "admin")
def audit():
    """The audit trail with filters."""
    args = request.args
    page = queries.audit_page(page=args.get("page", 1, type=int), per_page=50,
                              action=args.get("action") or None, object_type=args.get("object_type") or None,
                              municipality_id=args.get("municipality", type=int),
                              day_from=args.get("from"), day_to=args.get("to"))
    return render_template("core/audit.html", page=page, object_types=queries.audit_object_types(),
                           municipalities=queries.municipalities())


@bp.route("/municipalities")
@role_required("coordinator", "admin")
def municipalities():
    """The 62 municipalities (reference data)."""
    return render_template("core/municipalities.html", municipalities=queries.municipalities())
