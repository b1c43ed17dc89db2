"""Tender lifecycle and participation rules without HTTP: pooling into a tender, 手挙げ, deadlines, transitions."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from govtech.core.audit import AuditEvent
from govtech.core.errors import InvalidTransition, NotAllowed, ValidationFailed
from govtech.core.models import utcnow
from govtech.extensions import db
from govtech.procurement import participation, tenders
from govtech.procurement.errors import AlreadyJoined, TenderClosed
from govtech.procurement.models import Participation, ProcurementRequest
from tests.procurement.builders import (
    join_all,
    make_request,
    make_tender,
    municipality,
    tender_values,
    to_tendering,
)


def test_tender_from_a_pool_offers_it_to_the_requests_municipalities(app):
    tender = make_tender()
    assert tender.state == "survey_open"
    assert {p.municipality.code: p.status for p in tender.participations} == {
        "13307": "invited", "13112": "invited", "13308": "invited"}
    assert all(r.state == "pooled" and r.tender_id == tender.id for r in tender.requests)
    offer = next(p for p in tender.participations if p.municipality.code == "13112")
    assert (offer.quantity, offer.budget_ceiling_jpy) == (300, 15_000_000)  # prefilled from the request


def test_a_request_cannot_go_into_two_tenders(app):
    req = make_request("13307")
    tenders.create_tender_from_pool(actor=None, request_ids=[req.id], values=tender_values())
    with pytest.raises(ValidationFailed) as exc:
        tenders.create_tender_from_pool(actor=None, request_ids=[req.id], values=tender_values())
    assert "requests" in exc.value.fields


def test_requests_of_another_fiscal_year_are_refused(app):
    req = make_request("13307", fiscal_year=2026, desired_start=None)
    with pytest.raises(ValidationFailed):
        tenders.create_tender_from_pool(actor=None, request_ids=[req.id], values=tender_values(fiscal_year=2027))


def test_only_coordinators_create_tenders(app, make_user):
    officer = make_user(role="officer")
    with pytest.raises(NotAllowed):
        tenders.create_tender(actor=officer, values=tender_values())


@pytest.mark.parametrize("field, value", [("survey_deadline", None), ("title", ""), ("allocation_rule", "random"),
                                          ("award_method", "cheapest")])
def test_tender_settings_are_checked(app, field, value):
    with pytest.raises(ValidationFailed) as exc:
        tenders.create_tender(actor=None, values=tender_values(**{field: value}))
    assert field in exc.value.fields


def test_mix_and_combined_weights_must_add_up_to_100(app):
    with pytest.raises(ValidationFailed):
        tenders.create_tender(actor=None, values=tender_values(allocation_rule="mix", mix_equal=30, mix_quantity=60))
    with pytest.raises(ValidationFailed):
        tenders.create_tender(actor=None, values=tender_values(award_method="combined", price_weight=60,
                                                               quality_weight=30))
    tender = tenders.create_tender(actor=None, values=tender_values(award_method="combined", price_weight=60,
                                                                    quality_weight=40))
    assert (tender.price_weight, tender.quality_weight) == (60, 40)


def test_officer_joins_once_and_a_second_join_is_a_conflict(app, make_user):
    tender = make_tender()
    officer = make_user(role="officer", municipality="13307")
    p = participation.join_tender(actor=officer, tender_id=tender.id, municipality=officer.municipality, quantity=12,
                            budget_ceiling_jpy=700_000)
    db.session.commit()
    assert (p.status, p.quantity, p.responded_by_id) == ("interested", 12, officer.id)
    with pytest.raises(AlreadyJoined):
        participation.join_tender(actor=officer, tender_id=tender.id, municipality=officer.municipality, quantity=1)
    assert db.session.scalar(select(func.count(Participation.id)).where(
        Participation.tender_id == tender.id, Participation.municipality_id == officer.municipality_id)) == 1


def test_any_municipality_can_raise_its_hand_but_only_for_itself(app, make_user):
    tender = make_tender()
    okutama = make_user(role="officer", municipality="13308")
    with pytest.raises(NotAllowed):
        participation.join_tender(actor=okutama, tender_id=tender.id, municipality=municipality("13101"), quantity=5)
    chiyoda = make_user(role="officer", municipality="13101")
    p = participation.join_tender(actor=chiyoda, tender_id=tender.id, municipality=chiyoda.municipality, quantity=50)
    assert p.status == "interested" and p.request_id is None


def test_no_join_after_the_deadline(app, make_user):
    tender = make_tender()
    tender.survey_deadline = utcnow() - timedelta(seconds=1)
    db.session.commit()
    officer = make_user(role="officer", municipality="13307")
    with pytest.raises(TenderClosed):
        participation.join_tender(actor=officer, tender_id=tender.id, municipality=officer.municipality, quantity=5)


def test_database_refuses_a_second_participation_row(app):
    tender = make_tender()
    db.session.add(Participation(tender_id=tender.id, municipality_id=municipality("13307").id, status="declined"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_declining_sends_the_request_back_to_the_pool(app, make_user):
    tender = make_tender()
    officer = make_user(role="officer", municipality="13308")
    p = participation.decline_participation(actor=officer, tender_id=tender.id, municipality=officer.municipality)
    assert p.status == "declined"
    assert p.request.state == "submitted" and p.request.tender_id is None
    with pytest.raises(InvalidTransition):
        participation.decline_participation(actor=officer, tender_id=tender.id, municipality=officer.municipality)


def test_close_survey_confirms_joined_and_lapses_unanswered(app):
    tender = make_tender()
    first = tender.participations[0]
    participation.join_tender(actor=None, tender_id=tender.id, municipality=first.municipality, quantity=10)
    tenders.close_survey(actor=None, tender=tender)
    statuses = sorted(p.status for p in tender.participations)
    assert statuses == ["confirmed", "declined", "declined"]
    assert sum(r.state == "submitted" for r in tender.requests) == 0  # released requests left the tender


def test_cannot_close_without_participants_and_can_reopen_with_a_new_deadline(app):
    tender = make_tender()
    with pytest.raises(ValidationFailed):
        tenders.close_survey(actor=None, tender=tender)
    join_all(tender)
    tenders.close_survey(actor=None, tender=tender)
    with pytest.raises(ValidationFailed):
        tenders.reopen_survey(actor=None, tender=tender, deadline=tenders.tokyo_today() - timedelta(days=1))
    tenders.reopen_survey(actor=None, tender=tender, deadline=tenders.tokyo_today() + timedelta(days=3))
    assert tender.state == "survey_open" and {p.status for p in tender.joined} == {"interested"}


def test_publish_needs_a_specification_and_a_bid_deadline(app):
    tender = make_tender()
    join_all(tender)
    tenders.close_survey(actor=None, tender=tender)
    tenders.start_spec_drafting(actor=None, tender=tender)
    with pytest.raises(ValidationFailed) as exc:
        tenders.publish_tender(actor=None, tender=tender)
    assert {"specification", "bid_deadline"} <= set(exc.value.fields)


def test_withdrawal_is_possible_until_publication_only(app):
    tender = make_tender()
    join_all(tender)
    p = tender.participations[0]
    participation.withdraw_participation(actor=None, tender_id=tender.id, municipality=p.municipality)
    assert p.status == "withdrawn"
    to_tendering(tender)
    q = next(x for x in tender.participations if x.status == "confirmed")
    with pytest.raises(TenderClosed):
        participation.withdraw_participation(actor=None, tender_id=tender.id, municipality=q.municipality)


def test_transitions_out_of_order_are_refused(app):
    tender = make_tender()
    for step in (tenders.start_spec_drafting, tenders.publish_tender, tenders.start_evaluation,
                 tenders.start_contracting, tenders.activate_contracts, tenders.close_tender):
        with pytest.raises(InvalidTransition):
            step(actor=None, tender=tender)


def test_cancel_needs_a_reason_and_returns_the_requests(app):
    tender = make_tender()
    request_ids = [r.id for r in tender.requests]
    with pytest.raises(ValidationFailed):
        tenders.cancel_tender(actor=None, tender=tender, reason="")
    tenders.cancel_tender(actor=None, tender=tender, reason="予算が確保できなかった")
    db.session.commit()
    assert tender.state == "cancelled" and tender.status_reason == "予算が確保できなかった"
    states = db.session.execute(select(ProcurementRequest.state, ProcurementRequest.tender_id)
                                .where(ProcurementRequest.id.in_(request_ids))).all()
    assert states == [("submitted", None)] * 3
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "tender.cancel"))
    assert audit.before_data == {"state": "survey_open"} and audit.after_data["state"] == "cancelled"


def test_every_transition_is_audited(app):
    tender = make_tender()
    to_tendering(tender)
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "tender")))
    assert {"tender.create", "tender.close_survey", "tender.start_spec", "tender.update_spec",
            "tender.publish"} <= actions
    joins = db.session.scalar(select(func.count()).where(AuditEvent.action == "participation.join"))
    assert joins == 3


def test_officers_are_notified_of_an_open_tender_a_returned_request_and_their_final_share(app, make_user):
    from govtech.core.notifications import Notification
    from govtech.procurement import services
    from tests.procurement.builders import to_awarded

    hinohara = make_user(role="officer", municipality="13307")
    chiyoda = make_user(role="officer", municipality="13101")  # asked for the same category, not in the pool
    bystander = make_user(role="officer", municipality="13102")
    make_request("13101", external_id="CHIYODA-1")
    tender = make_tender()
    recipients = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "tender.open")))
    assert {hinohara.id, chiyoda.id} <= recipients and bystander.id not in recipients
    note = db.session.scalar(select(Notification).where(Notification.user_id == hinohara.id))
    assert note.link == f"/procurement/tenders/{tender.id}" and note.params["title"] == tender.title
    services.return_request(actor=None, request=db.session.scalar(
        select(ProcurementRequest).where(ProcurementRequest.external_id == "CHIYODA-1")), reason="数量の内訳を")
    assert db.session.scalar(select(Notification.params).where(Notification.kind == "request.returned"))["reason"]
    to_awarded(tender)
    tenders.start_contracting(actor=None, tender=tender)
    share = db.session.scalar(select(Notification).where(Notification.kind == "tender.contracting",
                                                         Notification.user_id == hinohara.id))
    mine = next(p for p in tender.participations if p.municipality.code == "13307")
    assert share.params["share"] == f"¥{mine.allocated_jpy:,}"
