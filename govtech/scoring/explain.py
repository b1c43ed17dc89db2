"""JSON-serialisable explanations of a role's score for chosen professionals (what a coordinator sees).

Each explanation lists every required skill as met / partial / missing with its contribution to the score,
every failed gate with its detail, the text relevance with shared terms, and the smaller signals. The
contributions add up to the score (up to rounding). For a pair that fails a gate, "score" is still what
the formula gives and "eligible" is false: such a pair is never suggested.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from govtech.scoring import kernel
from govtech.scoring.arrays import AREAS, WEIGHT_NAMES, WORK_STYLES
from govtech.scoring.text import SharedTerms

_EPOCH = dt.date(1970, 1, 1)
_ROUND = 4


def iso_day(days: int) -> str:
    """Days since 1970-01-01 -> 'YYYY-MM-DD'."""
    return (_EPOCH + dt.timedelta(days=int(days))).isoformat()


def _gates(prof, roles, j: int, i: int, codes) -> list[dict]:
    """The hard gates the pair (role j, professional i) fails, with what was needed and what is there."""
    failed = []
    if prof.days[i] < roles.days[j]:
        failed.append({"gate": "days", "detail": {"available": float(prof.days[i]),
                                                  "required": float(roles.days[j])}})
    for s in np.flatnonzero((roles.req_weight[j] == 3) & (prof.levels[i] < roles.req_level[j].astype(int) - 1)):
        failed.append({"gate": "must_skill", "detail": {"skill": codes[s], "required": int(roles.req_level[j, s]),
                                                        "held": int(prof.levels[i, s])}})
    style = int(roles.work_style[j])
    if prof.work_style[i] < style:
        failed.append({"gate": "work_style", "detail": {"accepted": WORK_STYLES[prof.work_style[i]],
                                                        "required": WORK_STYLES[style]}})
    elif style > 0 and not prof.regions[i, roles.area[j]]:
        failed.append({"gate": "area", "detail": {
            "area": AREAS[roles.area[j]], "regions": [a for a, ok in zip(AREAS, prof.regions[i], strict=True) if ok]}})
    return failed


def _skills(scorer, roles, j: int, i: int, share: np.ndarray) -> list[dict]:
    """Per required skill: level needed and held, weight, status, verified flag, contribution to the score."""
    prof, codes = scorer.professionals_, list(scorer.skill_codes)
    out = []
    required = np.flatnonzero(roles.req_level[j] > 0)
    # Most important first, then skill-map order.
    for s in sorted(required, key=lambda s: (-int(roles.req_weight[j, s]), s)):
        req, held, code = int(roles.req_level[j, s]), int(prof.levels[i, s]), int(roles.req_weight[j, s])
        status = "met" if held >= req else ("partial" if held > 0 else "missing")
        beta = scorer.weights_[kernel.CLASS_FEATURES[code - 1]]
        contribution = beta * share[s] * min(held, req) / req / scorer.scale_
        out.append({
            "skill": codes[s], "required": req, "held": held, "weight": WEIGHT_NAMES[code],
            "status": status, "verified": bool(prof.verified[i, s] and held > 0),
            "contribution": round(float(contribution), _ROUND),
        })
    return out


def explain_pairs(scorer, roles, j: int, prof_rows: np.ndarray, terms: bool = True) -> list[dict]:
    """Explanations for role row j and each professional row in prof_rows (see module docstring);
    terms=False leaves shared_terms empty (the slowest part, for lists that do not show it)."""
    prof, codes = scorer.professionals_, list(scorer.skill_codes)
    one_role = roles.subset([j])
    feats = scorer.pair_features(one_role, np.zeros(len(prof_rows), np.intp), prof_rows)
    scores = scorer._weighted_sum(feats)
    eligible = scorer.gates(one_role, np.zeros(len(prof_rows), np.intp), prof_rows)
    share = kernel.class_contributions(one_role.req_level, one_role.req_weight, scorer.class_values)[0]
    w, scale = scorer.weights_, scorer.scale_
    shared = SharedTerms(scorer.tfidf_, scorer.expander_, roles.descriptions[j]) if terms else None
    out = []
    for row, i in enumerate(prof_rows):
        f = dict(zip(kernel.FEATURES, feats[row], strict=True))
        out.append({
            "score": round(float(scores[row]), _ROUND),
            "eligible": bool(eligible[row]),
            "coverage": round(f["must"] + f["important"] + f["bonus"], _ROUND),
            "text_relevance": round(f["text"], _ROUND),
            "text_contribution": round(w["text"] * f["text"] / scale, _ROUND),
            "signals": {
                "public_sector": {"years": float(prof.public_years[i]), "value": round(f["public_years"], _ROUND),
                                  "contribution": round(w["public_years"] * f["public_years"] / scale, _ROUND)},
                "verified": {"share": round(f["verified"], _ROUND),
                             "contribution": round(w["verified"] * f["verified"] / scale, _ROUND)},
                "start_fit": {"available_from": iso_day(prof.available_from[i]), "start": iso_day(roles.start[j]),
                              "value": f["start_fit"],
                              "contribution": round(w["start_fit"] * f["start_fit"] / scale, _ROUND)},
            },
            "skills": _skills(scorer, roles, j, int(i), share),
            "gates": _gates(prof, roles, j, int(i), codes),
            "shared_terms": shared(prof.bios[i]) if shared else [],
        })
    return out
