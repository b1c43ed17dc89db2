"""Deadline reminders for joint tenders: `flask --app app notify-deadlines` for cron, and the same check
started lazily, at most once an hour, when a coordinator or an officer opens the home page.

Every run leaves a job row of kind KIND, so "the last run" is known to every worker (and a cron run counts
too). The lazy run never writes inside the home page's request: a short thread submits and runs the job, so
the page is not slowed and SQLite's single writer is taken only by that thread. Notifications carry a
dedupe key, so two workers starting a run in the same second still remind each officer once.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from govtech.core import jobs
from govtech.core.models import utcnow
from govtech.extensions import db
from govtech.procurement import notices

KIND = "procurement.deadline_reminders"
EVERY = timedelta(hours=1)
WITHIN_DAYS = 3
log = logging.getLogger(__name__)


def run(ctx, payload: dict) -> dict:
    """Job handler: remind officers of tenders whose joining deadline is within `days` days."""
    sent = notices.deadlines_near(utcnow(), within=timedelta(days=payload.get("days", WITHIN_DAYS)))
    return {"summary": _("%(n)s deadline reminder(s) sent.", n=sent), "sent": sent}


def last_run() -> datetime | None:
    """When the reminder check last started (any worker, cron included)."""
    return db.session.scalar(select(func.max(jobs.Job.created_at)).where(jobs.Job.kind == KIND))


def run_now(*, days: int = WITHIN_DAYS, trigger: str = "cli") -> int:
    """Run the check in this transaction and record it as a finished job (the caller commits)."""
    job = jobs.submit(kind=KIND, user=None, payload={"trigger": trigger, "days": days})
    result = run(None, job.payload)
    job.status, job.result, job.finished_at = "done", result, utcnow()
    return result["sent"]


def kick() -> None:
    """From the home page: start the check in the background when the last one is an hour old or more.

    This worker remembers when the next check can be due, so most page loads do not even query.
    """
    app = current_app._get_current_object()
    memo = app.extensions.setdefault("govtech_reminders", {})
    now = utcnow()
    if memo.get("next_check") and now < memo["next_check"]:
        return
    last = last_run()
    if last is not None and now - last < EVERY:
        memo["next_check"] = last + EVERY
        return
    memo["next_check"] = now + EVERY
    if app.config.get("JOBS_INLINE"):
        _submit(app)
    else:
        threading.Thread(target=_submit, args=(app,), name="deadline-reminders", daemon=True).start()


def _submit(app) -> None:
    with app.app_context():
        try:
            job_id = jobs.submit(kind=KIND, user=None, payload={"trigger": "home", "days": WITHIN_DAYS}).id
            db.session.commit()
        except OperationalError:  # the database is busy: a later home page load tries again
            db.session.rollback()
            app.extensions["govtech_reminders"].pop("next_check", None)
            log.warning("deadline reminders not started: database busy")
            return
        finally:
            db.session.remove()
        jobs.start(job_id)


@click.command("notify-deadlines")
@click.option("--days", default=WITHIN_DAYS, show_default=True, help="Remind when the deadline is this close.")
@with_appcontext
def notify_deadlines_command(days: int):
    """Remind officers of joint tenders they have not answered whose deadline is near (for cron)."""
    from govtech.cli import emit_json, say

    sent = run_now(days=days)
    db.session.commit()
    say(f"{sent} reminder(s) sent")
    emit_json({"sent": sent})
