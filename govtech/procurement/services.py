"""Procurement request rules: create, edit, submit, return, withdraw, decline, bulk import.

Services take keyword arguments, raise domain errors (never HTTP errors), record every state change in the
audit trail and flush; the caller (a route or a CLI command) commits once.
"""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from govtech.accounts.models import User
from govtech.core import audit, statistics
from govtech.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from govtech.core.jobs import Job
from govtech.core.models import Category, Municipality, utcnow
from govtech.extensions import db
from govtech.procurement import notices
from govtech.procurement.errors import ImportFailed
from govtech.procurement.models import REQUEST_EDITABLE, ProcurementRequest, fiscal_year_of

EXTERNAL_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")
IMPORT_JOB = "procurement.import_requests"
FIELDS = ("category", "title", "description", "requirements", "quantity", "unit", "budget_jpy",
          "desired_start", "fiscal_year", "external_id")


@dataclass
class RequestValues:
    """Checked, typed values of one request (from a form or a CSV row)."""

    category: Category
    title: str
    quantity: int
    unit: str
    budget_jpy: int
    fiscal_year: int
    description: str = ""
    requirements: str = ""
    desired_start: date | None = None
    external_id: str | None = None


def request_errors(values: dict) -> dict[str, str]:
    """Field -> message for every rule a request's values break (empty when all is well)."""
    errors: dict[str, str] = {}
    if not isinstance(values.get("category"), Category):
        errors["category"] = _("Choose a category.")
    title = (values.get("title") or "").strip()
    if not title or len(title) > 200:
        errors["title"] = _("Give a title of 1 to 200 characters.")
    quantity = values.get("quantity")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 0 < quantity <= 10_000_000:
        errors["quantity"] = _("Give a whole number greater than zero (licences, users, devices…).")
    unit = (values.get("unit") or "").strip()
    if not unit or len(unit) > 20:
        errors["unit"] = _("Give a unit of up to 20 characters, e.g. licences, users, devices.")
    budget = values.get("budget_jpy")
    if not isinstance(budget, int) or isinstance(budget, bool) or not 0 < budget <= 10**12:
        errors["budget_jpy"] = _("Give the budget in whole yen (tax included), greater than zero.")
    fy = values.get("fiscal_year")
    if not isinstance(fy, int) or not 2000 <= fy <= 2100:
        errors["fiscal_year"] = _("Give the fiscal year as four digits, e.g. 2026.")
    start = values.get("desired_start")
    if isinstance(start, date) and isinstance(fy, int) and fiscal_year_of(start) != fy:
        errors["desired_start"] = _("The start date must fall in fiscal year %(fy)s (April %(fy)s to March %(next)s).",
                                    fy=fy, next=fy + 1)
    for name in ("description", "requirements"):
        if len(values.get(name) or "") > 5000:
            errors[name] = _("Keep this under 5,000 characters.")
    ext = values.get("external_id")
    if ext and not EXTERNAL_ID_RE.match(ext):
        errors["external_id"] = _("Use up to 64 letters, digits, dots, hyphens or underscores.")
    return errors


def check_values(values: dict) -> RequestValues:
    """RequestValues from raw values, or ValidationFailed naming every bad field."""
    errors = request_errors(values)
    if errors:
        raise ValidationFailed(_("Some fields need correcting."), fields=errors)
    clean = {k: values.get(k) for k in FIELDS}
    for name in ("title", "unit", "description", "requirements"):
        clean[name] = (clean[name] or "").strip()
    clean["external_id"] = (clean["external_id"] or "").strip() or None
    return RequestValues(**clean)


def _snapshot(req: ProcurementRequest) -> dict:
    return {"state": req.state, "version": req.version, "tender_id": req.tender_id}


def _audit(actor, req: ProcurementRequest, action: str, before: dict | None) -> None:
    audit.record(actor=actor, action=f"request.{action}", object_type="procurement_request", object_id=req.id,
                 before=before, after=_snapshot(req), municipality_id=req.municipality_id)


