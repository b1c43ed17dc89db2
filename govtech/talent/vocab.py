"""Translated labels of the talent vocabulary: skill levels, work styles, areas, weights, states."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from govtech.core.web import get_locale_code, translated

LEVELS = (
    (0, _l("0 None"), _l("No experience with this skill.")),
    (1, _l("1 Awareness"), _l("Knows the concepts and vocabulary; can follow the discussion.")),
    (2, _l("2 Working"), _l("Has done it in real work, with some guidance.")),
    (3, _l("3 Practitioner"), _l("Leads it independently and coaches others.")),
    (4, _l("4 Expert"), _l("A recognised authority who sets direction across organisations.")),
)
LEVEL_LABELS = {value: label for value, label, _hint in LEVELS}

WORK_STYLE_LABELS = {"remote": _l("Remote"), "hybrid": _l("Hybrid"), "onsite": _l("On site")}
WORK_STYLE_HINTS = {
    "remote": _l("Remote roles only"),
    "hybrid": _l("Remote and hybrid roles"),
    "onsite": _l("Remote, hybrid and on-site roles"),
}
REGION_LABELS = {"wards": _l("23 special wards"), "tama": _l("Tama area"), "islands": _l("Islands")}
WEIGHT_LABELS = {"must": _l("Must"), "important": _l("Important"), "bonus": _l("Bonus")}
ROLE_STATE_LABELS = {"open": _l("Open"), "closed": _l("Closed"), "filled": _l("Filled")}
MATCH_STATE_LABELS = {
    "suggested": _l("Suggested"), "shortlisted": _l("Shortlisted"), "introduced": _l("Introduced"),
    "interviewing": _l("Interviewing"), "appointed": _l("Appointed"), "declined": _l("Declined"),
    "withdrawn": _l("Withdrawn"), "rejected": _l("Not selected"),
}
MATCH_STATE_BADGES = {
    "suggested": "badge-muted", "shortlisted": "badge-info", "introduced": "badge-info",
    "interviewing": "badge-warn", "appointed": "badge-ok", "declined": "badge-muted",
    "withdrawn": "badge-muted", "rejected": "badge-err",
}
SKILL_STATUS_LABELS = {"met": _l("Met"), "partial": _l("Partial"), "missing": _l("Missing")}
CONSENT_LABELS = {None: _l("Waiting for the professional"), True: _l("Accepted"), False: _l("Declined")}


def label(mapping: dict, key) -> str:
    """The translated label of a key, or the key itself."""
    value = mapping.get(key)
    return translated(value) if value is not None else str(key)


PIPELINE_STATES = ("shortlisted", "introduced", "interviewing", "appointed")


def pipeline_badges(counts: dict) -> Markup:
    """A role's candidates in the roles list (coordinators): a badge with the count of each active state that
    has any, else a dash. One call per row instead of a template loop over the states."""
    parts = [Markup('<span class="badge %s">%s %s</span> ') % (MATCH_STATE_BADGES[s], label(MATCH_STATE_LABELS, s),
                                                               counts[s]) for s in PIPELINE_STATES if counts.get(s)]
    return Markup("").join(parts) if parts else Markup('<span class="muted">—</span>')


ROLE_STATE_BADGES = {"open": "badge-ok", "filled": "badge-info"}
_ROLE_BADGES: dict[tuple[str, str], Markup] = {}


def role_state_badge(state: str) -> Markup:
    """A role's state as a coloured badge, kept per language and state (the roles list shows one per row)."""
    key = (get_locale_code(), state)
    found = _ROLE_BADGES.get(key)
    if found is None:
        found = Markup('<span class="badge %s">%s</span>') % (ROLE_STATE_BADGES.get(state, "badge-muted"),
                                                              label(ROLE_STATE_LABELS, state))
        if state in ROLE_STATE_LABELS:
            _ROLE_BADGES[key] = found
    return found

ACTION_LABELS = {
    "shortlist": _l("Shortlist"), "introduce": _l("Introduce to the municipality"), "reject": _l("Not a fit"),
    "accept": _l("Accept the introduction"), "decline": _l("Decline"), "withdraw": _l("Withdraw"),
    "interview": _l("Start interviews"), "appoint": _l("Record the appointment"),
    "not_selected": _l("Not selected"),
}
ACTION_DONE = {
    "shortlist": _l("Shortlisted."), "introduce": _l("Introduced. The professional is asked to accept."),
    "reject": _l("Recorded as not a fit."),
    "accept": _l("You accepted the introduction. The municipality can now see your profile."),
    "decline": _l("The introduction was declined."), "withdraw": _l("Withdrawn from the role."),
    "interview": _l("Interviews started."), "appoint": _l("The appointment is recorded."),
    "not_selected": _l("Recorded as not selected."),
}
COMPONENT_LABELS = {
    "must": _l("Coverage of must skills"), "important": _l("Coverage of important skills"),
    "bonus": _l("Coverage of bonus skills"), "text": _l("Text relevance of the background"),
    "public_years": _l("Public-sector experience"), "verified": _l("Verified levels"),
    "start_fit": _l("Available by the start date"),
}


def history_label(action: str) -> str:
    """A readable step for an audit action such as `match.introduce` or `match.shortlisted`."""
    step = action.rsplit(".", 1)[-1]
    if step == "interest":
        return str(_l("Expressed interest"))
    return label(ACTION_LABELS, step) if step in ACTION_LABELS else label(MATCH_STATE_LABELS, step)
