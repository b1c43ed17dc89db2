"""Volume-discount curves, pool savings estimates, curve fitting and per-participant savings."""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path

import pytest

from govtech.procurement.savings import (
    DEFAULT_EXPONENTS,
    VolumeDiscountCurve,
    curve_for_category,
    estimate_pool_savings,
    fit_curve,
    participant_savings,
)

CATEGORIES = Path(__file__).resolve().parents[2] / "govtech" / "data" / "categories.csv"


def test_multiplier_falls_with_volume_and_stops_at_the_floor():
    curve = VolumeDiscountCurve(discount_exponent=0.2, floor=0.3)
    assert curve.multiplier(1) == 1.0
    assert curve.multiplier(10, reference=20) == 1.0  # buying less never gets cheaper
    assert curve.multiplier(10) == pytest.approx(10**-0.2)
    assert curve.multiplier(100) > curve.multiplier(300) > 0.3
    assert curve.multiplier(10**9) == 0.3
    with pytest.raises(ValueError):
        curve.multiplier(0)


@pytest.mark.parametrize("kwargs", [{"discount_exponent": -0.1}, {"discount_exponent": 2}, {"floor": 0},
                                    {"floor": 1.2}, {"discount_exponent": math.nan}])
def test_curve_rejects_settings_out_of_range(kwargs):
    with pytest.raises(ValueError):
        VolumeDiscountCurve(**kwargs)


def test_two_equal_members_save_by_the_power_law():
    curve = VolumeDiscountCurve(discount_exponent=0.15)
    expected = 2_000_000 * (1 - 0.5**0.15)
    assert estimate_pool_savings([1_000_000, 1_000_000], [10, 10], curve) == round(expected)


def test_small_member_saves_more_than_large_member():
    curve = VolumeDiscountCurve(discount_exponent=0.15)
    small = estimate_pool_savings([1_000_000, 9_000_000], [10, 90], curve) - estimate_pool_savings(
        [0, 9_000_000], [10, 90], curve
    )
    assert small == round(1_000_000 * (1 - 0.1**0.15))


def test_no_savings_alone_or_without_quantities():
    curve = VolumeDiscountCurve()
    assert estimate_pool_savings([5_000_000], [100], curve) == 0
    assert estimate_pool_savings([], [], curve) == 0
    assert estimate_pool_savings([100, 200], [0, 0], curve) == 0
    # A member without a quantity keeps its own price; the others still pool.
    assert estimate_pool_savings([100, 1000, 1000], [0, 5, 5], curve) == estimate_pool_savings(
        [1000, 1000], [5, 5], curve
    )


def test_floor_caps_savings_at_half_by_default():
    budgets, quantities = [1_000] * 1000, [1] * 1000
    saved = estimate_pool_savings(budgets, quantities, VolumeDiscountCurve(discount_exponent=0.9))
    assert saved == 500_000


@pytest.mark.parametrize(("budgets", "quantities"), [([1, 2], [1]), ([-1, 2], [1, 1]), ([1, 2], [1, -1]),
                                                     ([1, math.inf], [1, 1])])
def test_invalid_pool_input(budgets, quantities):
    with pytest.raises(ValueError):
        estimate_pool_savings(budgets, quantities, VolumeDiscountCurve())


def test_every_category_has_a_default_and_typical_pools_save_10_to_50_percent():
    with CATEGORIES.open(encoding="utf-8") as f:
        codes = [row["code"] for row in csv.DictReader(f)]
    assert set(codes) <= set(DEFAULT_EXPONENTS)
    for code in codes:
        curve = curve_for_category(code)
        for members in (3, 5, 10, 20):
            share = estimate_pool_savings([1_000_000] * members, [100] * members, curve) / (members * 1_000_000)
            assert 0.08 <= share <= 0.5, (code, members, share)


def test_curve_for_category_overrides_and_unknown_codes():
    assert curve_for_category("rpa", {"rpa": 0.3}).discount_exponent == 0.3
    assert curve_for_category("rpa").discount_exponent == DEFAULT_EXPONENTS["rpa"]
    assert 0 < curve_for_category("new-admin-category").discount_exponent < 0.5


def test_fit_curve_recovers_the_exponent_in_log_space():
    rng = random.Random(3)
    points = [(q, 50_000 * q**-0.22 * math.exp(rng.gauss(0, 0.03))) for q in (10, 40, 100, 300, 800, 2000)]
    assert fit_curve(points).discount_exponent == pytest.approx(0.22, abs=0.03)


def test_fit_curve_falls_back_when_too_few_or_degenerate():
    default = VolumeDiscountCurve(discount_exponent=0.12, floor=0.55)
    assert fit_curve([(10, 100), (20, 90)], default=default) is default
    assert fit_curve([(10, 100), (10, 90), (10, 95)], default=default) is default  # one quantity only
    assert fit_curve([(0, 100), (-5, 90), (20, 0), (30, math.nan)], default=default) is default
    assert fit_curve([], default=default) is default
    fitted = fit_curve([(10, 100), (100, 80), (1000, 64)], default=default)
    assert fitted.floor == 0.55 and fitted.discount_exponent == pytest.approx(-math.log10(0.8), abs=1e-9)


def test_fit_curve_clips_rising_prices_to_no_discount():
    assert fit_curve([(10, 100), (100, 120), (1000, 150)]).discount_exponent == 0.0


def test_participant_savings():
    assert participant_savings(1_200_000, 950_000) == 250_000
    assert participant_savings(900_000, 950_000) == -50_000  # reported, not hidden
    for bad in ((-1, 0), (1.5, 1), (1, None), (True, 1)):
        with pytest.raises(ValueError):
            participant_savings(*bad)
