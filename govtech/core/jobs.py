"""Background jobs with progress: long imports and the pool-wide plan never block a request.

A job row lives in the database (status, progress, result), so any worker can show its status page. The work
runs in a thread of the worker that accepted it; the handler does its unit of work in its own transaction
(all-or-nothing) and reports progress, which is kept in memory and, on PostgreSQL, written through a second
connection so other workers see it too.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, update
from sqlalchemy.orm import Mapped, mapped_column

from govtech.core.errors import DomainError
from govtech.core.models import utcnow
from govtech.extensions import db

log = logging.getLogger(__name__)
HANDLERS: dict[str, Callable[[JobContext, dict], dict]] = {}
_LIVE: dict[int, tuple[int, int]] = {}
_LOCK = threading.Lock()


class Job(db.Model):
    """A unit of background work and its outcome."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued, running, done, failed
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    progress: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    payload: Mapped[dict] = mapped_column(db.JSON, default=dict)
    result: Mapped[dict | None] = mapped_column(db.JSON, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    # "host:pid" of the process running it and its last sign of life (start, progress): a job whose process
    # died (crash, deploy, restart) would otherwise stay "running" for good (see recover_if_stale).
    runner: Mapped[str | None] = mapped_column(String(120), default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)

    def live_progress(self) -> tuple[int, int]:
        """(done, total): the in-memory figure of a running job when this worker runs it, else the row's."""
        with _LOCK:
            return _LIVE.get(self.id, (self.progress, self.total))


class JobContext:
    """Given to a handler: the job id and a progress callback."""

    def __init__(self, job_id: int):
        self.job_id = job_id

    def progress(self, done: int, total: int) -> None:
        """Report progress (cheap; call it every few hundred rows)."""
        with _LOCK:
            _LIVE[self.job_id] = (done, total)
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:  # a second connection: visible to other workers at once
                conn.execute(update(Job).where(Job.id == self.job_id).values(progress=done, total=total,
                                                                             heartbeat_at=utcnow()))


def register_job(kind: str, handler: Callable[[JobContext, dict], dict]) -> None:
    """Features register handlers: handler(ctx, payload) -> result dict (may include 'redirect')."""
    HANDLERS[kind] = handler


def submit(*, kind: str, user, payload: dict) -> Job:
    """Create a queued job (the caller commits, then calls `start`)."""
    if kind not in HANDLERS:
        raise ValueError(f"no handler for job kind {kind!r}")
    job = Job(kind=kind, created_by=getattr(user, "id", None), payload=payload)
    db.session.add(job)
    db.session.flush()
    return job


def start(job_id: int) -> None:
    """Run the job: inline when JOBS_INLINE is set (tests, CLI), else in a background thread."""
    app = current_app._get_current_object()
    if app.config.get("JOBS_INLINE"):
        _run(app, job_id)
        return
    threading.Thread(target=_run, args=(app, job_id), name=f"job-{job_id}", daemon=True).start()


def _run(app: Flask, job_id: int) -> None:
    with app.app_context():
        job = db.session.get(Job, job_id)
        job.status, job.runner, job.heartbeat_at = "running", _RUNNER, utcnow()
        kind, payload = job.kind, dict(job.payload or {})
        db.session.commit()
        try:
            result = HANDLERS[kind](JobContext(job_id), payload)
            db.session.commit()
            _finish(job_id, status="done", result=result)
        except DomainError as exc:
            db.session.rollback()
            _finish(job_id, status="failed", result=getattr(exc, "result", None), error=exc.message)
        except Exception:  # noqa: BLE001 - a failed job must be recorded, never lost
            db.session.rollback()
            log.error("job %s (%s) failed:\n%s", job_id, kind, traceback.format_exc())
            _finish(job_id, status="failed", error="job:internal")
        finally:
            with _LOCK:
                _LIVE.pop(job_id, None)
            db.session.remove()


def _finish(job_id: int, *, status: str, result: dict | None = None, error: str | None = None) -> None:
    job = db.session.get(Job, job_id)
    done, total = _LIVE.get(job_id, (job.progress, job.total))
    job.status, job.result, job.error, job.finished_at = status, result, error, utcnow()
    job.progress, job.total = (total, total) if status == "done" else (done, total)
    db.session.commit()


_RUNNER_HOST = socket.gethostname()[:100]
_RUNNER = f"{_RUNNER_HOST}:{os.getpid()}"
# Failures the portal itself records are stored as a code and translated when shown, so the reader's language
# decides (the job may be recovered during someone else's request, in another language).
_STORED_ERRORS = {
    "job:stale": _l("The server process that ran this job stopped before it finished (a restart or a crash). "
                    "Nothing of it was saved: start it again."),
    "job:internal": _l("An internal error stopped this job (it was logged). Nothing of it was saved: try again "
                       "later or contact GovTech Tokyo."),
}


def error_text(job: Job) -> str | None:
    """The job's error in the reader's language."""
    return str(_STORED_ERRORS[job.error]) if job.error in _STORED_ERRORS else job.error


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True


def is_stale(job: Job, now: datetime | None = None) -> bool:
    """A queued or running job that no process will finish: its runner on this host is gone, or (another
    host, or never started) no sign of life for JOB_STALE_AFTER_S seconds."""
    if job.status not in ("queued", "running"):
        return False
    host, _, pid = (job.runner or "").rpartition(":")
    if job.status == "running" and host == _RUNNER_HOST and pid.isdigit():
        if int(pid) == os.getpid():  # this very process: its thread is the answer
            return not any(t.name == f"job-{job.id}" and t.is_alive() for t in threading.enumerate())
        if not _process_alive(int(pid)):
            return True
    last = job.heartbeat_at or job.created_at
    limit = timedelta(seconds=current_app.config.get("JOB_STALE_AFTER_S", 3600))
    return last is not None and (now or utcnow()) - last > limit


def recover_if_stale(job: Job) -> bool:
    """Mark a stale job failed (its handler is all-or-nothing, so nothing was half-saved); True if it was."""
    if not is_stale(job):
        return False
    updated = db.session.execute(update(Job).where(Job.id == job.id, Job.status.in_(("queued", "running")))
                                 .values(status="failed", error="job:stale", finished_at=utcnow()))
    db.session.commit()
    db.session.refresh(job)
    if updated.rowcount:
        log.warning("job %s (%s) marked failed: its runner %s stopped", job.id, job.kind, job.runner)
    return bool(updated.rowcount)


def as_dict(job: Job) -> dict[str, Any]:
    """The status JSON the status page polls."""
    done, total = job.live_progress()
    return {"id": job.id, "kind": job.kind, "status": job.status, "progress": done, "total": total,
            "result": job.result, "error": error_text(job)}
