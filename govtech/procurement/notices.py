"""In-app notifications for procurement events, sent to the officers of the municipalities concerned.

Messages are msgids marked with N_() and translated when the reader opens them; parameters are stored
locale-neutral (ISO dates, yen amounts).
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from govtech.accounts.models import User
from govtech.core.notifications import N_, notify
from govtech.extensions import db
from govtech.procurement.dates import tokyo_date
from govtech.procurement.models import JointTender, ProcurementRequest

TENDER_OPEN = N_("A joint tender is open for your municipality to join: %(title)s (deadline %(deadline)s)")
REQUEST_RETURNED = N_("Your request “%(title)s” was returned for changes: %(reason)s")
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
    asked = db.session.scalars(select(ProcurementRequest.municipality_id).where(
        ProcurementRequest.category_id == tender.category_id, ProcurementRequest.fiscal_year == tender.fiscal_year,
        ProcurementRequest.state.in_(("submitted", "returned", "pooled"))))
    municipalities = set(asked) | {p.municipality_id for p in tender.participations}
    deadline = tokyo_date(tender.survey_deadline).isoformat()
    return notify(officers_of(municipalities), kind="tender.open", message=TENDER_OPEN,
                  params={"title": tender.title, "deadline": deadline},
                  link=_path("procurement.tender_detail", tender_id=tender.id), dedupe_key=f"tender-open:{tender.id}")


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
