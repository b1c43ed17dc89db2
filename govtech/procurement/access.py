"""Who may see or change which procurement object (object checks next to @role_required in the routes).

Officers act only for their own municipality; drafts are private to it (coordinators see a request once it
was submitted). An officer sees a tender while it is open for participation or when their municipality
was offered it or takes part in it; other municipalities' ceilings and amounts are coordinators' only.
"""
from __future__ import annotations

from govtech.accounts.permissions import own_municipality_only
from govtech.procurement.models import JointTender, Participation, ProcurementRequest

STAFF = ("coordinator", "admin")


def can_view_request(user, request: ProcurementRequest) -> bool:
    """Own municipality's officers always; coordinators once it left the draft state."""
    if own_municipality_only(user, request.municipality_id):
        return True
    return user.role in STAFF and request.state != "draft"


def can_edit_request(user, request: ProcurementRequest) -> bool:
    """Only the municipality's own officers edit, submit or withdraw its requests."""
    return own_municipality_only(user, request.municipality_id)


def own_participation(user, tender: JointTender) -> Participation | None:
    """The officer's municipality's participation row in the tender, if any."""
    if user.role != "officer":
        return None
    return next((p for p in tender.participations if p.municipality_id == user.municipality_id), None)


def can_view_tender(user, tender: JointTender) -> bool:
    """Coordinators: all. Officers: open for participation, or offered to / joined by their municipality."""
    if user.role in STAFF:
        return True
    if user.role != "officer":
        return False
    return tender.state == "survey_open" or own_participation(user, tender) is not None


def can_see_private_amounts(user, tender: JointTender, participation: Participation) -> bool:
    """Ceilings, allocations and savings of one municipality: that municipality and coordinators."""
    return user.role in STAFF or own_municipality_only(user, participation.municipality_id)
