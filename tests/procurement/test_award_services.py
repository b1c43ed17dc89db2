"""Bids, award, exact cost allocation, savings, re-tender and the estimate before bidding (no HTTP)."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from govtech.core.errors import Conflict, InvalidTransition, ValidationFailed
from govtech.extensions import db
from govtech.procurement import awards, queries, tenders
from govtech.procurement.errors import NoValidBid
from govtech.procurement.estimates import tender_estimate
from govtech.procurement.models import Award
from tests.procurement.builders import make_tender, to_awarded, to_tendering


def _shares(tender) -> dict[str, int]:
    return {p.municipality.code: p.allocated_jpy for p in tender.participations if p.status == "confirmed"}


def test_lowest_price_award_splits_the_total_exactly_by_quantity(app):
    tender = make_tender()
    award = to_awarded(tender, bids=((None, 4_000_001, 90), (None, 3_999_999, 10)))
    assert award.bid.vendor_name == "Vendor 2" and award.total_jpy == 3_999_999
    shares = _shares(tender)
    assert sum(shares.values()) == 3_999_999
    # 10 : 300 : 25 of 3,999,999 = 119402.96 / 3582088.66 / 298507.39: floors leave 2 yen, which go to the
    # two largest fractional parts.
    assert shares == {"13307": 119_403, "13112": 3_582_089, "13308": 298_507}
    assert tender.rounding_remainder_jpy == 2
    assert sorted(p.municipality.code for p in tender.participations if p.rounding_extra_jpy) == ["13112", "13307"]


def test_combined_scoring_can_prefer_quality_over_price(app):
    tender = make_tender(award_method="combined", price_weight=50, quality_weight=50)
    award = to_awarded(tender, bids=((None, 4_000_000, 95), (None, 3_800_000, 40)))
    assert award.bid.vendor_name == "Vendor 1"  # 47.5 + 47.5 = 95.0 beats 50 + 20 = 70
    scores = awards.bid_scores(tender)
    assert scores[award.bid_id] == 95.0 and award.score == 95.0


def test_combined_scoring_needs_every_technical_score(app):
    tender = make_tender(award_method="combined", price_weight=70, quality_weight=30)
    to_tendering(tender)
    awards.record_bid(actor=None, tender=tender, vendor_name="A", total_jpy=1_000_000)
    tenders.start_evaluation(actor=None, tender=tender)
    with pytest.raises(ValidationFailed):
        awards.award_tender(actor=None, tender=tender)


def test_unit_price_bids_are_multiplied_by_the_total_quantity(app):
    tender = make_tender()
    award = to_awarded(tender, bids=((1_000, None, None),))
    assert award.total_jpy == 1_000 * 335 and award.unit_price_jpy == 1_000 and award.quantity == 335
    assert _shares(tender) == {"13307": 10_000, "13112": 300_000, "13308": 25_000}
    assert tender.rounding_remainder_jpy == 0


def test_no_award_without_a_valid_bid_then_fail_and_retender(app):
    tender = make_tender()
    to_tendering(tender)
    with pytest.raises(InvalidTransition):
        tenders.start_evaluation(actor=None, tender=tender)  # no bid at all
    awards.record_bid(actor=None, tender=tender, vendor_name="A", total_jpy=900_000, valid=False,
                      invalid_reason="必要書類なし")
    tenders.start_evaluation(actor=None, tender=tender)
    with pytest.raises(NoValidBid):
        awards.award_tender(actor=None, tender=tender)
    tenders.fail_tender(actor=None, tender=tender, reason="有効な入札なし")
    new = tenders.retender(actor=None, tender=tender)
    db.session.commit()
    assert new.state == "spec_drafting" and new.retender_of_id == tender.id
    assert sorted(p.municipality.code for p in new.participations) == ["13112", "13307", "13308"]
    assert all(r.tender_id == new.id for r in new.requests)
    with pytest.raises(Conflict):
        tenders.retender(actor=None, tender=tender)


def test_a_tender_with_a_valid_bid_cannot_be_declared_failed(app):
    tender = make_tender()
    to_tendering(tender)
    awards.record_bid(actor=None, tender=tender, vendor_name="A", total_jpy=900_000)
    with pytest.raises(InvalidTransition):
        tenders.fail_tender(actor=None, tender=tender, reason="x")


def test_one_bid_per_vendor_and_bids_need_a_price(app):
    tender = make_tender()
    to_tendering(tender)
    with pytest.raises(ValidationFailed):
        awards.record_bid(actor=None, tender=tender, vendor_name="A")
    with pytest.raises(ValidationFailed):
        awards.record_bid(actor=None, tender=tender, vendor_name="A", unit_price_jpy=1, total_jpy=2)
    awards.record_bid(actor=None, tender=tender, vendor_name="A", total_jpy=900_000)
    with pytest.raises(Conflict):
        awards.record_bid(actor=None, tender=tender, vendor_name="A", total_jpy=800_000)


def test_database_allows_one_award_per_tender(app):
    tender = make_tender()
    award = to_awarded(tender)
    db.session.add(Award(tender_id=tender.id, bid_id=award.bid_id, total_jpy=1, quantity=1))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("rule, mix", [
    ("equal", {}), ("population", {}), ("mix", {"mix_equal": 20, "mix_quantity": 80}),
    ("mix", {"mix_equal": 10, "mix_quantity": 45, "mix_population": 45}),
])
def test_every_rule_sums_exactly_to_the_award_total(app, rule, mix):
    tender = make_tender()
    award = to_awarded(tender, bids=((None, 7_777_777, None),))
    awards.allocate_costs(actor=None, tender=tender, rule={"allocation_rule": rule, **mix})
    db.session.commit()
    shares = _shares(tender)
    assert sum(shares.values()) == award.total_jpy == 7_777_777
    assert tender.allocation_rule == rule
    if rule == "equal":
        assert sorted(shares.values()) == [2_592_592, 2_592_592, 2_592_593]
    if rule == "population":  # 世田谷区 is by far the largest
        assert max(shares, key=shares.get) == "13112"


def test_allocation_after_contracting_started_is_refused(app):
    tender = make_tender()
    to_awarded(tender)
    tenders.start_contracting(actor=None, tender=tender)
    with pytest.raises(InvalidTransition):
        awards.allocate_costs(actor=None, tender=tender, rule={"allocation_rule": "equal"})


def test_savings_use_the_ceiling_or_an_estimate_from_the_curve(app):
    tender = make_tender()
    no_ceiling = tender.participations[2]
    no_ceiling.budget_ceiling_jpy = None
    db.session.commit()
    to_awarded(tender, bids=((1_000, None, None),))
    by_code = {p.municipality.code: p for p in tender.participations}
    assert by_code["13112"].standalone_jpy == 15_000_000 and not by_code["13112"].standalone_estimated
    assert by_code["13112"].savings_jpy == 15_000_000 - 300_000
    alone = by_code["13308"]
    assert alone.standalone_estimated and alone.standalone_jpy > alone.allocated_jpy  # buying 25 alone costs more
    table = queries.savings_table()
    assert sum(r["savings_jpy"] for r in table) == sum(p.savings_jpy for p in tender.participations)
    assert {r["fiscal_year"] for r in table} == {2027}


def test_contracts_make_participants_contracted(app):
    tender = make_tender()
    to_awarded(tender)
    tenders.start_contracting(actor=None, tender=tender)
    tenders.activate_contracts(actor=None, tender=tender)
    tenders.close_tender(actor=None, tender=tender)
    assert tender.state == "closed"
    assert {p.status for p in tender.participations} == {"contracted"}
    assert all(p.contract_signed_at for p in tender.participations)


def test_estimate_before_bidding_comes_from_the_volume_discount_curve(app):
    tender = make_tender()
    estimate = tender_estimate(tender)
    assert estimate["members"] == 3 and estimate["budget_jpy"] == 17_000_000
    assert 0 < estimate["savings_jpy"] < estimate["budget_jpy"] * 0.5
    assert estimate["source"] == "default"
    tender.category.discount_exponent = 0.0  # an administrator's setting: no volume discount at all
    assert tender_estimate(tender)["savings_jpy"] == 0
    assert tender_estimate(tender)["source"] == "setting"
