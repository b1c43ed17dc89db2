"""Core pages: home, language switch, health check, audit trail, municipalities, favicon."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
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
from govtech.core import jobs, queries
from govtech.core import notifications as notification_service
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
    return render_template("core/audit.html", page=page, object_types=queries.audit_object_types())


@bp.route("/municipalities")
@role_required("coordinator", "admin")
def municipalities():
    """The 62 municipalities (reference data)."""
    return render_template("core/municipalities.html", municipalities=queries.municipalities())


@bp.route("/notifications")
def notifications():
    """The signed-in user's notifications, newest first."""
    page = notification_service.page_for(current_user.id, page=request.args.get("page", 1, type=int))
    return render_template("core/notifications.html", page=page)


@bp.route("/notifications/read", methods=["POST"])
def notifications_read():
    """Mark all as read."""
    if ConfirmForm().validate_on_submit():
        notification_service.mark_all_read(current_user.id)
        commit()
    return redirect(url_for("core.notifications"))


def _visible_job(job_id: int) -> jobs.Job:
    job = db.session.get(jobs.Job, job_id)
    if job is None or not (job.created_by == current_user.id or current_user.role in ("coordinator", "admin")):
        abort(404)
    jobs.recover_if_stale(job)
    return job


@bp.route("/jobs/<int:job_id>")
def job_status(job_id: int):
    """Progress page of a background job (polls the JSON below; works without JavaScript by reloading)."""
    job = _visible_job(job_id)
    return render_template("core/job.html", job=job, error=jobs.error_text(job))


@bp.route("/jobs/<int:job_id>.json")
def job_status_json(job_id: int):
    """Job status for the progress bar."""
    return jobs.as_dict(_visible_job(job_id))
