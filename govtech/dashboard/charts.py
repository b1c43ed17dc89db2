"""Turns dashboard figures into what the page draws: a Chart.js spec for static/js/charts.js plus the same
numbers as table rows (the text alternative every chart carries), in the reader's language.

Specs are plain JSON: {"type", "labels", "datasets": [{"label", "data", "color"?}], "format": "yen"|"number",
"horizontal"?, "stacked"?}. Table cells are already formatted strings.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from govtech.core.templating import number, yen
from govtech.dashboard import queries
from govtech.talent.vocab import LEVEL_LABELS, MATCH_STATE_LABELS, label

AREA_LABELS = {"wards": _l("Special wards"), "tama": _l("Tama"), "islands": _l("Islands")}
COLOURS = {"paid": "#0b5394", "saved": "#38761d", "joined": "#0b5394", "not_joined": "#9aa5b1",
           "funnel": "#674ea7"}
TOP_MUNICIPALITIES = 15
# Professionals per role needing that level: below 1 is a shortage, 10 or more is plenty.
BUCKETS = ((1, "short", _l("Short")), (3, "tight", _l("Tight")), (10, "fair", _l("Enough")),
           (float("inf"), "ample", _l("Plenty")))


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def savings_chart(rows: list[dict], label_of) -> dict:
    """Stacked bars: paid jointly + saved = what buying alone would have cost."""
    labels = [label_of(r["key"]) for r in rows]
    spec = {"type": "bar", "format": "yen", "stacked": True, "labels": labels,
            "datasets": [{"label": _("Paid jointly"), "data": [r["allocated_jpy"] for r in rows],
                          "color": COLOURS["paid"]},
                         {"label": _("Saved"), "data": [r["savings_jpy"] for r in rows], "color": COLOURS["saved"]}]}
    table = [(name, yen(r["standalone_jpy"]), yen(r["allocated_jpy"]), yen(r["savings_jpy"]),
              _percent(r["savings_jpy"], r["standalone_jpy"]), number(r["tenders"])) for name, r in zip(labels, rows,
                                                                                                     strict=True)]
    return {"spec": spec, "rows": table, "empty": not rows,
            "headers": [_("Item"), _("Buying alone"), _("Paid jointly"), _("Saved"), _("Saved (%)"), _("Tenders")]}


def by_year(rows: list[dict]) -> dict:
    """Savings per fiscal year."""
    chart = savings_chart(rows, lambda fy: _("FY%(fy)s", fy=fy))
    chart["headers"][0] = _("Fiscal year")
    return chart


def by_municipality(rows: list[dict], lang: str) -> dict:
    """The municipalities that saved most as horizontal bars; the table lists all of them."""
    chart = savings_chart(rows[:TOP_MUNICIPALITIES], lambda m: m.display_name(lang))
    chart["spec"]["horizontal"] = True
    chart["rows"] = savings_chart(rows, lambda m: m.display_name(lang))["rows"]
    chart["headers"][0] = _("Municipality")
    return chart


def by_category(rows: list[dict], lang: str) -> dict:
    """Savings per procurement category (an officer's own)."""
    chart = savings_chart(rows, lambda c: c.display_name(lang))
    chart["spec"]["horizontal"] = True
    chart["headers"][0] = _("Category")
    return chart


def participation(rows: list[dict]) -> dict:
    """Per area: municipalities that joined at least one joint tender, and those that have not yet."""
    labels = [str(AREA_LABELS[r["area"]]) for r in rows]
    spec = {"type": "bar", "format": "number", "stacked": True, "horizontal": True, "labels": labels,
            "datasets": [{"label": _("Joined a joint tender"), "data": [r["joined"] for r in rows],
                          "color": COLOURS["joined"]},
                         {"label": _("Not yet"), "data": [r["municipalities"] - r["joined"] for r in rows],
                          "color": COLOURS["not_joined"]}]}
    table = [(name, number(r["municipalities"]), number(r["filed"]), number(r["joined"]),
              _percent(r["joined"], r["municipalities"]), number(r["participations"]))
             for name, r in zip(labels, rows, strict=True)]
    totals = {k: sum(r[k] for r in rows) for k in ("municipalities", "filed", "joined", "participations")}
    table.append((_("All of Tokyo"), number(totals["municipalities"]), number(totals["filed"]),
                  number(totals["joined"]), _percent(totals["joined"], totals["municipalities"]),
                  number(totals["participations"])))
    return {"spec": spec, "rows": table, "totals": totals, "empty": not totals["participations"],
            "headers": [_("Area"), _("Municipalities"), _("Filed a request"), _("Joined a tender"), _("Share joined"),
                        _("Participations")]}


def municipality_grid(rows: list[dict]) -> list[dict]:
    """The 62 municipalities grouped by area, each with a bucket class for the number of tenders joined."""
    groups = {area: [] for area in AREA_LABELS}
    for r in rows:
        bucket = "n0" if not r["joined"] else "n1" if r["joined"] == 1 else "n2" if r["joined"] <= 3 else "n4"
        groups[r["municipality"].area].append({**r, "bucket": bucket})
    return [{"area": area, "label": AREA_LABELS[area], "items": items} for area, items in groups.items()]


def bucket(supply: int, demand: int) -> tuple[str, str]:
    """(css class, label) of a heatmap cell from professionals per role in demand."""
    if not demand:
        return "none", _("No demand")
    ratio = supply / demand
    return next((css, str(text)) for limit, css, text in BUCKETS if ratio < limit)


def heatmap(rows: list[dict], lang: str) -> dict:
    """Skill categories × levels with supply, demand and a bucket per cell (rendered as an HTML table)."""
    out = []
    for row in rows:
        cells = [{**c, "css": bucket(c["supply"], c["demand"])[0], "bucket": bucket(c["supply"], c["demand"])[1]}
                 for c in row["cells"]]
        out.append({"name": row["category"].display_name(lang), "cells": cells})
    return {"rows": out, "levels": [label(LEVEL_LABELS, lvl) for lvl in queries.LEVELS],
            "legend": [("none", _("No demand"))] + [(css, str(text)) for _limit, css, text in BUCKETS],
            "empty": not any(c["demand"] or c["supply"] for r in rows for c in r["cells"])}


def funnel(figures: dict) -> dict:
    """Horizontal bars of how many matches reached each stage, with the step-to-step conversion."""
    reached = figures["reached"]
    labels = [label(MATCH_STATE_LABELS, s) for s in queries.FUNNEL]
    values = [reached[s] for s in queries.FUNNEL]
    spec = {"type": "bar", "format": "number", "horizontal": True, "labels": labels,
            "datasets": [{"label": _("Candidates"), "data": values, "color": COLOURS["funnel"]}]}
    table = [(name, number(v), _percent(v, values[i - 1]) if i else "—", _percent(v, values[0]))
             for i, (name, v) in enumerate(zip(labels, values, strict=True))]
    ended = [(label(MATCH_STATE_LABELS, s), figures["ended"][s]) for s in queries.ENDED]
    return {"spec": spec, "rows": table, "ended": ended, "empty": not values[0],
            "headers": [_("Stage"), _("Candidates"), _("From the previous stage"), _("From suggested")]}


def dashboard(user, lang: str) -> dict:
    """Everything the dashboard page shows; officers see their own municipality's figures."""
    own = user.municipality_id if user.role == "officer" else None
    years, stages = queries.savings_by_year(own), queries.funnel(own)
    view = {"scoped": own is not None, "years": by_year(years),
            "participation": participation(queries.participation_by_area()),
            "heatmap": heatmap(queries.skill_heatmap(own), lang), "funnel": funnel(stages),
            "roles": queries.role_counts(own)}
    if own is None:
        view["municipalities"] = by_municipality(queries.savings_by_municipality(), lang)
        view["grid"] = municipality_grid(queries.participation_by_municipality())
    else:
        view["categories"] = by_category(queries.savings_by_category(own), lang)
    view["totals"] = {"saved": sum(r["savings_jpy"] for r in years), "alone": sum(r["standalone_jpy"] for r in years),
                      "tenders": sum(r["tenders"] for r in years),
                      "appointed": stages["reached"]["appointed"]}
    return view