def flush() -> None:
    """Flush, turning a lost optimistic-lock race into a Conflict a person can act on."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        db.session.rollback()
        raise Conflict(_("Someone else changed this item meanwhile. Reload the page and try again.")) from exc


def _check_acts_for(actor, municipality_id: int) -> None:
    # actor None is the coordinators' CLI intake; otherwise only the municipality's own officers.
    if actor is not None and not (actor.role == "officer" and actor.municipality_id == municipality_id):
        raise NotAllowed(_("Officers file and change requests for their own municipality only."))


def _external_id_free(external_id: str | None, own_id: int | None = None) -> None:
    if not external_id:
        return
    other = db.session.scalar(select(ProcurementRequest.id).where(ProcurementRequest.external_id == external_id))
    if other is not None and other != own_id:
        raise Conflict(_("Another request already uses this reference."),
                       fields={"external_id": _("Already used by another request.")})


def create_request(*, actor, municipality: Municipality, values: dict, submit: bool = False) -> ProcurementRequest:
    """File a new request as a draft (or submitted straight away)."""
    _check_acts_for(actor, municipality.id)
    clean = check_values(values)
    _external_id_free(clean.external_id)
    req = ProcurementRequest(municipality_id=municipality.id, created_by_id=getattr(actor, "id", None),
                             state="draft", **clean.__dict__)
    db.session.add(req)
    flush()
    _audit(actor, req, "create", None)
    if submit:
        submit_request(actor=actor, request=req)
    return req


def update_request(*, actor, request: ProcurementRequest, values: dict, version: int | None = None) -> None:
    """Change a draft, submitted or returned request (optimistic: `version` is the one the editor read)."""
    _check_acts_for(actor, request.municipality_id)
    if request.state not in REQUEST_EDITABLE:
        raise InvalidTransition(_("This request can no longer be changed (it is %(state)s).",
                                  state=state_label(request.state)))
    if version is not None and version != request.version:
        raise Conflict(_("Someone else changed this request meanwhile. Reload the page and try again."))
    clean = check_values(values)
    _external_id_free(clean.external_id, request.id)
    before = _snapshot(request)
    for name, value in clean.__dict__.items():
        setattr(request, name, value)
    flush()
    _audit(actor, request, "update", before)


def submit_request(*, actor, request: ProcurementRequest) -> None:
    """Draft or returned -> submitted: coordinators can now see and pool it."""
    _check_acts_for(actor, request.municipality_id)
    _move(actor, request, ("draft", "returned"), "submitted", "submit")
    request.submitted_at = utcnow()


def withdraw_request(*, actor, request: ProcurementRequest) -> None:
    """The municipality no longer needs it (any state before pooling)."""
    _check_acts_for(actor, request.municipality_id)
    _move(actor, request, REQUEST_EDITABLE, "withdrawn", "withdraw")


def return_request(*, actor, request: ProcurementRequest, reason: str) -> None:
    """A coordinator sends a submitted request back for changes, saying why."""
    _require_coordinator(actor)
    _need_reason(reason)
    _move(actor, request, ("submitted",), "returned", "return", reason=reason)
    notices.request_returned(request)


def decline_request(*, actor, request: ProcurementRequest, reason: str) -> None:
    """A coordinator decides the need cannot be bought jointly, saying why."""
    _require_coordinator(actor)
    _need_reason(reason)
    _move(actor, request, ("submitted", "returned"), "declined", "decline", reason=reason)


def _require_coordinator(actor) -> None:
    if actor is not None and actor.role != "coordinator":
        raise NotAllowed(_("Only GovTech Tokyo coordinators can do this."))


def _need_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise ValidationFailed(_("Say why, so the municipality knows what to do."),
                               fields={"reason": _("Give a reason.")})


def _move(actor, request: ProcurementRequest, allowed: tuple[str, ...], target: str, action: str,
          reason: str | None = None) -> None:
    if request.state not in allowed:
        raise InvalidTransition(_("This request is %(state)s; that step is not possible now.",
                                  state=state_label(request.state)))
    before = _snapshot(request)
    request.state = target
    request.status_reason = reason.strip() if reason else None
    flush()
    _audit(actor, request, action, before)


def state_label(state: str) -> str:
    """Translated name of a request state."""
    from govtech.procurement.labels import REQUEST_STATE_LABELS

    return str(REQUEST_STATE_LABELS.get(state, state))


def import_requests(*, actor, rows: list[dict], state: str = "submitted", progress=None) -> dict[str, int]:
    """Insert or update checked CSV rows by external_id; `rows` come from csv_import.parse (no errors left).

    `progress(done, total)` is called every 50 rows (the background job's progress bar)."""
    existing = {r.external_id: r for r in db.session.scalars(select(ProcurementRequest).where(
        ProcurementRequest.external_id.in_([row["external_id"] for row in rows])))}
    counts = {"created": 0, "updated": 0}
    created = []
    submitted_at = utcnow() if state == "submitted" else None
    for n, row in enumerate(rows):
        if progress is not None and n % 50 == 0:
            progress(n, len(rows))
        values = {k: row[k] for k in FIELDS if k in row}
        req = existing.get(row["external_id"])
        if req is None:
            # New rows in bulk: the parser already checked them and that no request holds their external_id
            # (the unique constraint still guards a concurrent import), so one INSERT batch and one audit
            # entry each ("request.import", the state reached) replace create + submit and their queries.
            _check_acts_for(actor, row["municipality"].id)
            created.append(ProcurementRequest(municipality_id=row["municipality"].id,
                                              created_by_id=getattr(actor, "id", None), state=state,
                                              submitted_at=submitted_at, **check_values(values).__dict__))
            counts["created"] += 1
            continue
        update_request(actor=actor, request=req, values=values)
        if state == "submitted" and req.state in ("draft", "returned"):
            submit_request(actor=actor, request=req)
        counts["updated"] += 1
    if created:
        db.session.add_all(created)
        flush()
        audit.record_many(actor=actor, entries=[
            {"action": "request.import", "object_type": "procurement_request", "object_id": req.id, "before": None,
             "after": _snapshot(req), "municipality_id": req.municipality_id} for req in created])
    statistics.analyze_after_commit(("procurement_request", "audit_event"), counts["created"] + counts["updated"])
    return counts


def import_requests_job(ctx, payload: dict) -> dict:
    """Background job of an officer's web upload: parse, check every row, import all or none.

    The uploaded bytes are dropped from the job row as soon as they are read; bad rows end the job as failed
    with every problem listed (line, column, reason) on its status page, in the uploader's language.
    """
    from govtech.procurement import csv_import  # csv_import imports this module

    db.session.get(Job, ctx.job_id).payload = {**payload, "data": None}
    db.session.commit()
    with force_locale(payload.get("locale", "ja")):
        actor = db.session.get(User, payload["user_id"])
        try:
            rows = csv_import.parse(base64.b64decode(payload["data"]), municipality_id=actor.municipality_id)
        except ImportFailed as exc:
            failed = ValidationFailed(_("Nothing was imported: %(n)s problem(s) found. Correct the file and upload "
                                        "it again.", n=len(exc.errors)))
            errors = sorted(exc.errors)
            lines = [_("Line %(line)s, %(column)s: %(message)s", line=line, column=column or "—", message=message)
                     for line, column, message in errors[:200]]
            if len(errors) > 200:
                lines.append(_("…and %(n)s more.", n=len(errors) - 200))
            failed.result = {"errors": lines}
            raise failed from exc
        counts = import_requests(actor=actor, rows=rows, state=payload.get("state", "draft"), progress=ctx.progress)
        return {"summary": _("Imported: %(created)s new, %(updated)s updated.", **counts),
                "redirect": current_app.url_map.bind("").build("procurement.requests")}


def set_discount_exponent(*, actor, category: Category, exponent: float | None) -> None:
    """Set (or clear, with None) a category's volume-discount exponent b."""
    if exponent is not None and not 0 <= exponent <= 0.9:
        raise ValidationFailed(_("Give an exponent between 0 and 0.9, or leave it empty."),
                               fields={"discount_exponent": _("Between 0 and 0.9.")})
    before = category.discount_exponent
    category.discount_exponent = exponent
    flush()
    audit.record(actor=actor, action="category.curve", object_type="category", object_id=category.id,
                 before={"discount_exponent": before}, after={"discount_exponent": exponent})
