"""Open Contracting Data Standard 1.1 release packages for joint tenders (core schema, no extensions).

One release per tender, compiled from its current state: GovTech Tokyo is the procuring entity, every
participating municipality a party with the role `buyer` and one tender item (its quantity), every vendor a
`tenderer` (the winner also a `supplier`), one award for the winning bid and one contract per municipality
for its allocated share (`contract.awardID` points at the award, `contract.items` at the municipality's item).
Bid amounts are not part of core OCDS 1.1, so only tenderers and numberOfTenderers are published.
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app

from govtech.procurement.models import AWARDED_STATES, JointTender, Participation

GOVTECH_ID = "JP-GOVTECH-TOKYO"
GOVTECH_NAME = "一般財団法人GovTech東京 (GovTech Tokyo)"
DEFAULT_PREFIX = "ocds-govtechtokyo-"
TENDER_STATUS = {"survey_open": "planning", "survey_closed": "planning", "spec_drafting": "planning",
                 "tendering": "active", "evaluating": "active", "awarded": "complete", "contracting": "complete",
                 "active": "complete", "closed": "complete", "cancelled": "cancelled", "failed": "unsuccessful"}
CONTRACT_STATUS = {"awarded": "pending", "contracting": "pending", "active": "active", "closed": "terminated"}
MEMBERS = ("interested", "confirmed", "contracted")


def _iso(value: datetime | None) -> str | None:
    """Naive UTC from the database as an RFC 3339 timestamp."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC, microsecond=0).isoformat().replace("+00:00", "Z")


def _day(value) -> str | None:
    return f"{value.isoformat()}T00:00:00+09:00" if value else None


def _money(amount: int | None) -> dict | None:
    return None if amount is None else {"amount": amount, "currency": "JPY"}


def ocid(tender: JointTender) -> str:
    """The tender's Open Contracting ID: configurable prefix + reference."""
    return current_app.config.get("OCDS_OCID_PREFIX", DEFAULT_PREFIX) + tender.reference


def _muni_party(p: Participation) -> dict:
    m = p.municipality
    return {"id": f"JP-LGCODE-{m.code}", "name": f"{m.name_ja} ({m.name_en})", "roles": ["buyer"],
            "identifier": {"scheme": "JP-LGCODE", "id": m.code, "legalName": m.name_ja},
            "address": {"region": "東京都", "locality": m.name_ja, "countryName": "Japan"}}


def _vendor_id(tender: JointTender, index: int) -> str:
    return f"{ocid(tender)}-vendor-{index}"


def _clean(value):
    """Drop None values and empty containers: OCDS fields are optional but never null here."""
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v is not None and v != [] and v != {}}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def release(tender: JointTender) -> dict:
    """One compiled OCDS release for the tender in its current state."""
    the_ocid = ocid(tender)
    members = [p for p in tender.participations if p.status in MEMBERS]
    vendors = {b.vendor_name: _vendor_id(tender, i) for i, b in enumerate(tender.bids, start=1)}
    award = tender.award if tender.state in AWARDED_STATES else None
    winner = award.bid.vendor_name if award else None
    parties = [{"id": GOVTECH_ID, "name": GOVTECH_NAME, "roles": ["procuringEntity"],
                "address": {"region": "東京都", "countryName": "Japan"}}]
    parties += [_muni_party(p) for p in members]
    parties += [{"id": vid, "name": name, "roles": ["tenderer", "supplier"] if name == winner else ["tenderer"]}
                for name, vid in vendors.items()]
    items = [{"id": p.municipality.code, "description": f"{tender.title} — {p.municipality.name_ja}",
              "classification": {"scheme": "GOVTECH-TOKYO-CATEGORY", "id": tender.category.code,
                                 "description": tender.category.name_ja},
              "quantity": p.quantity, "unit": {"name": tender.unit or None}} for p in members]
    tags = ["tender"] + (["award"] if award else []) + (["contract"] if award and tender.allocated_at else [])
    if tender.state == "cancelled":
        tags = ["tenderCancellation"]
    data = {"ocid": the_ocid, "id": f"{the_ocid}-{tender.state}-{tender.version}", "date": _iso(tender.updated_at),
            "tag": tags, "initiationType": "tender", "language": "ja", "parties": parties,
            "tender": _tender(tender, members, items, vendors)}
    if award:
        data["awards"] = [_award(tender, award, vendors[winner], items)]
        if tender.allocated_at:
            data["contracts"] = [_contract(tender, award, p) for p in members if p.allocated_jpy is not None]
    return _clean(data)


def _tender(tender: JointTender, members: list[Participation], items: list[dict], vendors: dict) -> dict:
    combined = tender.award_method == "combined"
    return {
        "id": tender.reference, "title": tender.title, "description": tender.description or None,
        "status": TENDER_STATUS[tender.state], "procuringEntity": {"id": GOVTECH_ID, "name": GOVTECH_NAME},
        "items": items, "procurementMethod": "open",
        "procurementMethodDetails": "共同調達 (joint procurement for Tokyo municipalities)",
        "awardCriteria": "ratedCriteria" if combined else "priceOnly",
        "awardCriteriaDetails": f"price {tender.price_weight}% / quality {tender.quality_weight}%" if combined else None,
        "value": _money(sum(p.budget_ceiling_jpy or 0 for p in members) or None),
        "tenderPeriod": {"endDate": _iso(tender.bid_deadline)} if tender.bid_deadline else None,
        "contractPeriod": {"startDate": _day(tender.contract_start), "endDate": _day(tender.contract_end)},
        "numberOfTenderers": len(vendors) if tender.bids else None,
        "tenderers": [{"id": vid, "name": name} for name, vid in vendors.items()],
    }


def _award(tender: JointTender, award, supplier_id: str, items: list[dict]) -> dict:
    return {"id": f"{ocid(tender)}-award-1", "title": tender.title, "status": "active", "date": _iso(award.awarded_at),
            "value": _money(award.total_jpy), "suppliers": [{"id": supplier_id, "name": award.bid.vendor_name}],
            "items": items,
            "contractPeriod": {"startDate": _day(tender.contract_start), "endDate": _day(tender.contract_end)}}


def _contract(tender: JointTender, award, p: Participation) -> dict:
    m = p.municipality
    return {"id": f"{ocid(tender)}-contract-{m.code}", "awardID": f"{ocid(tender)}-award-1",
            "title": f"{tender.title} — {m.name_ja}",
            "description": f"{m.name_ja}の分担額 (share of the joint award, rule: {tender.allocation_rule})",
            "status": CONTRACT_STATUS.get(tender.state, "pending"), "value": _money(p.allocated_jpy),
            "items": [{"id": m.code, "description": f"{tender.title} — {m.name_ja}", "quantity": p.quantity,
                       "unit": {"name": tender.unit or None}}],
            "period": {"startDate": _day(tender.contract_start), "endDate": _day(tender.contract_end)},
            "dateSigned": _iso(p.contract_signed_at)}


def release_package(tenders: list[JointTender], *, uri: str, published: datetime | None = None) -> dict:
    """An OCDS 1.1 release package of the tenders' releases."""
    if published is None:
        published = max((t.updated_at for t in tenders), default=None)
    return {
        "uri": uri, "version": "1.1",
        "publishedDate": _iso(published) or datetime.now(UTC).replace(microsecond=0).isoformat(),
        "publisher": {"name": GOVTECH_NAME},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "releases": [release(t) for t in tenders],
    }
