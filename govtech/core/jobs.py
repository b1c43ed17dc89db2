"""Background jobs with progress: long imports and the pool-wide plan never block a request.

A job row lives in the database (status, progress, result), so any worker can show its status page. The work
runs in a thread of the worker that accepted it; the handler does its unit of work in its own transaction
(all-or-nothing) and reports progress, which is kept in memory and, on PostgreSQL, written through a second
connection so other workers see it too.
"""
from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask, current_app
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
                conn.execute(update(Job).where(Job.id == self.job_id).values(progress=done, total=total))


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
        job.status = "running"
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
            _finish(job_id, status="failed", error="internal error (logged)")
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


def as_dict(job: Job) -> dict[str, Any]:
    """The status JSON the status page polls."""
    done, total = job.live_progress()
    return {"id": job.id, "kind": job.kind, "status": job.status, "progress": done, "total": total,
            "result": job.result, "error": job.error}
