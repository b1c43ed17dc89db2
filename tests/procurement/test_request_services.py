"""Request rules without HTTP: who may act, validation, the state machine, optimistic edits, audit."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from govtech.core.audit import AuditEvent
from govtech.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from govtech.extensions import db
from govtech.procurement import services
from govtech.procurement.models import ProcurementRequest
from tests.procurement.builders import make_request, municipality, request_values


def test_officer_files_a_draft_then_submits_it_and_each_step_is_audited(app, make_user):
    officer = make_user(role="officer", municipality="13307")
    req = services.create_request(actor=officer, municipality=municipality("13307"), values=request_values())
    assert req.state == "draft" and req.created_by_id == officer.id
    services.submit_request(actor=officer, request=req)
    db.session.commit()
    assert req.state == "submitted" and req.submitted_at is not None
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "procurement_request")))
    assert actions == ["request.create", "request.submit"]


def test_an_officer_cannot_file_or_change_for_another_municipality(app, make_user):
    setagaya = make_user(role="officer", municipality="13112")
    with pytest.raises(NotAllowed):
        services.create_request(actor=setagaya, municipality=municipality("13307"), values=request_values())
    req = make_request("13307", submit=False)
    for call in (lambda: services.submit_request(actor=setagaya, request=req),
                 lambda: services.withdraw_request(actor=setagaya, request=req),
                 lambda: services.update_request(actor=setagaya, request=req, values=request_values())):
        with pytest.raises(NotAllowed):
            call()


@pytest.mark.parametrize("field, value", [
    ("quantity", 0), ("quantity", None), ("budget_jpy", 0), ("title", " "), ("unit", ""), ("fiscal_year", 99),
    ("desired_start", date(2027, 3, 31)), ("external_id", "has space"), ("category", None),
])
def test_bad_values_are_refused_with_the_field_named(app, field, value):
    with pytest.raises(ValidationFailed) as exc:
        services.create_request(actor=None, municipality=municipality("13307"), values=request_values(**{field: value}))
    assert field in exc.value.fields
    assert db.session.scalar(select(ProcurementRequest.id)) is None


def test_start_date_must_fall_in_the_fiscal_year_april_to_march(app):
    req = services.create_request(actor=None, municipality=municipality("13307"),
                                  values=request_values(fiscal_year=2026, desired_start=date(2027, 3, 31)))
    assert req.fiscal_year == 2026


def test_stale_edit_is_refused_not_lost(app, make_user):
    officer = make_user(role="officer", municipality="13307")
    req = make_request("13307", actor=officer, submit=False)
    read_version = req.version
    services.update_request(actor=officer, request=req, values=request_values(title="第一版"), version=read_version)
    db.session.commit()
    with pytest.raises(Conflict):
        services.update_request(actor=officer, request=req, values=request_values(title="古い画面から"),
                                version=read_version)
    assert db.session.get(ProcurementRequest, req.id).title == "第一版"


def test_external_id_is_unique(app):
    make_request("13307", external_id="DUP-1")
    with pytest.raises(Conflict):
        make_request("13112", external_id="DUP-1")


def test_coordinator_returns_with_a_reason_and_the_officer_resubmits(app, make_user):
    coordinator = make_user(role="coordinator")
    officer = make_user(role="officer", municipality="13307")
    req = make_request("13307", actor=officer)
    with pytest.raises(ValidationFailed):
        services.return_request(actor=coordinator, request=req, reason="  ")
    services.return_request(actor=coordinator, request=req, reason="数量の内訳を書いてください")
    assert req.state == "returned" and req.status_reason == "数量の内訳を書いてください"
    services.update_request(actor=officer, request=req, values=request_values(quantity=120))
    services.submit_request(actor=officer, request=req)
    assert req.state == "submitted" and req.status_reason is None


def test_officers_cannot_return_or_decline(app, make_user):
    officer = make_user(role="officer", municipality="13307")
    req = make_request("13307")
    with pytest.raises(NotAllowed):
        services.decline_request(actor=officer, request=req, reason="x")


def test_withdrawn_and_declined_requests_are_final(app, make_user):
    coordinator = make_user(role="coordinator")
    req = make_request("13307")
    services.decline_request(actor=coordinator, request=req, reason="共同調達に向かない")
    with pytest.raises(InvalidTransition):
        services.withdraw_request(actor=None, request=req)
    with pytest.raises(InvalidTransition):
        services.update_request(actor=None, request=req, values=request_values())
    other = make_request("13307")
    services.withdraw_request(actor=None, request=other)
    with pytest.raises(InvalidTransition):
        services.submit_request(actor=None, request=other)


def test_database_refuses_a_pooled_request_without_a_tender(app):
    req = make_request("13307")
    req.state = "pooled"  # bypassing the services: the check constraint still holds
    with pytest.raises(Exception, match="(?i)constraint"):
        db.session.flush()
    db.session.rollback()
