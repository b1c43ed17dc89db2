"""Cost allocation: exact integer shares for every rule, deterministic rounding, clear errors."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest

from govtech.procurement.allocation import (
    AllocationError,
    Participant,
    allocate,
    explain_rounding,
)


def people(*rows):
    """Participants from (id, quantity, population) tuples."""
    return [Participant(id=i, quantity=q, population=p) for i, q, p in rows]


def random_case(rng: random.Random):
    """A random total, participant list, rule and mix."""
    n = rng.randint(1, 12)
    parts = [
        Participant(
            id=f"{rng.randint(13100, 13499)}-{k}",
            quantity=rng.choice([rng.randint(0, 5000), round(rng.uniform(0, 300), 2), 0]),
            population=rng.choice([0, rng.randint(150, 950_000)]),
        )
        for k in range(n)
    ]
    parts[rng.randrange(n)] = Participant(id=f"x-{n}", quantity=rng.randint(1, 900), population=rng.randint(1, 10**6))
    rule = rng.choice(["quantity", "equal", "population", "mix"])
    mix = None
    if rule == "mix":
        a = rng.randint(0, 100)
        b = rng.randint(0, 100 - a)
        mix = {"equal": a / 100, "quantity": b / 100, "population": (100 - a - b) / 100}
    total = rng.choice([0, 1, rng.randint(0, 99), rng.randint(0, 10**6), rng.randint(0, 10**10)])
    return total, parts, rule, mix


def test_shares_always_sum_to_the_total_property():
    rng = random.Random(20260401)
    for _ in range(600):
        total, parts, rule, mix = random_case(rng)
        result = explain_rounding(total, parts, rule, mix)
        assert sum(result.shares) == total
        assert all(isinstance(s, int) and s >= 0 for s in result.shares)
        assert all(abs(s - e) < 1 for s, e in zip(result.shares, result.exact, strict=True))
        assert sum(result.exact) == total  # the exact shares are exact, not float approximations
        assert len(result.extra_yen) == total - sum(int(e) for e in result.exact) < len(parts)


def test_rounding_is_deterministic_and_independent_of_participant_order():
    rng = random.Random(7)
    for _ in range(200):
        total, parts, rule, mix = random_case(rng)
        first = dict(zip([p.id for p in parts], allocate(total, parts, rule, mix), strict=True))
        shuffled = parts[:]
        rng.shuffle(shuffled)
        second = dict(zip([p.id for p in shuffled], allocate(total, shuffled, rule, mix), strict=True))
        assert first == second


def test_quantity_rule_gives_the_extra_yen_to_the_largest_fraction():
    result = explain_rounding(1000, people(("A", 1, 0), ("B", 2, 0)), "quantity")
    assert result.shares == [333, 667]  # 333.33 and 666.67
    assert result.extra_yen == ["B"]
    assert "B" in result.note and "largest fractional parts" in result.note


def test_equal_rule_breaks_ties_by_participant_id_ascending():
    parts = people(("13103", 5, 0), ("13101", 1, 0), ("13102", 9, 0))
    assert allocate(100, parts, "equal") == [33, 34, 33]  # 13101 has the smallest id
    assert explain_rounding(101, parts, "equal").extra_yen == ["13101", "13102"]


def test_population_rule():
    parts = people(("a", 0, 100), ("b", 0, 300))
    assert allocate(1_000_001, parts, "population") == [250_000, 750_001]


def test_mix_of_equal_and_quantity():
    parts = people(("a", 10, 0), ("b", 30, 0))
    # 20% equal: 100 each; 80% by quantity: 200 and 600.
    assert allocate(1000, parts, "mix", {"equal": 0.2, "quantity": 0.8}) == [300, 700]


def test_mix_weights_given_as_floats_are_handled_exactly():
    parts = people(("a", 1, 1), ("b", 1, 2), ("c", 1, 3))
    shares = allocate(999_999, parts, "mix", {"equal": 0.1, "quantity": 0.2, "population": 0.7})
    assert sum(shares) == 999_999


def test_float_and_decimal_quantities_are_exact():
    result = explain_rounding(3, people(("a", 0.1, 0), ("b", 0.2, 0)), "quantity")
    assert result.exact == [Fraction(1), Fraction(2)]
    assert result.extra_yen == []
    assert allocate(10, people(("a", Decimal("0.5"), 0), ("b", Decimal("1.5"), 0))) == [3, 7]  # 2.5 / 7.5


def test_no_rounding_note_when_exact():
    result = explain_rounding(900, people(("a", 1, 0), ("b", 2, 0)), "quantity")
    assert result.shares == [300, 600]
    assert "no rounding" in result.note


def test_zero_total_is_allowed():
    assert allocate(0, people(("a", 1, 0), ("b", 2, 0))) == [0, 0]


def test_a_stored_mix_is_ignored_for_other_rules():
    assert allocate(10, people(("a", 1, 0), ("b", 1, 0)), "equal", {"quantity": 1}) == [5, 5]


@pytest.mark.parametrize(
    ("total", "parts", "rule", "mix", "message"),
    [
        (-1, people(("a", 1, 1)), "quantity", None, "must not be negative"),
        (10.5, people(("a", 1, 1)), "quantity", None, "integer"),
        (True, people(("a", 1, 1)), "quantity", None, "integer"),
        (10, [], "quantity", None, "zero participants"),
        (10, people(("a", 0, 1), ("b", 0, 1)), "quantity", None, "total quantity is zero"),
        (10, people(("a", 1, 0), ("b", 1, 0)), "population", None, "total population is zero"),
        (10, people(("a", 1, 1)), "by-size", None, "unknown allocation rule"),
        (10, people(("a", 1, 1)), "mix", None, "needs weights"),
        (10, people(("a", 1, 1)), "mix", {"equal": 0.5, "quantity": 0.4}, "sum to 1"),
        (10, people(("a", 1, 1)), "mix", {"equal": 0.5, "seats": 0.5}, "unknown rules in mix"),
        (10, people(("a", 1, 1)), "mix", {"equal": 1.5, "quantity": -0.5}, "non-negative"),
        (10, people(("a", -1, 1), ("b", 2, 1)), "quantity", None, "non-negative"),
        (10, people(("a", float("nan"), 1)), "quantity", None, "finite"),
        (10, people(("a", "3", 1)), "quantity", None, "must be a number"),
        (10, people(("a", 1, 1), ("a", 2, 1)), "quantity", None, "unique"),
    ],
)
def test_invalid_input_raises_allocation_error(total, parts, rule, mix, message):
    with pytest.raises(AllocationError, match=message):
        allocate(total, parts, rule, mix)


def test_allocation_error_is_a_value_error():
    assert issubclass(AllocationError, ValueError)


def test_numpy_integers_are_accepted():
    np = pytest.importorskip("numpy")
    assert allocate(np.int64(10), people(("a", np.int64(1), 0), ("b", np.float64(3.0), 0))) == [3, 7]  # 2.5/7.5
