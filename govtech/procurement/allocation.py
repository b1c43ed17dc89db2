"""Cost allocation of a joint tender's award among participants, exact to the yen.

Each rule gives every participant an exact rational share (``fractions.Fraction``, never floats) of the
total. Shares are floored to whole yen and the few remaining yen (fewer than the number of participants)
go one each to the largest fractional parts; ties go to the smaller participant id. The integer shares
therefore always sum to the total, and the same input always yields the same shares.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from numbers import Integral, Rational

RULES = ("quantity", "equal", "population", "mix")
BASE_RULES = ("quantity", "equal", "population")


class AllocationError(ValueError):
    """Raised when an allocation cannot be computed from the given input."""


@dataclass(frozen=True)
class Participant:
    """One municipality's participation: its id, quantity (seats, licences…) and population."""

    id: str
    quantity: float = 0
    population: int = 0


@dataclass(frozen=True)
class Allocation:
    """Integer shares in participant order, plus who received a rounding yen and a readable note."""

    shares: list[int]
    exact: list[Fraction]
    extra_yen: list[str]
    note: str


def allocate(
    total_jpy: int, participants: Sequence[Participant], rule: str = "quantity", mix: Mapping | None = None
) -> list[int]:
    """Split ``total_jpy`` by ``rule``; integer shares in participant order that sum exactly to the total."""
    return explain_rounding(total_jpy, participants, rule, mix).shares


def explain_rounding(
    total_jpy: int, participants: Sequence[Participant], rule: str = "quantity", mix: Mapping | None = None
) -> Allocation:
    """Allocate like ``allocate`` and say which participants received the remainder yen and why."""
    total_jpy = _check_total(total_jpy)
    _check_participants(participants)
    weights = _rule_weights(participants, rule, mix)
    exact = [total_jpy * w for w in weights]
    shares = [int(x) for x in exact]  # floor: every exact share is non-negative
    remainder = total_jpy - sum(shares)
    order = sorted(range(len(participants)), key=lambda i: (-(exact[i] - shares[i]), str(participants[i].id)))
    winners = order[:remainder]
    for i in winners:
        shares[i] += 1
    extra = [str(participants[i].id) for i in winners]
    return Allocation(shares, exact, extra, _note(total_jpy, remainder, extra, rule))


def _rule_weights(participants: Sequence[Participant], rule: str, mix: Mapping | None) -> list[Fraction]:
    """Exact weights (summing to 1) of each participant under a rule or a mix of rules."""
    if rule not in RULES:
        raise AllocationError(f"unknown allocation rule {rule!r}; expected one of {', '.join(RULES)}")
    if rule != "mix":  # a stored mix is ignored unless the rule is "mix"
        return _base_weights(participants, rule)
    parts = _mix_parts(mix)
    weights = [Fraction(0)] * len(participants)
    for base_rule, part in parts.items():
        for i, w in enumerate(_base_weights(participants, base_rule)):
            weights[i] += part * w
    return weights


def _base_weights(participants: Sequence[Participant], rule: str) -> list[Fraction]:
    """Exact weights under one of the base rules: quantity, equal or population."""
    if rule == "equal":
        return [Fraction(1, len(participants))] * len(participants)
    values = [_exact(getattr(p, rule), f"{rule} of participant {p.id!r}") for p in participants]
    total = sum(values, Fraction(0))
    if total == 0:
        raise AllocationError(f"cannot allocate by {rule}: the participants' total {rule} is zero")
    return [v / total for v in values]


def _mix_parts(mix: Mapping | None) -> dict[str, Fraction]:
    """Validate mix weights (base rules only, non-negative, summing to 1) and return them exactly."""
    if not mix:
        raise AllocationError("rule 'mix' needs weights, e.g. {'equal': 0.2, 'quantity': 0.8}")
    unknown = sorted(set(mix) - set(BASE_RULES))
    if unknown:
        raise AllocationError(f"unknown rules in mix: {', '.join(map(str, unknown))}")
    parts = {rule: _exact(weight, f"mix weight for {rule!r}") for rule, weight in mix.items()}
    total = sum(parts.values(), Fraction(0))
    if abs(total - 1) > Fraction(1, 10**9):
        raise AllocationError(f"mix weights must sum to 1 (they sum to {float(total):g})")
    # Normalise exactly so that weights like 0.1 + 0.2 + 0.7 written as floats still sum to exactly 1.
    return {rule: part / total for rule, part in parts.items() if part}


def _exact(value: object, what: str) -> Fraction:
    """Convert a non-negative int, Fraction, Decimal or float (via its decimal repr) to a Fraction."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Rational):
        raise AllocationError(f"{what} must be a number, got {value!r}")
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    if not finite:
        raise AllocationError(f"{what} must be a finite number, got {value!r}")
    exact = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    if exact < 0:
        raise AllocationError(f"{what} must be a non-negative number, got {value!r}")
    return exact


def _check_total(total_jpy: int) -> int:
    """The award total as a Python int; it must be a non-negative integer number of yen."""
    if isinstance(total_jpy, bool) or not isinstance(total_jpy, Integral):
        raise AllocationError(f"total_jpy must be an integer number of yen, got {total_jpy!r}")
    if total_jpy < 0:
        raise AllocationError(f"total_jpy must not be negative, got {total_jpy}")
    return int(total_jpy)


def _check_participants(participants: Sequence[Participant]) -> None:
    """At least one participant, each with a distinct id."""
    if not participants:
        raise AllocationError("cannot allocate among zero participants")
    ids = [str(p.id) for p in participants]
    if len(set(ids)) != len(ids):
        raise AllocationError("participant ids must be unique")


def _note(total_jpy: int, remainder: int, extra: list[str], rule: str) -> str:
    """Human-readable explanation of how the rounding remainder was placed."""
    if remainder == 0:
        return f"Exact shares by {rule} are whole yen; no rounding was needed for ¥{total_jpy:,}."
    return (
        f"Exact shares by {rule} were rounded down to whole yen, leaving ¥{remainder:,}; one yen each went to "
        f"{', '.join(extra)} (largest fractional parts first, ties broken by participant id ascending), "
        f"so the shares sum to ¥{total_jpy:,}."
    )
