"""Home-page panels: officers see their requests, open tenders and savings; coordinators the pipeline."""
from __future__ import annotations

from govtech.procurement import queries
from govtech.procurement.models import fiscal_year_of
from govtech.procurement.tenders import tokyo_today


def home_panel(user) -> dict | None:
    """The procurement panel for this user's role, or None."""
    if user.role == "officer":
        fy = fiscal_year_of(tokyo_today())
        savings = queries.savings_table(municipality_id=user.municipality_id)
        return {"template": "procurement/_home_officer.html",
                "counts": queries.request_counts(user.municipality_id),
                "open": queries.open_tenders_for(user, per_page=5).items,
                "savings_fy": sum(r["savings_jpy"] for r in savings if r["fiscal_year"] == fy),
                "savings_total": sum(r["savings_jpy"] for r in savings), "fy": fy}
    if user.role == "coordinator":
        return {"template": "procurement/_home_coordinator.html", "counts": queries.pipeline_counts(),
                "near": queries.tenders_near_deadline()}
    return None
