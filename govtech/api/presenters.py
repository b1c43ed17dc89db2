"""What each caller sees of an object: the same visibility rules as the pages (procurement.access,
talent.access), applied before serialising. No writes here."""
from __future__ import annotations

from flask_login import current_user

from govtech.procurement.access import can_see_private_amounts
from govtech.procurement.awards import bid_scores
from govtech.procurement.models import JointTender, Participation
from govtech.talent.models import Match, Professional

PRIVATE = ("budget_ceiling_jpy", "request_id", "allocated_jpy", "rounding_extra_jpy", "standalone_jpy",
           "standalone_estimated", "savings_jpy")


def participation(user, tender: JointTender, p: Participation) -> dict:
    """A participation row; another municipality's amounts are hidden from officers (as on the tender page)."""
    private = can_see_private_amounts(user, tender, p)
    row = {"id": p.id, "tender_id": p.tender_id, "municipality": p.municipality, "status": p.status,
           "quantity": p.quantity if (p.joined or private) else None, "responded_at": p.responded_at}
    row.update({name: getattr(p, name) if private else None for name in PRIVATE})
    return row


def visible_participations(user, tender: JointTender) -> list[Participation]:
    """Coordinators: every row. Officers: municipalities that joined, and their own row."""
    if user.role in ("coordinator", "admin"):
        return list(tender.participations)
    return [p for p in tender.participations if p.joined or can_see_private_amounts(user, tender, p)]


def tender_detail(user, tender: JointTender) -> dict:
    """A tender with the participations the caller may see and its award."""
    return {**{name: getattr(tender, name) for name in TENDER_FIELDS}, "category": tender.category,
            "participations": [participation(user, tender, p) for p in visible_participations(user, tender)],
            "award": tender.award}


TENDER_FIELDS = ("id", "reference", "title", "description", "specification", "fiscal_year", "unit", "state",
                 "survey_deadline", "bid_deadline", "contract_start", "contract_end", "award_method",
                 "price_weight", "quality_weight", "allocation_rule", "mix_equal", "mix_quantity", "mix_population",
                 "total_quantity", "status_reason", "retender_of_id", "version", "created_at", "updated_at")


def bids(tender: JointTender) -> list[dict]:
    """A tender's bids with the award points of the valid ones."""
    scores = bid_scores(tender)
    return [{"id": b.id, "tender_id": b.tender_id, "vendor_name": b.vendor_name, "unit_price_jpy": b.unit_price_jpy,
             "total_jpy": b.total_jpy, "technical_score": b.technical_score, "valid": b.valid,
             "invalid_reason": b.invalid_reason, "score": scores.get(b.id), "received_at": b.received_at}
            for b in tender.bids]


def allocations(user, tender: JointTender) -> list[dict]:
    """Each confirmed or contracted participant's share and savings the caller may see."""
    return [participation(user, tender, p) for p in tender.participations
            if p.status in ("confirmed", "contracted") and can_see_private_amounts(user, tender, p)]


def professional(p: Professional) -> dict:
    """A full profile (for coordinators and the professional themself)."""
    return {"id": p.id, "external_id": p.external_id, "name": p.name, "email": p.email,
            "days_per_week": p.days_per_week, "available_from": p.available_from, "work_style": p.work_style,
            "regions": p.regions, "public_sector_years": p.public_sector_years, "bio": p.bio,
            "consent_to_introduce": p.consent_to_introduce, "has_login": p.user_id is not None,
            "skills": [{"skill": s.skill.code, "level": s.level, "verified": s.verified} for s in p.skills if s.level],
            "version": p.version, "updated_at": p.updated_at}


def match(m: Match) -> dict:
    """A match with the candidate (callers reach it only through talent.access.can_view_candidate).

    The workflow note is the coordinators' working note: only coordinators read it (an empty string for others)."""
    p = m.professional
    note = m.note if getattr(current_user, "role", None) == "coordinator" else ""
    return {"id": m.id, "role_id": m.role_id, "status": m.status, "origin": m.origin, "interest": m.interest,
            "score": m.score, "explanation": m.explanation, "professional_consent": m.professional_consent,
            "note": note, "version": m.version, "created_at": m.created_at, "updated_at": m.updated_at,
            "professional": {"id": p.id, "name": p.name, "email": p.email, "external_id": p.external_id}}
