"""Builders for dashboard tests: awarded tenders in a chosen fiscal year (through the procurement services) and
the talent builders (professionals, roles, people) shared with tests/talent."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from govtech.extensions import db
from govtech.procurement import tenders
from tests.procurement.builders import make_request, tender_values, to_awarded
from tests.talent.conftest import _fresh_pool_cache, make_professional, make_role, people, skill_ids  # noqa: F401


@pytest.fixture(autouse=True)
def _jobs_inline(app):
    """Background jobs (reminders, imports, the plan) run at once in these tests."""
    app.config["JOBS_INLINE"] = True


def awarded_tender(codes, quantities, budgets, *, fy: int = 2027, category: str = "office-license",
                   total: int | None = None):
    """A tender of fiscal year `fy`, every municipality joined with its request's quantity and budget as ceiling,
    awarded to the lowest bid (`total`, default 80% of the budgets) and split by quantity."""
    reqs = [make_request(code, quantity=q, budget_jpy=b, fiscal_year=fy, desired_start=date(fy, 6, 1),
                         category_code=category) for code, q, b in zip(codes, quantities, budgets, strict=True)]
    tender = tenders.create_tender_from_pool(actor=None, request_ids=[r.id for r in reqs], values=tender_values(
        fiscal_year=fy, category=reqs[0].category, title=f"共同調達 {category} {fy}"))
    db.session.commit()
    price = total or int(sum(budgets) * 0.8)
    to_awarded(tender, bids=((None, price, 80), (None, price + 1000, 90)))
    return tender


def open_tender(codes=("13307", "13112"), *, days_left: int = 2, category: str = "groupware"):
    """A tender open for participation whose deadline is `days_left` days away (municipalities offered)."""
    reqs = [make_request(code, category_code=category) for code in codes]
    tender = tenders.create_tender_from_pool(actor=None, request_ids=[r.id for r in reqs], values=tender_values(
        category=reqs[0].category, survey_deadline=tenders.tokyo_today() + timedelta(days=days_left),
        title=f"締切間近 {category}"))
    db.session.commit()
    return tender
