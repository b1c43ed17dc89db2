"""Read queries the pages do not need in this form: tenders an officer may list, matches per caller.

They apply the same visibility rules as procurement.access.can_view_tender and talent.access.can_view_candidate,
as SQL, so lists and detail reads agree.
"""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from govtech.core.models import Category
from govtech.extensions import db
from govtech.procurement.models import JointTender, Participation
from govtech.procurement.queries import TENDER_SORTS
from govtech.talent.models import Match, Professional, Role


def officer_tender_page(user, *, page: int, per_page: int, state: str | None = None, category: str | None = None,
                        fiscal_year: int | None = None, q: str | None = None, sort: str | None = None):
    """Tenders an officer may see: open for participation, or with a row of their municipality."""
    own = select(Participation.tender_id).where(Participation.municipality_id == user.municipality_id)
    stmt = (select(JointTender).where(or_(JointTender.state == "survey_open", JointTender.id.in_(own)))
            .options(joinedload(JointTender.category), selectinload(JointTender.participations)))
    if state:
        stmt = stmt.where(JointTender.state == state)
    if category:
        stmt = stmt.join(Category, Category.id == JointTender.category_id).where(Category.code == category)
    if fiscal_year:
        stmt = stmt.where(JointTender.fiscal_year == fiscal_year)
    if q:
        stmt = stmt.where(JointTender.title.like(f"%{q.strip()}%"))
    column = TENDER_SORTS.get((sort or "").lstrip("-"))
    if column is None:
        stmt = stmt.order_by(JointTender.id.desc())
    else:
        stmt = stmt.order_by(column.desc() if sort.startswith("-") else column.asc(), JointTender.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def match_page(user, *, page: int, per_page: int, role_id: int | None = None, status: str | None = None):
    """Matches the caller may see: coordinators all; a professional their own; officers the candidates
    introduced to (and accepted for) their municipality's roles."""
    stmt = select(Match).options(selectinload(Match.professional))
    if user.role == "professional":
        stmt = stmt.join(Professional, Professional.id == Match.professional_id).where(Professional.user_id == user.id)
    elif user.role == "officer":
        stmt = stmt.join(Role, Role.id == Match.role_id).where(
            Role.municipality_id == user.municipality_id, Match.professional_consent.is_(True),
            Match.status.in_(("introduced", "interviewing", "appointed", "rejected")))
    if role_id:
        stmt = stmt.where(Match.role_id == role_id)
    if status:
        stmt = stmt.where(Match.status == status)
    return db.paginate(stmt.order_by(Match.updated_at.desc(), Match.id.desc()), page=page, per_page=per_page,
                       error_out=False)
