"""Pool suggestion edge cases: empty input, single requests, same municipality, fiscal years, ordering."""

from __future__ import annotations

import random
from datetime import date

import pytest

from govtech.procurement.pooling import RequestRecord, normalize_text, request_vectors, suggest_pools
from govtech.procurement.savings import VolumeDiscountCurve

M365 = ("Microsoft 365 E3ライセンス", "職員用Microsoft 365 E3ライセンス。Exchange Online・Teams・SharePoint。")
ZOOM = ("Zoom Pro ライセンス", "外部とのWeb会議用 Zoom Meetings Pro 年間ライセンス。")
WEBEX = ("Webex Meetings ライセンス", "Cisco Webex Meetings の年間ライセンス（庁外とのWeb会議用）。")
ROOMS = ("Teams Rooms 会議室端末", "会議室用 Microsoft Teams Rooms 認定デバイスと Teams Rooms Pro ライセンス。")


def req(rid, muni, text, *, fy=2026, category="office-license", qty=100, budget=5_000_000):
    """A request with the given (title, description)."""
    title, description = text
    return RequestRecord(id=rid, municipality=muni, category=category, title=title, description=description,
                         quantity=qty, unit="ライセンス", budget_jpy=budget, fiscal_year=fy,
                         desired_start=date(fy, 4, 1))


def test_empty_and_single_inputs_give_no_pools():
    assert suggest_pools([]) == []
    assert suggest_pools([req("1", "13101", M365)]) == []


def test_identical_requests_from_one_municipality_do_not_pool_alone():
    assert suggest_pools([req("1", "13101", M365), req("2", "13101", M365)]) == []


def test_same_municipality_twice_may_join_a_pool_with_others():
    pools = suggest_pools([req("1", "13101", M365), req("2", "13101", M365), req("3", "13102", M365)])
    assert len(pools) == 1
    assert pools[0].request_ids == ["1", "2", "3"]
    assert pools[0].municipalities == ["13101", "13102"]


def test_identical_requests_across_municipalities_pool_with_an_explanation():
    (pool,) = suggest_pools([req("a", "13101", M365, qty=300), req("b", "13219", M365, qty=100)])
    assert pool.request_ids == ["a", "b"]
    assert pool.similarity == pytest.approx(1.0, abs=1e-3)
    assert set(pool.per_request_similarity) == {"a", "b"}
    assert pool.total_quantity == 400 and pool.unit == "ライセンス" and pool.category == "office-license"
    assert "microsoft365" in pool.shared_terms and "e3" in pool.shared_terms
    assert pool.estimated_savings_jpy > 0


def test_fiscal_years_never_mix():
    assert suggest_pools([req("1", "13101", M365, fy=2026), req("2", "13102", M365, fy=2027)]) == []


def test_different_products_in_one_category_stay_apart():
    rows = [req(f"{name}{i}", f"131{i:02d}", text, category="web-meeting")
            for name, text in (("zoom", ZOOM), ("webex", WEBEX), ("rooms", ROOMS)) for i in range(1, 4)]
    pools = suggest_pools(rows)
    assert sorted(tuple(p.request_ids) for p in pools) == [
        ("rooms1", "rooms2", "rooms3"), ("webex1", "webex2", "webex3"), ("zoom1", "zoom2", "zoom3")]


def test_requests_without_text_never_pool_on_category_alone():
    blank = ("", "")
    assert suggest_pools([req("1", "13101", blank), req("2", "13102", blank)]) == []


def test_ranked_by_estimated_savings_and_curve_is_used():
    rows = [req("z1", "13101", ZOOM, budget=1_000_000), req("z2", "13102", ZOOM, budget=1_000_000),
            req("m1", "13101", M365, budget=90_000_000), req("m2", "13102", M365, budget=90_000_000)]
    pools = suggest_pools(rows)
    assert [p.request_ids for p in pools] == [["m1", "m2"], ["z1", "z2"]]
    assert pools[0].estimated_savings_jpy > pools[1].estimated_savings_jpy
    flat = suggest_pools(rows, curve=VolumeDiscountCurve(discount_exponent=0.0))
    assert [p.estimated_savings_jpy for p in flat] == [0, 0]
    by_category = suggest_pools(rows, curve={"office-license": VolumeDiscountCurve(discount_exponent=0.0)})
    assert {p.category: p.estimated_savings_jpy for p in by_category}["office-license"] == 0


def test_result_does_not_depend_on_input_order():
    rows = [req(f"r{i}", f"131{i % 7:02d}", text, category=cat)
            for i, (text, cat) in enumerate([(M365, "office-license"), (ZOOM, "web-meeting"),
                                             (WEBEX, "web-meeting"), (ROOMS, "other")] * 4)]
    expected = [p.request_ids for p in suggest_pools(rows)]
    rng = random.Random(1)
    for _ in range(3):
        rng.shuffle(rows)
        assert [p.request_ids for p in suggest_pools(rows)] == expected


def test_duplicate_ids_are_rejected():
    with pytest.raises(ValueError, match="unique"):
        suggest_pools([req("1", "13101", M365), req("1", "13102", M365)])


@pytest.mark.parametrize(("raw", "expected"), [
    ("ﾏｲｸﾛｿﾌﾄ365 ﾗｲｾﾝｽ", "microsoft365 ライセンス"),
    ("Ｍ３６５　Ｅ３", "microsoft365 e3"),
    ("Office365 E3 licences", "microsoft365 e3 ライセンス"),
    ("ChatGPT等 生成AI", "chatgpt 等 生成ai"),
    ("令和8年度 RPAライセンス 一式（300台）", "rpaライセンス 台"),
])
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_request_vectors_are_unit_rows():
    rows = [req("1", "13101", M365), req("2", "13102", ZOOM, category="other")]
    X = request_vectors(rows)
    assert X.shape[0] == 2
    assert (abs((X.multiply(X)).sum(axis=1) - 1) < 1e-5).all()
