"""Volume-discount curves per category and savings estimates before bidding (reads only).

A category's curve is, in order: the exponent an administrator set on the category, else one fitted on that
category's past awards (`savings.fit_curve`, at least three), else the built-in default of savings.py.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from govtech.core.models import Category
from govtech.extensions import db
from govtech.procurement.models import Award, JointTender
from govtech.procurement.savings import (
    VolumeDiscountCurve,
    curve_for_category,
    estimate_pool_savings,
    fit_curve,
)


def _award_points() -> dict[int, list[tuple[float, float]]]:
    """(total quantity, unit price) of every past award, by category id."""
    rows = db.session.execute(select(JointTender.category_id, Award.quantity, Award.total_jpy, Award.unit_price_jpy)
                              .join(Award, Award.tender_id == JointTender.id))
    points: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for category_id, quantity, total, unit in rows:
        points[category_id].append((float(quantity), float(unit or total / quantity)))
    return points


def curves_by_category() -> dict[str, tuple[VolumeDiscountCurve, str]]:
    """Category code -> (curve, source) where source is 'setting', 'fitted' or 'default'."""
    points = _award_points()
    curves = {}
    for category in db.session.scalars(select(Category)):
        default = curve_for_category(category.code)
        curve, source = default, "default"
        if category.discount_exponent is not None:
            try:
                curve, source = VolumeDiscountCurve(discount_exponent=category.discount_exponent), "setting"
            except ValueError:
                pass  # an out-of-range setting falls back to the default rather than breaking pages
        else:
            fitted = fit_curve(points.get(category.id, []), default=default)
            if fitted is not default:
                curve, source = fitted, "fitted"
        curves[category.code] = (curve, source)
    return curves


def curve_for(category: Category) -> VolumeDiscountCurve:
    """The curve used for one category."""
    return curves_by_category().get(category.code, (curve_for_category(category.code), "default"))[0]


def tender_estimate(tender: JointTender) -> dict:
    """Before bidding: what pooling should save, from the curve, over the members' ceilings and quantities."""
    members = [p for p in tender.participations if p.status in ("invited", "interested", "confirmed")
               and p.quantity and p.budget_ceiling_jpy]
    curve, source = curves_by_category().get(tender.category.code, (curve_for_category(tender.category.code),
                                                                     "default"))
    budgets = [p.budget_ceiling_jpy for p in members]
    savings = estimate_pool_savings(budgets, [p.quantity for p in members], curve) if members else 0
    total = sum(budgets)
    return {"savings_jpy": savings, "budget_jpy": total, "members": len(members),
            "percent": round(100 * savings / total, 1) if total else 0.0,
            "exponent": curve.discount_exponent, "source": source}


def standalone_estimate(unit_price: float, quantity: int, total_quantity: int, curve: VolumeDiscountCurve) -> int:
    """What one member would pay buying its quantity alone, from the pooled unit price and the curve."""
    if quantity <= 0 or total_quantity <= 0:
        return 0
    return round(unit_price * quantity / curve.multiplier(total_quantity, reference=quantity))
