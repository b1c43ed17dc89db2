"""Demo history for the dashboards: joint tenders of fiscal years 2024 and 2025, awarded and closed, across
wards, Tama and the islands, so the savings and participation charts have more than one year to show.

Runs after the procurement and talent seeders, through the procurement services (the audit trail tells the
same story); only the dates are moved back into their fiscal year afterwards. Idempotent.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from govtech.accounts.services import find_municipality
from govtech.core.models import Category, utcnow
from govtech.core.notifications import Notification
from govtech.extensions import db
from govtech.procurement import awards, participation, services, tenders
from govtech.procurement.dates import end_of_day_utc, tokyo_today
from govtech.procurement.models import ProcurementRequest

# (fiscal year, title, category, unit, winning total, [(municipality code, quantity, budget ceiling)])
HISTORY = [
    (2024, "Web会議サービス 共同調達（令和6年度）", "web-meeting", "ライセンス", 10_900_000,
     [("13103", 300, 6_000_000), ("13108", 250, 5_200_000), ("13204", 120, 2_700_000), ("13361", 20, 520_000)]),
    (2024, "RPAツール 共同調達（令和6年度）", "rpa", "ライセンス", 12_600_000,
     [("13118", 20, 5_000_000), ("13209", 30, 7_400_000), ("13222", 15, 3_900_000), ("13305", 3, 900_000)]),
    (2025, "AI-OCR 読取サービス 共同調達（令和7年度）", "ai-ocr", "枚", 2_950_000,
     [("13101", 100_000, 2_300_000), ("13205", 40_000, 1_050_000), ("13307", 5_000, 190_000),
      ("13401", 8_000, 280_000)]),
    (2025, "電子申請サービス 共同調達（令和7年度）", "e-application", "ID", 15_800_000,
     [("13116", 400, 6_400_000), ("13121", 600, 9_000_000), ("13211", 150, 2_600_000), ("13228", 80, 1_500_000),
      ("13363", 10, 300_000)]),
    (2025, "ビジネスチャット 共同調達（令和7年度）", "chat", "ID", 7_300_000,
     [("13107", 900, 4_100_000), ("13122", 1_100, 4_800_000), ("13212", 350, 1_700_000), ("13303", 60, 400_000)]),
]


FIRST = "13103-2024-H01"


def seed_history(users: dict) -> None:
    """Add the past fiscal years once."""
    if db.session.scalar(select(ProcurementRequest.id).where(ProcurementRequest.external_id == FIRST)):
        return
    coordinator = users["coordinator"]
    categories = {c.code: c for c in db.session.scalars(select(Category))}
    for n, (fy, title, category, unit, total, members) in enumerate(HISTORY, start=1):
        requests = [services.create_request(
            actor=None, municipality=find_municipality(code), submit=True,
            values={"category": categories[category], "title": title.split(" 共同調達")[0], "description": title,
                    "quantity": quantity, "unit": unit, "budget_jpy": ceiling, "fiscal_year": fy,
                    "desired_start": date(fy, 6, 1), "external_id": f"{code}-{fy}-H{n:02d}"})
            for code, quantity, ceiling in members]
        _run_to_closed(coordinator, requests, title, categories[category], unit, fy, total)


def _run_to_closed(coordinator, requests, title, category, unit, fy, total) -> None:
    tender = tenders.create_tender_from_pool(
        actor=coordinator, request_ids=[r.id for r in requests],
        values={"title": title, "description": "", "category": category, "fiscal_year": fy, "unit": unit,
                "survey_deadline": tokyo_today() + timedelta(days=1), "award_method": "lowest_price",
                "price_weight": 100, "quality_weight": 0, "allocation_rule": "quantity", "mix_equal": 0,
                "mix_quantity": 0, "mix_population": 0})
    for p in list(tender.participations):
        participation.join_tender(actor=None, tender_id=tender.id, municipality=p.municipality, quantity=p.quantity,
                                  budget_ceiling_jpy=p.budget_ceiling_jpy)
    db.session.expire(tender, ["participations"])
    tenders.close_survey(actor=coordinator, tender=tender)
    tenders.start_spec_drafting(actor=coordinator, tender=tender)
    tenders.update_specification(actor=coordinator, tender=tender, specification=title,
                                 bid_deadline=tokyo_today() + timedelta(days=2))
    tenders.publish_tender(actor=coordinator, tender=tender)
    for i, amount in enumerate((total, round(total * 1.08), round(total * 1.15)), start=1):
        awards.record_bid(actor=coordinator, tender=tender, vendor_name=f"ベンダー{i}株式会社",
                          total_jpy=amount)
    tenders.start_evaluation(actor=coordinator, tender=tender)
    awards.award_tender(actor=coordinator, tender=tender)
    for step in (tenders.start_contracting, tenders.activate_contracts, tenders.close_tender):
        step(actor=coordinator, tender=tender)
    # Back into its own fiscal year: the deadline in spring, the contract from June to March.
    tender.survey_deadline = end_of_day_utc(date(fy, 5, 15))
    tender.bid_deadline = end_of_day_utc(date(fy, 5, 31))
    tender.contract_start, tender.contract_end = date(fy, 6, 1), date(fy + 1, 3, 31)
    filed = datetime(fy, 4, 20, 1, 0)
    for req in requests:  # filed that April: the lists sorted by date show this year's work first
        req.created_at = req.updated_at = req.submitted_at = filed
    old_news = (f"tender-open:{tender.id}", f"tender-contracting:{tender.id}")  # read long ago
    db.session.execute(update(Notification).where(Notification.dedupe_key.in_(old_news)).values(read_at=utcnow()))
    db.session.flush()
