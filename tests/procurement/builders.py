"""Builders for procurement tests: requests, tenders in a given state, via the real services."""
from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from sqlalchemy import select

from govtech.accounts.services import find_municipality
from govtech.core.models import Category
from govtech.extensions import db
from govtech.procurement import awards, participation, services, tenders

_numbers = count(1)


def category(code: str = "office-license") -> Category:
    return db.session.scalar(select(Category).where(Category.code == code))


def municipality(code: str):
    return find_municipality(code)


def request_values(**overrides) -> dict:
    values = {"category": category(overrides.pop("category_code", "office-license")),
              "title": "Microsoft 365 E3 ライセンス", "description": "全庁職員向け", "requirements": "",
              "quantity": 100, "unit": "ライセンス", "budget_jpy": 5_000_000, "desired_start": date(2027, 4, 1),
              "fiscal_year": 2027, "external_id": None}
    values.update(overrides)
    return values


def make_request(code: str = "13307", *, actor=None, submit: bool = True, **overrides):
    """A request of the municipality (submitted unless submit=False)."""
    overrides.setdefault("external_id", f"{code}-T-{next(_numbers)}")
    req = services.create_request(actor=actor, municipality=municipality(code), values=request_values(**overrides),
                                  submit=submit)
    db.session.commit()
    return req


def tender_values(**overrides) -> dict:
    values = {"title": "共同調達テスト", "description": "", "category": category(), "fiscal_year": 2027,
              "unit": "ライセンス", "survey_deadline": tenders.tokyo_today() + timedelta(days=7),
              "award_method": "lowest_price", "price_weight": 100, "quality_weight": 0,
              "allocation_rule": "quantity", "mix_equal": 0, "mix_quantity": 0, "mix_population": 0}
    values.update(overrides)
    return values


def make_tender(codes=("13307", "13112", "13308"), *, quantities=(10, 300, 25), budgets=(600_000, 15_000_000,
                1_400_000), **overrides):
    """A tender open for participation, made from one submitted request per municipality."""
    reqs = [make_request(code, quantity=q, budget_jpy=b) for code, q, b in zip(codes, quantities, budgets,
                                                                                   strict=True)]
    tender = tenders.create_tender_from_pool(actor=None, request_ids=[r.id for r in reqs],
                                             values=tender_values(**overrides))
    db.session.commit()
    return tender


def join_all(tender) -> None:
    """Every offered municipality joins with its request's quantity and budget."""
    for p in list(tender.participations):
        if p.status == "invited":
            participation.join_tender(actor=None, tender_id=tender.id, municipality=p.municipality, quantity=p.quantity,
                                budget_ceiling_jpy=p.budget_ceiling_jpy)
    db.session.commit()
    db.session.expire(tender)


def to_tendering(tender) -> None:
    """Join everyone, close, write the spec and publish."""
    join_all(tender)
    tenders.close_survey(actor=None, tender=tender)
    tenders.start_spec_drafting(actor=None, tender=tender)
    tenders.update_specification(actor=None, tender=tender, specification="仕様書",
                                 bid_deadline=tenders.tokyo_today() + timedelta(days=10))
    tenders.publish_tender(actor=None, tender=tender)
    db.session.commit()


def to_awarded(tender, bids=((None, 4_000_000, 80), (None, 3_999_999, 60))):
    """Tendering, bids recorded (unit price, total, score), evaluated and awarded."""
    to_tendering(tender)
    for i, (unit, total, score) in enumerate(bids):
        awards.record_bid(actor=None, tender=tender, vendor_name=f"Vendor {i + 1}", unit_price_jpy=unit,
                          total_jpy=total, technical_score=score)
    tenders.start_evaluation(actor=None, tender=tender)
    award = awards.award_tender(actor=None, tender=tender)
    db.session.commit()
    return award
