"""Volume-discount savings estimates for joint procurement (pure Python/numpy; no Flask, no database).

Model: the unit price falls with the quantity bought as a power law, ``price(q) = p1 * q ** -b``.
A member that alone buys ``q_i`` for its budget ``B_i`` implicitly pays ``B_i / q_i`` per unit; inside a
pool of total quantity ``Q`` it pays ``B_i * (q_i / Q) ** b`` instead, never less than ``floor * B_i``.

Assumption (DOMAIN.md: Consip and UK aggregations report 10–50% savings): the default exponents below sit
around b = 0.10–0.20, so two equal members save about 7–13%, ten equal members about 21–37%, and the
floor of 0.5 caps any member's saving at 50%. Admins can override the exponent per category, or
``fit_curve`` can learn it from past awards.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from numbers import Integral

import numpy as np

# Default discount exponent b per category code. Licences bought at list price have shallow vendor
# discount bands; content and services whose fixed cost is shared (e-learning, e-contract) fall faster.
DEFAULT_EXPONENTS: dict[str, float] = {
    "e-learning": 0.20,
    "office-license": 0.10,
    "groupware": 0.10,
    "chat": 0.12,
    "web-meeting": 0.12,
    "e-application": 0.15,
    "ai-ocr": 0.15,
    "rpa": 0.15,
    "generative-ai": 0.15,
    "low-code": 0.12,
    "security": 0.15,
    "mdm": 0.12,
    "e-contract": 0.18,
    "cloud-infra": 0.12,
    "other": 0.08,
}
DEFAULT_EXPONENT = 0.10  # for category codes an admin added without a setting
DEFAULT_FLOOR = 0.5
MAX_EXPONENT = 0.9  # a fitted b above this would mean prices collapsing with volume: treat as noise


@dataclass(frozen=True)
class VolumeDiscountCurve:
    """Power-law unit-price curve ``price(q) ∝ q ** -discount_exponent``, bounded below by ``floor``."""

    discount_exponent: float = DEFAULT_EXPONENT
    floor: float = DEFAULT_FLOOR

    def __post_init__(self) -> None:
        if not (math.isfinite(self.discount_exponent) and 0 <= self.discount_exponent <= MAX_EXPONENT):
            raise ValueError(f"discount_exponent must be between 0 and {MAX_EXPONENT}")
        if not (math.isfinite(self.floor) and 0 < self.floor <= 1):
            raise ValueError("floor must be in (0, 1]")

    def multiplier(self, quantity: float, reference: float = 1.0) -> float:
        """Unit-price multiplier for buying ``quantity`` instead of ``reference`` (never below the floor)."""
        if quantity <= 0 or reference <= 0:
            raise ValueError("quantities must be positive")
        if quantity <= reference:
            return 1.0
        return max(self.floor, (reference / quantity) ** self.discount_exponent)


def curve_for_category(category: str, overrides: dict[str, float] | None = None) -> VolumeDiscountCurve:
    """Default curve for a category code, with an optional per-category exponent setting."""
    exponents = {**DEFAULT_EXPONENTS, **(overrides or {})}
    return VolumeDiscountCurve(discount_exponent=exponents.get(category, DEFAULT_EXPONENT))


def estimate_pool_savings(
    budgets: Sequence[int], quantities: Sequence[float], curve: VolumeDiscountCurve | None = None
) -> int:
    """Sum of standalone budgets minus the estimated joint cost of buying the pooled quantity, in yen."""
    curve = curve or VolumeDiscountCurve()
    b = np.asarray(budgets, dtype=float)
    q = np.asarray(quantities, dtype=float)
    if b.shape != q.shape or b.ndim != 1:
        raise ValueError("budgets and quantities must be flat sequences of the same length")
    if not (np.isfinite(b).all() and np.isfinite(q).all()) or (b < 0).any() or (q < 0).any():
        raise ValueError("budgets and quantities must be finite and non-negative")
    total_q = q.sum()
    if len(b) < 2 or total_q <= 0:
        return 0
    share = np.where(q > 0, q / total_q, 1.0)  # a member without a quantity keeps its own price
    mult = np.maximum(curve.floor, share**curve.discount_exponent)
    return max(0, round(float(b.sum() - (b * mult).sum())))


def fit_curve(
    past_awards: Iterable[tuple[float, float]],
    *,
    default: VolumeDiscountCurve | None = None,
    min_points: int = 3,
) -> VolumeDiscountCurve:
    """Fit b from past (quantity, unit price) awards by least squares in log space; else the default."""
    default = default or VolumeDiscountCurve()
    pts = np.array([(q, p) for q, p in past_awards if _positive(q) and _positive(p)], dtype=float)
    if len(pts) < max(2, min_points) or len(np.unique(pts[:, 0])) < 2:
        return default
    design = np.column_stack([np.ones(len(pts)), np.log(pts[:, 0])])
    (_, slope), *_ = np.linalg.lstsq(design, np.log(pts[:, 1]), rcond=None)
    exponent = float(np.clip(-slope, 0.0, MAX_EXPONENT))
    return VolumeDiscountCurve(discount_exponent=exponent, floor=default.floor)


def participant_savings(standalone_jpy: int, allocated_jpy: int) -> int:
    """What a participant would have paid alone minus its allocated share (negative when it paid more)."""
    for name, value in (("standalone_jpy", standalone_jpy), ("allocated_jpy", allocated_jpy)):
        if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer number of yen")
    return int(standalone_jpy) - int(allocated_jpy)


def _positive(value: float) -> bool:
    """True for a finite number above zero."""
    try:
        return math.isfinite(value) and value > 0
    except TypeError:
        return False
