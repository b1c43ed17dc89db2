"""In-app notifications for procurement events, sent to the officers of the municipalities concerned.

Messages are msgids marked with N_() and translated when the reader opens them; parameters are stored
locale-neutral (ISO dates, yen amounts).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from govtech.accounts.models import User
from govtech.core.notifications import N_, notify
from govtech.extensions import db
from govtech.procurement.dates import tokyo_date
from govtech.procurement.models import JOINED, JointTender, ProcurementRequest

TENDER_OPEN = N_("A joint tender is open for your municipality to join: %(title)s (deadline %(deadline)s)")
REQUEST_RETURNED = N_("Your request “%(title)s” was returned for changes: %(reason)s")
DEADLINE_NEAR = N_("The deadline to join “%(title)s” is %(deadline)s. Your municipality has not answered yet.")
CONTRACTING = N_("%(title)s: the award is final and your municipality's share is %(share)s. Please sign the "
                 "contract.")


def officers_of(municipality_ids) -> list[int]:
    """Active officer accounts of these municipalities."""
    ids = sorted(set(municipality_ids))
    if not ids:
        return []
    return list(db.session.scalars(select(User.id).where(User.role == "officer", User.active.is_(True),
                                                         User.municipality_id.in_(ids))))


def _path(endpoint: str, **values) -> str:
    """A site-relative link that also works outside a request (CLI, seeding)."""
    return current_app.url_map.bind("").build(endpoint, values)


def tender_opened(tender: JointTender) -> int:
    """Offered municipalities, and those that asked for the same category this fiscal year."""
    municipalities = _asking_municipalities(tender)
    deadline = tokyo_date(tender.survey_deadline).isoformat()
    return notify(officers_of(municipalities), kind="tender.open", message=TENDER_OPEN,
                  params={"title": tender.title, "deadline": deadline},
                  link=_path("procurement.tender_detail", tender_id=tender.id), dedupe_key=f"tender-open:{tender.id}")


def _asking_municipalities(tender: JointTender) -> set[int]:
    """Municipalities offered the tender or that asked for its category in its fiscal year."""
    asked = db.session.scalars(select(ProcurementRequest.municipality_id).where(
        ProcurementRequest.category_id == tender.category_id, ProcurementRequest.fiscal_year == tender.fiscal_year,
        ProcurementRequest.state.in_(("submitted", "returned", "pooled"))))
    return set(asked) | {p.municipality_id for p in tender.participations}


def deadlines_near(now: datetime, *, within: timedelta = timedelta(days=3)) -> int:
    """Remind officers whose municipality has not answered a tender whose joining deadline is near.

    Once per tender and deadline (a reopened tender with a new deadline reminds again); safe to run often.
    """
    tenders = db.session.scalars(select(JointTender).where(
        JointTender.state == "survey_open", JointTender.survey_deadline >= now,
        JointTender.survey_deadline <= now + within).options(selectinload(JointTender.participations))
        .order_by(JointTender.id))
    sent = 0
    for tender in tenders:
        answered = {p.municipality_id for p in tender.participations
                    if p.status in JOINED + ("declined", "withdrawn")}
        deadline = tokyo_date(tender.survey_deadline).isoformat()
        sent += notify(officers_of(_asking_municipalities(tender) - answered), kind="tender.deadline",
                       message=DEADLINE_NEAR, params={"title": tender.title, "deadline": deadline},
                       link=_path("procurement.tender_detail", tender_id=tender.id),
                       dedupe_key=f"tender-deadline:{tender.id}:{deadline}")
    return sent


def request_returned(request: ProcurementRequest) -> int:
    """The municipality's officers learn what to change."""
    return notify(officers_of([request.municipality_id]), kind="request.returned", message=REQUEST_RETURNED,
                  params={"title": request.title, "reason": request.status_reason or ""},
                  link=_path("procurement.request_detail", request_id=request.id))


def contracting_started(tender: JointTender) -> int:
    """Each participant's officers get their final share."""
    sent = 0
    for p in tender.participations:
        if p.status == "confirmed" and p.allocated_jpy is not None:
            sent += notify(officers_of([p.municipality_id]), kind="tender.contracting", message=CONTRACTING,
                           params={"title": tender.title, "share": f"¥{p.allocated_jpy:,}"},
                           link=_path("procurement.tender_detail", tender_id=tender.id),
                           dedupe_key=f"tender-contracting:{tender.id}")
    return sent
